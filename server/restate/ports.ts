import { readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import getPort from 'get-port';

/**
 * Ports chosen once and remembered in the data folder, so a restart reuses them:
 * Restate pins in-flight executions to the executor endpoint's address, and its node
 * keeps its own address in its metadata. `reserved` are ports another part of the platform will
 * listen on later (the HTTP server's): free now, so they must be left out explicitly.
 */
export async function rememberedPorts<Name extends string>(
  file: string,
  names: readonly Name[],
  fixed: Partial<Record<Name, number>>,
  reserved: readonly number[] = [],
): Promise<Record<Name, number>> {
  const remembered = await readJson<Partial<Record<Name, number>>>(file);
  const chosen = {} as Record<Name, number>;
  for (const name of names) {
    const wanted = fixed[name];
    if (wanted !== undefined && wanted !== 0) {
      if (!(await isFree(wanted))) throw new Error(`Port ${wanted} (${name}) is already in use: stop what uses it or choose another port`);
      chosen[name] = wanted;
      continue;
    }
    const previous = remembered[name];
    const exclude = [...reserved, ...Object.values<number>(chosen)];
    chosen[name] = previous !== undefined && !exclude.includes(previous) && (await isFree(previous))
      ? previous
      : await freePort(exclude);
  }
  await writeFile(file, `${JSON.stringify(chosen, null, 2)}\n`);
  return chosen;
}

/**
 * A port the OS hands out as free, never one of `exclude`. get-port's own `exclude` filters only
 * the ports it is asked to try, not the one the OS picks, so a port reserved for later (the HTTP
 * server's) could come back.
 */
export async function freePort(exclude: readonly number[], pick: () => Promise<number> = () => getPort({ host: '127.0.0.1' })): Promise<number> {
  const attempts = 100;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const port = await pick();
    if (!exclude.includes(port)) return port;
  }
  throw new Error(`No free port outside ${exclude.join(', ')} after ${attempts} attempts`);
}

export function isFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

async function readJson<T>(file: string): Promise<T> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return {} as T;
  }
}
