import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { NodeSettings } from './nodes/definition';
import { defaultNodeSettings } from './nodes/settings';
import { EgressGuard } from './net/egress';
import type { VersionPolicy } from './versions/history';
import type { FileStoreConfig } from './files/blobStore';
import type { RetentionPolicy } from './retention/fileRetention';

/**
 * Every setting of the platform, read once from the environment. Nothing else in the
 * code reads process.env: pass a Config (or the part it needs) instead.
 */
const port = z.coerce.number().int().min(0).max(65535);
const optionalUrl = z.url().optional();

const environmentSchema = z
  .object({
    PORT: port.default(4000),
    HOST: z.string().default('127.0.0.1'),
    DATA_DIR: z.string().default('./.data'),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must start with postgres:// or postgresql://')
      .optional(),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(3).default(10),
    RESTATE_INGRESS_URL: optionalUrl,
    RESTATE_ADMIN_URL: optionalUrl,
    RESTATE_SERVER_BINARY: z.string().optional(),
    EXECUTOR_PORT: port.optional(),
    EXECUTOR_URL: optionalUrl,
    EXECUTOR_HOST: z.string().default('127.0.0.1'),
    RESTATE_IDENTITY_KEYS: z
      .string()
      .default('')
      .refine((value) => listOfKeys(value).every((key) => /^publickeyv1_[1-9A-HJ-NP-Za-km-z]+$/.test(key)), 'RESTATE_IDENTITY_KEYS must be comma-separated Restate request identity public keys (publickeyv1_…)'),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
    LOG_SQL: z.enum(['on', 'off']).default('off'),
    VERSION_INTERVAL_MINUTES: z.coerce.number().min(0).default(10),
    MAX_AUTO_VERSIONS: z.coerce.number().int().positive().default(50),
    MAX_CODE_BYTES: z.coerce.number().int().positive().default(500_000),
    MAX_PROJECT_NODES: z.coerce.number().int().positive().default(2_000),
    MAX_LANES_PER_NODE: z.coerce.number().int().positive().default(10_000),
    COMPILE_WORKERS: z.coerce.number().int().positive().default(1),
    WEB_MODE: z.enum(['static', 'dev', 'none']).default('static'),
    MAX_REQUEST_BYTES: z.coerce.number().int().positive().default(1_000_000),
    AUTH: z.enum(['on', 'off', 'auto']).default('auto'),
    ADMIN_TOKEN: z.string().min(24, 'ADMIN_TOKEN must be at least 24 characters (e.g. `openssl rand -hex 32`)').optional(),
    SECRET: z.string().min(24, 'SECRET must be at least 24 characters (e.g. `openssl rand -hex 32`)').optional(),
    GRAPHQL_MAX_DEPTH: z.coerce.number().int().positive().default(15),
    GRAPHQL_MAX_COST: z.coerce.number().int().positive().default(5000),
    GRAPHQL_MAX_ALIASES: z.coerce.number().int().positive().default(20),
    GRAPHQL_MAX_DIRECTIVES: z.coerce.number().int().positive().default(20),
    GRAPHQL_MAX_TOKENS: z.coerce.number().int().positive().default(5000),
    GRAPHQL_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
    GRAPHQL_MAX_INPUT_DEPTH: z.coerce.number().int().positive().default(64),
    EXECUTOR_CONCURRENCY: z.coerce.number().int().positive().default(8),
    SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
    MAX_OUTPUT_BYTES_PER_PORT: z.coerce.number().int().positive().default(1024 * 1024),
    PYTHON_BINARY: z.string().default(defaultNodeSettings.python.binary),
    PYTHON_TIMEOUT_MS: z.coerce.number().int().positive().default(defaultNodeSettings.python.timeoutMs),
    PYTHON_MEMORY_MB: z.coerce.number().int().positive().default(defaultNodeSettings.python.memoryMb),
    PYTHON_SANDBOX: z.enum(['bwrap', 'off']).default('bwrap'),
    PYTHON_SANDBOX_BWRAP: z.string().default(defaultNodeSettings.pythonSandbox.bwrapBinary),
    PYTHON_CPU_SECONDS: z.coerce.number().int().positive().optional(),
    PYTHON_MAX_PROCESSES: z.coerce.number().int().min(2).default(defaultNodeSettings.pythonSandbox.maxProcesses),
    PYTHON_MAX_FILE_MB: z.coerce.number().int().positive().default(defaultNodeSettings.pythonSandbox.maxFileMb),
    PYTHON_TMP_MB: z.coerce.number().int().positive().default(defaultNodeSettings.pythonSandbox.tmpMb),
    PYTHON_POOL_SIZE: z.coerce.number().int().min(0).max(64).default(defaultNodeSettings.pythonSandbox.poolSize),
    PYTHON_POOL_IDLE_SECONDS: z.coerce.number().int().positive().default(defaultNodeSettings.pythonSandbox.poolIdleSeconds),
    EGRESS_POLICY: z.enum(['auto', 'allow-all', 'deny-private', 'allowlist']).default('auto'),
    EGRESS_ALLOWLIST: z.string().default(''),
    HTTP_NODE_ATTEMPTS: z.coerce.number().int().min(1).default(defaultNodeSettings.httpRetries.attempts),
    HTTP_NODE_RETRY_DELAY_MS: z.coerce.number().int().min(0).default(defaultNodeSettings.httpRetries.delayMs),
    HTTP_NODE_TIMEOUT_MS: z.coerce.number().int().positive().default(defaultNodeSettings.http.timeoutMs),
    HTTP_NODE_MAX_BODY_BYTES: z.coerce.number().int().positive().default(defaultNodeSettings.http.maxBodyBytes),
    LLM_BASE_URL: optionalUrl,
    LLM_API_KEY: z.string().optional(),
    LLM_TIMEOUT_MS: z.coerce.number().int().positive().default(defaultNodeSettings.llm.timeoutMs),
    ALLOW_SECOND_CRON: z.enum(['true', 'false']).default('false'),
    WEBHOOK_MAX_BODY_BYTES: z.coerce.number().int().positive().default(1_000_000),
    RSS_MIN_POLL_SECONDS: z.coerce.number().positive().default(60),
    FILE_STORE: z.enum(['local', 's3']).default('local'),
    FILE_MAX_BYTES: z.coerce.number().int().positive().default(100 * 1024 * 1024),
    FILE_URL_TTL_SECONDS: z.coerce.number().int().positive().default(300),
    FILE_RETENTION_DAYS: z.coerce.number().nonnegative().default(30),
    FILE_RETENTION_MAX_BYTES: z.coerce.number().int().nonnegative().default(0),
    FILE_RETENTION_UPLOADS: z.enum(['true', 'false']).default('false'),
    FILE_RETENTION_INTERVAL_SECONDS: z.coerce.number().positive().default(3600),
    S3_BUCKET: z.string().optional(),
    S3_REGION: z.string().default('us-east-1'),
    S3_ENDPOINT: optionalUrl,
    S3_FORCE_PATH_STYLE: z.enum(['true', 'false']).default('false'),
    S3_ACCESS_KEY_ID: z.string().optional(),
    S3_SECRET_ACCESS_KEY: z.string().optional(),
    S3_PREFIX: z.string().default(''),
    ALLOWED_HOSTS: z.string().default(''),
    ALLOWED_ORIGINS: z
      .string()
      .default('')
      .refine((value) => listOf(value).every(isOrigin), 'ALLOWED_ORIGINS must be a comma-separated list of origins such as https://app.example.com (scheme, host and port; no path)'),
    PUBLIC_SOURCE_MAPS: z.enum(['true', 'false']).default('false'),
    METRICS_TOKEN: z.string().min(24, 'METRICS_TOKEN must be at least 24 characters (e.g. `openssl rand -hex 32`)').optional(),
    SUBSCRIPTIONS_PER_CONNECTION: z.coerce.number().int().positive().default(100),
    SUBSCRIPTIONS_PER_CALLER: z.coerce.number().int().positive().default(1000),
    PAGE_RUNS_PER_MINUTE: z.coerce.number().int().positive().default(10),
    PAGE_MAX_RUNS_PER_MINUTE: z.coerce.number().int().positive().default(600),
    PAGE_MAX_RUN_BYTES: z.coerce.number().int().positive().default(100_000),
    PAGE_MAX_UPLOAD_BYTES: z.coerce.number().int().positive().default(10 * 1024 * 1024),
  })
  .refine((env) => Boolean(env.RESTATE_INGRESS_URL) === Boolean(env.RESTATE_ADMIN_URL), {
    message: 'Set both RESTATE_INGRESS_URL and RESTATE_ADMIN_URL to use an existing Restate, or neither to start an embedded one',
  });

