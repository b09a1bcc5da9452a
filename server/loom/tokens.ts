/** Splitting one Loom line into tokens, and tokens into attributes and positional words. */

/**
 * Tokens are separated by spaces and tabs: a "…" string, a […] group (tokenised again
 * inside, so its attributes count as loose ones), or a bare run that ends right after a
 * closing quote when it contains one (`label:"Two words"` is one token).
 */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  const scanQuote = (from: number): number => {
    let j = from + 1;
    while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
    return Math.min(j + 1, text.length);
  };
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === ' ' || ch === '\t') {
      i++;
    } else if (ch === '"') {
      const end = scanQuote(i);
      tokens.push(text.slice(i, end));
      i = end;
    } else if (ch === '[') {
      let j = i + 1;
      while (j < text.length && text[j] !== ']') j = text[j] === '"' ? scanQuote(j) : j + 1;
      tokens.push(...tokenize(text.slice(i + 1, j)));
      i = j + 1;
    } else {
      let j = i;
      while (j < text.length && text[j] !== ' ' && text[j] !== '\t') {
        if (text[j] === '"') {
          j = scanQuote(j);
          break;
        }
        j++;
      }
      tokens.push(text.slice(i, j));
      i = j;
    }
  }
  return tokens;
}

/** `"a \"b\"\n"` → `a "b"` and a newline; unquoted text is returned as it is. */
export function unquote(token: string): string {
  if (token.length < 2 || !token.startsWith('"') || !token.endsWith('"')) return token;
  return token.slice(1, -1).replace(/\\(.)/g, (_match, escaped: string) => (escaped === 'n' ? '\n' : escaped === 't' ? '\t' : escaped));
}

export interface SplitTokens {
  /** `key:value` tokens, a later duplicate key winning; keys are case-sensitive. */
  attributes: Record<string, string>;
  /** Every other token, unquoted. */
  positional: string[];
}

/**
 * A token is an attribute when a colon follows a non-empty key. A quoted token is always
 * positional, even with a colon in it (Weft's reference drops "Note: …" as a broken attribute).
 */
export function splitTokens(tokens: readonly string[]): SplitTokens {
  const attributes: Record<string, string> = {};
  const positional: string[] = [];
  for (const token of tokens) {
    const colon = token.indexOf(':');
    if (token.startsWith('"') || colon <= 0) {
      positional.push(unquote(token));
      continue;
    }
    attributes[token.slice(0, colon)] = unquote(token.slice(colon + 1));
  }
  return { attributes, positional };
}
