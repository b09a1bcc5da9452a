import { describe, expect, it } from '@jest/globals';
import { filesOverLimits, type RetentionPolicy } from './fileRetention';

const now = new Date('2026-12-01T12:00:00Z');
const policy = (changes: Partial<RetentionPolicy>): RetentionPolicy => ({ maxAgeSeconds: 0, maxTotalBytes: 0, includeUploads: false, intervalSeconds: 3600, ...changes });
const file = (id: string, size: number, secondsAgo: number) => ({ id, size, createdAt: new Date(now.getTime() - secondsAgo * 1000) });
const newestFirst = [file('e', 100, 10), file('d', 300, 20), file('c', 100, 30), file('b', 50, 40), file('a', 10, 50)];

describe('which files retention deletes', () => {
  it('those older than the maximum age', () => {
    expect(filesOverLimits(newestFirst, policy({ maxAgeSeconds: 35 }), now).expired).toEqual(['b', 'a']);
  });

  it('beyond the total size counted from the newest; once one does not fit, every older one too', () => {
    expect(filesOverLimits(newestFirst, policy({ maxTotalBytes: 450 }), now)).toEqual({ expired: ['c', 'b', 'a'], kept: { bytes: 400, full: true } });
    expect(filesOverLimits(newestFirst, policy({ maxTotalBytes: 560 }), now).expired).toEqual([]);
    expect(filesOverLimits(newestFirst, policy({ maxTotalBytes: 50 }), now).expired).toEqual(['e', 'd', 'c', 'b', 'a']);
  });

  it('both limits at once, and across pages', () => {
    expect(filesOverLimits(newestFirst, policy({ maxTotalBytes: 450, maxAgeSeconds: 15 }), now).expired).toEqual(['d', 'c', 'b', 'a']);
    const first = filesOverLimits(newestFirst.slice(0, 2), policy({ maxTotalBytes: 450 }), now);
    expect(filesOverLimits(newestFirst.slice(2), policy({ maxTotalBytes: 450 }), now, first.kept).expired).toEqual(['c', 'b', 'a']);
  });

  it('nothing without limits', () => {
    expect(filesOverLimits(newestFirst, policy({}), now).expired).toEqual([]);
  });
});