export interface GraphQLLimits {
  maxDepth: number;
  maxCost: number;
  maxAliases: number;
  maxDirectives: number;
  maxTokens: number;
  timeoutMs: number;
  /** Deepest nesting of lists and objects in an argument (JSON inputs, variables). */
  maxInputDepth: number;
}

export type LogLevel = z.infer<typeof environmentSchema>['LOG_LEVEL'];

export interface PageLimits {
  defaultRunsPerMinute: number;
  maxRunsPerMinute: number;
  maxRunBytes: number;
  /** The largest file a visitor may upload to a page's file field (FILE_MAX_BYTES still applies). */
  maxUploadBytes: number;
}

export interface Config {
  http: { host: string; port: number; maxRequestBytes: number };
  auth: { enabled: boolean; adminToken?: string; secret?: string };
  graphqlLimits: GraphQLLimits;
  dataDir: string;
  /** `logQueries`: every SQL statement is logged (LOG_SQL=on; for debugging and query-count tests). */
  database: ({ kind: 'embedded'; directory: string } | { kind: 'server'; url: string; poolSize?: number }) & { logQueries?: true };
  versions: VersionPolicy;
  /** Bounds on what one request may make the server compile or run, and the threads that compile. */
  compilation: { workers: number; maxCodeBytes: number; maxProjectNodes: number; maxLanesPerNode: number };
  restate:
    | { kind: 'embedded'; directory: string; binary?: string }
    | { kind: 'external'; ingressUrl: string; adminUrl: string };
  /** `shutdownGraceMs`: how long a stop (SIGTERM, SIGINT) waits for node steps under way to finish. */
  executor: { port?: number; advertisedUrl?: string; concurrency: number; maxOutputBytesPerPort: number; shutdownGraceMs: number };
  /**
   * Where the executor's Restate endpoint listens (loopback unless an external Restate on another
   * machine must reach it) and the request identity keys it accepts (the embedded Restate's own is added).
   */
  executorEndpoint: { host: string; identityKeys: string[] };
  nodes: NodeSettings;
  /** rssMinPollSecs: the shortest interval an Rss trigger polls at, whatever its pollIntervalSecs. */
  triggers: { allowSecondCron: boolean; webhookMaxBodyBytes: number; rssMinPollSecs: number };
  /** The file store: where uploaded and produced files live, the upload limit, how long a download link works. */
  files: { store: FileStoreConfig; maxBytes: number; urlTtlSeconds: number; retention: RetentionPolicy };
  /**
   * Published runner pages: runs a minute a page allows when published without a figure, the most
   * any page may allow, and the largest set of field values (as JSON) one visitor run may send.
   */
  pages: PageLimits;
  logLevel: LogLevel;
  web: { mode: 'static' | 'dev' | 'none'; distDirectory: string; rootDirectory: string };
  /**
   * Who may talk to the server. `allowedHosts`: Host header names accepted besides loopback and HOST
   * (`*` any, `.example.com` a domain and its subdomains); `allowedOrigins`: other origins a browser
   * may call from (CORS), besides the server's own; `metricsToken`: a secret that also opens /metrics.
   */
  access: { allowedHosts: string[]; allowedOrigins: string[]; publicSourceMaps: boolean; metricsToken?: string };
  /** Open subscriptions allowed per graphql-ws connection and per caller (token, or address without auth). */
  subscriptionLimits: { perConnection: number; perCaller: number };
}

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function loadConfig(environment: NodeJS.ProcessEnv = process.env): Config {
  const parsed = environmentSchema.safeParse(environment);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.') || 'environment'}: ${issue.message}`);
    throw new Error(`Invalid configuration:\n${problems.join('\n')}`);
  }
  const env = parsed.data;
  const dataDir = path.resolve(env.DATA_DIR);
  return {
    http: { host: env.HOST, port: env.PORT, maxRequestBytes: env.MAX_REQUEST_BYTES },
    auth: {
      enabled: env.AUTH === 'auto' ? !isLoopback(env.HOST) : env.AUTH === 'on',
      adminToken: env.ADMIN_TOKEN,
      secret: env.SECRET,
    },
    graphqlLimits: {
      maxDepth: env.GRAPHQL_MAX_DEPTH,
      maxCost: env.GRAPHQL_MAX_COST,
      maxAliases: env.GRAPHQL_MAX_ALIASES,
      maxDirectives: env.GRAPHQL_MAX_DIRECTIVES,
      maxTokens: env.GRAPHQL_MAX_TOKENS,
      timeoutMs: env.GRAPHQL_TIMEOUT_MS,
      maxInputDepth: env.GRAPHQL_MAX_INPUT_DEPTH,
    },
    dataDir,
    database: {
      ...(env.DATABASE_URL
        ? { kind: 'server', url: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE }
        : { kind: 'embedded', directory: path.join(dataDir, 'postgres') }),
      ...(env.LOG_SQL === 'on' ? { logQueries: true } : {}),
    } as Config['database'],
    versions: { intervalMinutes: env.VERSION_INTERVAL_MINUTES, maxAutoVersions: env.MAX_AUTO_VERSIONS },
    compilation: { workers: env.COMPILE_WORKERS, maxCodeBytes: env.MAX_CODE_BYTES, maxProjectNodes: env.MAX_PROJECT_NODES, maxLanesPerNode: env.MAX_LANES_PER_NODE },
    restate:
      env.RESTATE_INGRESS_URL && env.RESTATE_ADMIN_URL
        ? { kind: 'external', ingressUrl: env.RESTATE_INGRESS_URL, adminUrl: env.RESTATE_ADMIN_URL }
        : { kind: 'embedded', directory: path.join(dataDir, 'restate'), binary: env.RESTATE_SERVER_BINARY },
    executorEndpoint: { host: env.EXECUTOR_HOST, identityKeys: listOfKeys(env.RESTATE_IDENTITY_KEYS) },
    executor: { port: env.EXECUTOR_PORT, advertisedUrl: env.EXECUTOR_URL, concurrency: env.EXECUTOR_CONCURRENCY,
      maxOutputBytesPerPort: env.MAX_OUTPUT_BYTES_PER_PORT, shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
    },
    nodes: {
      python: { binary: env.PYTHON_BINARY, timeoutMs: env.PYTHON_TIMEOUT_MS, memoryMb: env.PYTHON_MEMORY_MB },
      pythonSandbox: {
        mode: env.PYTHON_SANDBOX,
        bwrapBinary: env.PYTHON_SANDBOX_BWRAP,
        cpuSeconds: env.PYTHON_CPU_SECONDS,
        maxProcesses: env.PYTHON_MAX_PROCESSES,
        maxFileMb: env.PYTHON_MAX_FILE_MB,
        tmpMb: env.PYTHON_TMP_MB,
        poolSize: env.PYTHON_POOL_SIZE,
        poolIdleSeconds: env.PYTHON_POOL_IDLE_SECONDS,
      },
      // auto: a local install (HOST on loopback) may call local services; one serving others may not.
      egress: new EgressGuard({
        policy: env.EGRESS_POLICY === 'auto' ? (isLoopback(env.HOST) ? 'allow-all' : 'deny-private') : env.EGRESS_POLICY,
        // The server's own LLM endpoint is the admin's choice: allowed even when it is private (a local model).
        allowlist: [...env.EGRESS_ALLOWLIST.split(',').map((entry) => entry.trim()).filter(Boolean), ...(env.LLM_BASE_URL ? [new URL(env.LLM_BASE_URL).host] : [])],
      }),
      httpRetries: { attempts: env.HTTP_NODE_ATTEMPTS, delayMs: env.HTTP_NODE_RETRY_DELAY_MS },
      http: { timeoutMs: env.HTTP_NODE_TIMEOUT_MS, maxBodyBytes: env.HTTP_NODE_MAX_BODY_BYTES },
      llm: { ...defaultNodeSettings.llm, baseUrl: env.LLM_BASE_URL, apiKey: env.LLM_API_KEY, timeoutMs: env.LLM_TIMEOUT_MS },
    },
    triggers: { allowSecondCron: env.ALLOW_SECOND_CRON === 'true', webhookMaxBodyBytes: env.WEBHOOK_MAX_BODY_BYTES, rssMinPollSecs: env.RSS_MIN_POLL_SECONDS },
    files: {
      store:
        env.FILE_STORE === 's3'
          ? {
              kind: 's3', bucket: env.S3_BUCKET ?? '', region: env.S3_REGION, endpoint: env.S3_ENDPOINT, forcePathStyle: env.S3_FORCE_PATH_STYLE === 'true',
              accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY, prefix: env.S3_PREFIX,
            }
          : { kind: 'local', directory: path.join(dataDir, 'files') },
      maxBytes: env.FILE_MAX_BYTES,
      urlTtlSeconds: env.FILE_URL_TTL_SECONDS,
      retention: {
        maxAgeSeconds: env.FILE_RETENTION_DAYS * 86_400,
        maxTotalBytes: env.FILE_RETENTION_MAX_BYTES,
        includeUploads: env.FILE_RETENTION_UPLOADS === 'true',
        intervalSeconds: env.FILE_RETENTION_INTERVAL_SECONDS,
      },
    },
    pages: { defaultRunsPerMinute: env.PAGE_RUNS_PER_MINUTE, maxRunsPerMinute: env.PAGE_MAX_RUNS_PER_MINUTE, maxRunBytes: env.PAGE_MAX_RUN_BYTES, maxUploadBytes: env.PAGE_MAX_UPLOAD_BYTES },
    logLevel: env.LOG_LEVEL,
    web: {
      mode: env.WEB_MODE,
      rootDirectory: path.join(projectRoot, 'web'),
      distDirectory: path.join(projectRoot, 'web', 'dist'),
    },
    access: {
      allowedHosts: listOf(env.ALLOWED_HOSTS).map((host) => host.toLowerCase()),
      allowedOrigins: listOf(env.ALLOWED_ORIGINS).map((origin) => new URL(origin).origin),
      publicSourceMaps: env.PUBLIC_SOURCE_MAPS === 'true',
      metricsToken: env.METRICS_TOKEN,
    },
    subscriptionLimits: { perConnection: env.SUBSCRIPTIONS_PER_CONNECTION, perCaller: env.SUBSCRIPTIONS_PER_CALLER },
  };
}

function listOf(value: string): string[] {
  return value.split(',').map((item) => item.trim()).filter(Boolean);
}

function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.pathname === '/' && !url.search && !url.hash && !url.username;
  } catch {
    return false;
  }
}

function listOfKeys(value: string): string[] {
  return value.split(',').map((key) => key.trim()).filter(Boolean);
}

/** Auth is on by default as soon as the server listens beyond this machine. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}
