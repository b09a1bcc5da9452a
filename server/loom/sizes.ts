/** Loom's size and spacing values, as CSS (undefined when a value means nothing). */

const namedSizes: Record<string, string> = {
  xs: '80px', sm: '120px', md: '200px', lg: '320px', xl: '480px', '2xl': '640px', half: '50vh', viewport: '100vh', screen: '100vh', full: '100%',
};

const cssLength = /^-?\d+(\.\d+)?(px|rem|em|vh|vw|%|ch|ex|vmin|vmax|dvh|svh|lvh|pt)$/;
const cssFunction = /^(calc|min|max|clamp)\([^;{}<>]*\)$/;

/** `md`, `12rem`, `calc(100% - 2rem)` or `300` (pixels). */
export function cssSize(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (namedSizes[trimmed]) return namedSizes[trimmed];
  if (cssLength.test(trimmed) || cssFunction.test(trimmed)) return trimmed;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return `${trimmed}px`;
  return undefined;
}

const namedSpacing: Record<string, string> = { none: '0', xs: '0.25rem', sm: '0.5rem', md: '1rem', lg: '1.5rem', xl: '2rem', '2xl': '3rem', '3xl': '4rem' };

/** Padding and gap: a named step, a CSS length or a bare number (pixels). */
export function spacing(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (namedSpacing[trimmed]) return namedSpacing[trimmed];
  if (cssLength.test(trimmed)) return trimmed;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return `${trimmed}px`;
  return undefined;
}
