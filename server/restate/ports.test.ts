import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort, rememberedPorts } from './ports';

describe('ports', () => {
  let directory: string;
  beforeEach(async () => {
    directory = await mkdtemp(path.join(os.tmpdir(), 'weft-ports-'));
  });
  afterEach(() => rm(directory, { recursive: true, force: true }));

  it('never returns an excluded port, even when the OS hands one out', async () => {
    const offered = [4000, 4001, 4000, 4002];
    const port = await freePort([4000, 4001], async () => offered.shift()!);
    expect(port).toBe(4002);
  });

  it('gives up with a clear error instead of looping forever', async () => {
    await expect(freePort([4000], async () => 4000)).rejects.toThrow('No free port outside 4000');
  });

  it('keeps the ports it chose across restarts, and refuses a fixed port in use', async () => {
    const file = path.join(directory, 'ports.json');
    const first = await rememberedPorts(file, ['ingress', 'admin'] as const, {});
    expect(first.ingress).not.toBe(first.admin);
    expect(await rememberedPorts(file, ['ingress', 'admin'] as const, {})).toEqual(first);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(first);

    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const taken = (busy.address() as net.AddressInfo).port;
    try {
      await expect(rememberedPorts(file, ['ingress'] as const, { ingress: taken })).rejects.toThrow(`Port ${taken} (ingress) is already in use`);
    } finally {
      busy.close();
    }
  });

  it('leaves out a reserved port even when it was remembered', async () => {
    const file = path.join(directory, 'ports.json');
    const first = await rememberedPorts(file, ['executor'] as const, {});
    const again = await rememberedPorts(file, ['executor'] as const, {}, [first.executor]);
    expect(again.executor).not.toBe(first.executor);
  });
});
