import type { NodeSettings } from './definition';

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
  python: { binary: 'python3', timeoutMs: 10_000, memoryMb: 256 },
  http: { timeoutMs: 10_000, maxBodyBytes: 5 * 1024 * 1024 },
  llm: { timeoutMs: 60_000, prices: commonModelPrices },
};
