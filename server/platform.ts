import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ApiTokens } from './auth/apiTokens';
import { Authenticator } from './auth/caller';
import { loadServerSecret } from './auth/secrets';
import { TaskLinks } from './auth/taskLinks';
import type { Config } from './config';
import { type Database, openDatabase } from './db/database';
import { EventHub } from './events/hub';
import { ExecutionRecords } from './executor/records';
import { ExecutionStarter } from './executor/starter';
import { WorkSteps } from './executor/workSteps';
import { webBuild } from './webBuild';
import { createExecutionWorkflow } from './executor/workflow';
import { Metrics } from './http/metrics';
import { configureCompilation, stopCompilation } from './graphql/compiled';
import { setMaxLanesPerNode } from './executor/lanes';
import { startHttpServer } from './http/server';
import { createLogger, type Logger } from './log';
import { startEmbeddedRestate } from './restate/embedded';
import { registerDeployment, serveExecutorEndpoint } from './restate/endpoint';
import { rememberedPorts } from './restate/ports';
import { allowSecondsField } from './nodes/triggers/cron';
import { createCronTriggerObject, CronSchedules } from './triggers/cronObject';
import { createRssTriggerObject, FeedSchedules } from './triggers/rssObject';
import { readFeed } from './triggers/rssFeeds';
import { Triggers } from './triggers/triggers';
import { PublishedPages } from './pages/publishedPages';
import { InfraChangeFeed } from './loom/liveData';
import { reportPythonSandbox } from './nodes/code/sandbox';
import { openSandboxPool } from './nodes/code/pool';
import { InfraInstances } from './infra/instances';
import { provideNodeServices } from './nodes/services';
import { SecretSealer } from './credentials/sealing';
import { ProjectCredentials } from './credentials/store';
import { openBlobStore } from './files/blobStore';
import { Files } from './files/files';
import { FileLinks } from './files/signing';
import { pruneFiles } from './retention/fileRetention';
import { createFileRetentionObject, ensureFileRetention } from './retention/retentionObject';

export interface Platform {
  url: string;
  restate: { ingressUrl: string; adminUrl: string; pid?: number };
  database: Database;
  events: EventHub;
  stop(): Promise<void>;
}

/**
 * Starts the whole platform in dependency order: the database (with migrations),
 * Restate, the executor endpoint registered with Restate, live events, then HTTP.
 * stop() undoes it in reverse, letting node steps under way finish first (a graceful stop);
 * a failed start undoes what had started.
 */
