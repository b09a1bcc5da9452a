/** Edits of the layout text (`id @layout X Y [WxH] [expanded]`, one line per node) that keep every other line. */

export interface Placement {
  x: number;
  y: number;
  expanded: boolean;
}

const LAYOUT_LINE = /^(\s*)([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\s+@layout\s+(-?\d+(?:\.\d+)?)\s+(-?\d+(?:\.\d+)?)(\s+\d+(?:\.\d+)?x\d+(?:\.\d+)?)?(\s+(?:expanded|collapsed))?(\s*#.*)?\s*$/;

/** The layout with `id` placed as given: its line rewritten (size and comment kept) or appended. */
export function placeNode(layout: string, id: string, placement: Placement): string {
  const lines = layout === '' ? [] : layout.replace(/\n$/, '').split('\n');
  const print = (size = '', comment = '') =>
    `${id} @layout ${Math.round(placement.x)} ${Math.round(placement.y)}${size}${placement.expanded ? ' expanded' : ''}${comment}`;
  let found = false;
  const placed = lines.map((line) => {
    const match = LAYOUT_LINE.exec(line);
    if (found || !match || match[2] !== id) return line;
    found = true;
    return match[1] + print(match[5] ?? '', match[7] ?? '');
  });
  if (!found) placed.push(print());
  return `${placed.join('\n')}\n`;
}
