/** `npm start`: the whole platform in one process (plus restate-server as its child). */
import { loadConfig } from './config';
import { createLogger, logUnhandledFailures } from './log';
import { startPlatform } from './platform';

const config = loadConfig();
const log = createLogger(config.logLevel);
let stopPlatform: (() => Promise<void>) | undefined;
logUnhandledFailures(log, () => {
  setTimeout(() => process.exit(1), 10_000).unref();
  void Promise.resolve(stopPlatform?.()).finally(() => process.exit(1));
});

try {
  const platform = await startPlatform(config, log);
  stopPlatform = () => platform.stop();
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info('stopping', { signal });
    await platform.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (error) {
  log.error('could not start the platform', { error: (error as Error).message });
  process.exit(1);
}
