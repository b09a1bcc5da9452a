// Loaded with `--import` into a server a benchmark starts (NODE_OPTIONS may not carry --cpu-prof):
// profiles the process and writes a .cpuprofile into BENCH_CPU_PROF_DIR when it exits; SIGUSR2
// starts the profile afresh (a benchmark sends it after its warm-up, so start-up is left out).
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';

const directory = process.env.BENCH_CPU_PROF_DIR;
if (directory) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  session.post('Profiler.start');
  process.on('SIGUSR2', () => session.post('Profiler.stop', () => session.post('Profiler.start')));
  process.on('exit', () => {
    session.post('Profiler.stop', (error, result) => {
      if (!error) writeFileSync(path.join(directory, `server-${process.pid}-${Date.now()}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
