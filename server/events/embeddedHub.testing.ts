import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from '@jest/globals';
import { type Database, openDatabase } from '../db/database';
import { createLogger } from '../log';
import { EventHub } from './hub';
import { commitNewExecution } from './record';

/** For the tests of a describe block: an embedded database in a folder of its own, with a started EventHub on it. */
export function useEmbeddedHub(folderPrefix: string) {
  let directory: string;
  let database: Database;
  let hub: EventHub;
  const log = createLogger('silent');

  beforeAll(async () => {
    directory = await mkdtemp(path.join(os.tmpdir(), folderPrefix));
    database = await openDatabase({ kind: 'embedded', directory }, log);
    hub = new EventHub(database, log);
    await hub.start();
  });

  afterAll(async () => {
    await hub.stop();
    await database.close();
    await rm(directory, { recursive: true, force: true });
  });

  return {
    get database() {
      return database;
    },
    get hub() {
      return hub;
    },
    log,
    /** A new pending execution of a new project. */
    async newExecution(): Promise<string> {
      const project = await database.prisma.project.create({ data: { name: 'p' } });
      return (await commitNewExecution(database.prisma, { projectId: project.id })).id;
    },
  };
}
