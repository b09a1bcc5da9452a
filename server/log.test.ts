import { describe, expect, it } from '@jest/globals';
import { execa } from 'execa';
import path from 'node:path';

const logModule = path.join(import.meta.dirname, 'log.ts');

/** Runs a small program with the process-level handlers installed, as server/main.ts installs them. */
async function runWithHandlers(body: string) {
  const program = `
    import { createLogger, logUnhandledFailures } from ${JSON.stringify(logModule)};
    logUnhandledFailures(createLogger('info'), (error) => { console.log('fatal: ' + error.message); process.exit(3); });
    ${body}`;
  return execa('node', ['--import', 'tsx', '--input-type=module', '-e', program], { reject: false, cwd: path.join(import.meta.dirname, '..') });
}

describe('process-level failure handlers', () => {
  it('logs an unhandled rejection as one JSON line and keeps the process running', async () => {
    const result = await runWithHandlers(`
      Promise.reject(new Error('boom'));
      setTimeout(() => console.log('still serving'), 200);`);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('still serving');
    const lines = result.stderr.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'error', msg: 'unhandled promise rejection', error: { message: 'boom', stack: expect.stringContaining('Error: boom') } });
  }, 30_000);

  it('logs an uncaught exception as one JSON line before stopping', async () => {
    const result = await runWithHandlers(`setTimeout(() => { throw new Error('broken state'); }, 10);`);
    expect(result.exitCode).toBe(3);
    expect(result.stdout).toContain('fatal: broken state');
    const lines = result.stderr.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'error', msg: 'uncaught exception', error: { message: 'broken state' } });
  }, 30_000);
});