export async function startPlatform(config: Config, log: Logger = createLogger(config.logLevel)): Promise<Platform> {
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) {
      await stop().catch((error: Error) => log.error('error while stopping', { error }));
    }
    stops.length = 0;
  };
  try {
    await mkdir(config.dataDir, { recursive: true });
    stops.push(await lockDataDirectory(config.dataDir));
    await reportPythonSandbox(config.nodes, log.child({ part: 'python' }));
    // Stopped late (stops run in reverse): node steps under way finish first; then idle sandboxes end.
    const pythonPool = openSandboxPool({ size: config.nodes.pythonSandbox.poolSize, idleMs: config.nodes.pythonSandbox.poolIdleSeconds * 1000 });
    stops.push(() => pythonPool.close());

    // The HTTP server listens last; until then its port is free, and a port chosen for Restate or the executor must not take it.
    const httpPorts = config.http.port ? [config.http.port] : [];
    // The database and restate-server do not need each other: they start at once (restate-server
    // in its own process, on the other core); if either fails, the other is stopped again.
    const [opened, started] = await Promise.allSettled([
      openDatabase(config.database, log.child({ part: 'database' })),
      config.restate.kind === 'embedded'
        ? startEmbeddedRestate({ ...config.restate, log: log.child({ part: 'restate' }), reservedPorts: httpPorts })
        : config.restate,
    ]);
    if (opened.status === 'fulfilled') stops.push(() => opened.value.close());
    if (started.status === 'fulfilled' && 'stop' in started.value) {
      const embedded = started.value;
      stops.push(() => embedded.stop());
    }
    if (opened.status === 'rejected') throw opened.reason;
    if (started.status === 'rejected') throw started.reason;
    const database = opened.value;
    const restate = started.value;
    // Project code (Http, LlmInference) may never call these (server/net/egress.ts).
    await config.nodes.egress.protectEach([
      ['GraphQL server', config.http.port ? `http://${config.http.host}:${config.http.port}` : undefined],
      ['database', config.database.kind === 'server' ? config.database.url : undefined, 5432],
      ['Restate ingress', restate.ingressUrl],
      ['Restate admin API', restate.adminUrl],
      ['Restate node', 'nodeUrl' in restate ? restate.nodeUrl : undefined],
    ]);

    const records = new ExecutionRecords(database.prisma);
    const workSteps = new WorkSteps();
    provideNodeServices({ infra: new InfraInstances(database.prisma) });
    const sealer = new SecretSealer(await loadServerSecret(config.auth.secret, config.dataDir));
    provideNodeServices({ sealer, credentials: new ProjectCredentials(database.prisma, sealer) });
    const fileLinks = new FileLinks(await loadServerSecret(config.auth.secret, config.dataDir), config.files.urlTtlSeconds);
    const files = new Files(database.prisma, openBlobStore(config.files.store), fileLinks, config.files.maxBytes);
    provideNodeServices({ files });
    allowSecondsField(config.triggers.allowSecondCron);
    const executions = new ExecutionStarter(records, restate, log.child({ part: 'executor' }));
    stops.push(() => executions.close());
    const triggers = new Triggers(database.prisma, executions, new CronSchedules(restate.ingressUrl), log.child({ part: 'triggers' }), {
      schedules: new FeedSchedules(restate.ingressUrl),
      minPollSecs: config.triggers.rssMinPollSecs,
    });
    const ports = await rememberedPorts(path.join(config.dataDir, 'ports.json'), ['executor'] as const, {
      executor: config.executor.port,
    }, httpPorts);
    const endpoint = await serveExecutorEndpoint({
      services: [
        createExecutionWorkflow({
          records,
          nodeSettings: config.nodes,
          concurrency: config.executor.concurrency,
          maxOutputBytesPerPort: config.executor.maxOutputBytesPerPort,
          workSteps,
        }),
        createCronTriggerObject((triggerId, scheduledTime, actualTime) => triggers.fireCron(triggerId, scheduledTime, actualTime)),
        createRssTriggerObject({
          read: (_triggerId, url) => readFeed(config.nodes, url),
          fire: (triggerId, entry) => triggers.fireRss(triggerId, entry),
          report: (triggerId, problem) => triggers.reportFeed(triggerId, problem),
        }),
        createFileRetentionObject((policy, now) => pruneFiles(database.prisma, files, policy, now)),
      ],
      port: ports.executor,
      host: config.executorEndpoint.host,
      identityKeys: [...config.executorEndpoint.identityKeys, ...('identityKey' in restate ? [restate.identityKey] : [])],
      log,
    });
    stops.push(() => endpoint.close());
    await config.nodes.egress.protectEach([['executor endpoint', endpoint.url], ['executor endpoint', config.executor.advertisedUrl]]);
    // Before the endpoint closes: node steps under way finish and are journaled, within the grace period.
    stops.push(async () => {
      if (workSteps.count > 0) log.info('waiting for node steps under way', { steps: workSteps.count, graceMs: config.executor.shutdownGraceMs });
      const unfinished = await workSteps.drained(config.executor.shutdownGraceMs);
      if (unfinished > 0) log.warn('node steps still running at the end of the grace period; they run again after the next start', { steps: unfinished });
    });
    await registerDeployment(restate.adminUrl, config.executor.advertisedUrl ?? endpoint.url, log);

    const metrics = new Metrics();
    const events = new EventHub(database, log.child({ part: 'events' }), (count) => metrics.eventsCommitted.inc(count));
    await events.start();
    stops.push(() => events.stop());

    const infraChanges = new InfraChangeFeed(database);
    await infraChanges.start();
    stops.push(() => infraChanges.stop());

    const authenticator = await createAuthenticator(config, database, log);

    await triggers.ensureSchedules();
    await ensureFileRetention(restate.ingressUrl, config.files.retention).catch((error: Error) =>
      log.warn('file retention not scheduled; it is tried again at the next start', { error: error.message }),
    );
    await webBuild(); // the SPA that `npm start` may still be building
    configureCompilation(config.compilation);
    setMaxLanesPerNode(config.compilation.maxLanesPerNode);
    stops.push(stopCompilation);
    const http = await startHttpServer({
      config,
      context: {
        prisma: database.prisma, events, executions, triggers, versions: config.versions, infraChanges,
        pages: new PublishedPages(config.pages, await loadServerSecret(config.auth.secret, config.dataDir), database.prisma),
      },
      database,
      restate,
      authenticator,
      metrics,
      log: log.child({ part: 'http' }),
    });
    stops.push(() => http.close());
    await config.nodes.egress.protectEach([['GraphQL server', http.url]]);
    log.info('platform ready', { url: http.url, graphql: `${http.url}/graphql`, dataDir: config.dataDir, database: database.kind });

    return {
      url: http.url,
      restate: { ingressUrl: restate.ingressUrl, adminUrl: restate.adminUrl, pid: 'pid' in restate ? restate.pid : undefined },
      database,
      events,
      // No new node work starts from here on; what runs gets SHUTDOWN_GRACE_MS to finish.
      stop: async () => {
        workSteps.stopStarting();
        await stopAll();
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

async function createAuthenticator(config: Config, database: Database, log: Logger): Promise<Authenticator> {
  const secret = await loadServerSecret(config.auth.secret, config.dataDir);
  const authenticator = new Authenticator(config.auth.enabled, new ApiTokens(database.prisma), new TaskLinks(secret), config.auth.adminToken);
  if (config.auth.enabled && !config.auth.adminToken && (await database.prisma.apiToken.count({ where: { revokedAt: null } })) === 0) {
    log.warn('auth is on and no API token exists: set ADMIN_TOKEN to create the first ones (see README, "API tokens")');
  }
  log.info('GraphQL auth', { enabled: config.auth.enabled });
  return authenticator;
}

/** One platform process per data folder: PGlite and restate-server must not be shared. */
async function lockDataDirectory(dataDir: string): Promise<() => Promise<void>> {
  const lockFile = path.join(dataDir, 'platform.pid');
  const holder = Number(await readFile(lockFile, 'utf8').catch(() => ''));
  if (holder && holder !== process.pid && isAlive(holder)) {
    throw new Error(`Another platform process (pid ${holder}) is using ${dataDir}; stop it or set DATA_DIR to another folder`);
  }
  await writeFile(lockFile, String(process.pid));
  return () => rm(lockFile, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
