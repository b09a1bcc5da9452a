/** The cost of one LLM call in USD, from the server's price table, as an exact decimal string. */
import type { NodeSettings } from '../definition';

type Prices = NodeSettings['llm']['prices'];

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
}

/** The price of a model: its own entry, else that of the longest name it extends (`gpt-4o-mini-2024-07-18` → `gpt-4o-mini`). */
export function priceOf(model: string, prices: Prices): Prices[string] | undefined {
  if (prices[model]) return prices[model];
  const base = Object.keys(prices)
    .filter((name) => model.startsWith(`${name}-`))
    .sort((a, b) => b.length - a.length)[0];
  return base === undefined ? undefined : prices[base];
}

// Prices have at most 6 decimals per million tokens, so a cost is a whole number of 1e-12 USD.
const SCALE = 12;
const microUsd = (usdPerMillion: number): bigint => BigInt(Math.round(usdPerMillion * 1e6));

function decimal(units: bigint): string {
  const digits = units.toString().padStart(SCALE + 1, '0');
  const fraction = digits.slice(-SCALE).replace(/0+$/, '');
  const whole = digits.slice(0, -SCALE);
  return fraction ? `${whole}.${fraction}` : whole;
}

/** Undefined when the table has no price for the model. */
export function costUsd(model: string, usage: TokenUsage, prices: Prices): string | undefined {
  const price = priceOf(model, prices);
  if (!price) return undefined;
  const units =
    BigInt(usage.promptTokens) * microUsd(price.inputPerMillionUsd) + BigInt(usage.completionTokens) * microUsd(price.outputPerMillionUsd);
  return decimal(units);
}
