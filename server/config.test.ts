import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { loadConfig } from './config';

describe('loadConfig', () => {
  it('defaults to port 4000, ./.data, embedded PGlite and an embedded Restate', () => {
    const config = loadConfig({});
    expect(config.http.port).toBe(4000);
    expect(config.dataDir).toBe(path.resolve('.data'));
    expect(config.database).toEqual({ kind: 'embedded', directory: path.resolve('.data', 'postgres') });
    expect(config.restate).toMatchObject({ kind: 'embedded', directory: path.resolve('.data', 'restate') });
  });

  it('uses a PostgreSQL server and an existing Restate when their URLs are set', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://u:p@db:5432/weft',
      RESTATE_INGRESS_URL: 'http://restate:8080',
      RESTATE_ADMIN_URL: 'http://restate:9070',
      PORT: '8000',
      DATA_DIR: '/var/lib/weft',
    });
    expect(config.http.port).toBe(8000);
    expect(config.database).toEqual({ kind: 'server', url: 'postgres://u:p@db:5432/weft', poolSize: 10 });
    expect(config.restate).toEqual({ kind: 'external', ingressUrl: 'http://restate:8080', adminUrl: 'http://restate:9070' });
  });

  it('names every invalid setting in one error', () => {
    expect(() => loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', RESTATE_INGRESS_URL: 'http://r:8080' })).toThrow(
      /PORT[\s\S]*DATABASE_URL must start with postgres:\/\//,
    );
    expect(() => loadConfig({ RESTATE_INGRESS_URL: 'http://r:8080' })).toThrow(
      'Set both RESTATE_INGRESS_URL and RESTATE_ADMIN_URL',
    );
  });
});
