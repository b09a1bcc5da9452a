import { existsSync } from 'node:fs';
import type { NodeSettings } from './definition';
import { defaultEgressGuard, type EgressGuard } from '../net/egress';

/** How ExecPython's process is confined (server/nodes/code/sandbox.ts); limits hold for its whole process tree. */
export interface PythonSandboxSettings {
  /** `off` runs Python unconfined (only when PYTHON_SANDBOX=off is set explicitly). */
  mode: 'bwrap' | 'off';
  bwrapBinary: string;
  /** CPU seconds per process; unset: the run's time limit, rounded up. */
  cpuSeconds?: number;
  /** Processes and threads the code may have at once (the interpreter included). */
  maxProcesses: number;
  /** Largest file the code may write. */
  maxFileMb: number;
  /** Size of its private /tmp (memory-backed). */
  tmpMb: number;
  /** Sandboxes kept started ahead of runs (each serves one run only; 0: none), and how long an unused kind is kept. */
  poolSize: number;
  poolIdleSeconds: number;
}

// NodeSettings lives in definition.ts; the sandbox's and the network's settings are added here.
declare module './definition' {
  interface NodeSettings {
    pythonSandbox: PythonSandboxSettings;
    /** Where Http and LlmInference may connect (server/net/egress.ts). */
    egress: EgressGuard;
    /** Http: attempts for an idempotent request that hits a transient network error, and the first backoff (doubling). */
    httpRetries: { attempts: number; delayMs: number };
  }
}

/**
 * USD per million tokens, as the providers published them (late 2025). Dated variants such as
 * `gpt-4o-mini-2024-07-18` are priced as their base name. The server may replace the table.
 */
const commonModelPrices: NodeSettings['llm']['prices'] = {
  'gpt-4o': { inputPerMillionUsd: 2.5, outputPerMillionUsd: 10 },
  'gpt-4o-mini': { inputPerMillionUsd: 0.15, outputPerMillionUsd: 0.6 },
  'gpt-4.1': { inputPerMillionUsd: 2, outputPerMillionUsd: 8 },
  'gpt-4.1-mini': { inputPerMillionUsd: 0.4, outputPerMillionUsd: 1.6 },
  'gpt-4.1-nano': { inputPerMillionUsd: 0.1, outputPerMillionUsd: 0.4 },
  'o3-mini': { inputPerMillionUsd: 1.1, outputPerMillionUsd: 4.4 },
  'gpt-3.5-turbo': { inputPerMillionUsd: 0.5, outputPerMillionUsd: 1.5 },
};

/** What nodes run with when the server sets nothing. No LLM endpoint: LlmInference fails until one is configured. */
export const defaultNodeSettings: NodeSettings = {
  // Debian's interpreter starts in ~8 ms; a pyenv shim on PATH takes ~170 ms and is not visible in the sandbox.
  python: { binary: existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3', timeoutMs: 10_000, memoryMb: 256 },
  pythonSandbox: { mode: 'bwrap', bwrapBinary: '/usr/bin/bwrap', maxProcesses: 64, maxFileMb: 64, tmpMb: 64, poolSize: 10, poolIdleSeconds: 300 },
  egress: defaultEgressGuard,
  httpRetries: { attempts: 3, delayMs: 200 },
  http: { timeoutMs: 10_000, maxBodyBytes: 5 * 1024 * 1024 },
  llm: { timeoutMs: 60_000, prices: commonModelPrices },
};
