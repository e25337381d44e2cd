import type { TopLevelSpec } from 'vega-lite';

/** Any view that can sit inside a concat (unit, layer, facet, concat). */
export type ViewSpec = Extract<TopLevelSpec, { concat: unknown }>['concat'][number];
/** One member of a layer. */
export type LayerMember = Extract<ViewSpec, { layer: unknown }>['layer'][number];

/** "Segment sizes" -> "segment-sizes": a file-name stem safe on every system. */
export function fileStem(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 80) || 'chart'
  );
}

/** Greedy word wrap to lines of at most `width` characters (longer words get their own line). */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/**
 * An axis `labelExpr` that writes each known label over several lines, so long names fit
 * narrow bands without being rotated or cut.
 */
export function wrappedLabelExpr(labels: readonly string[], width: number): string {
  const cases = labels
    .map((label) => {
      const lines = wrapWords(label, width);
      return lines.length > 1 ? `datum.value === ${JSON.stringify(label)} ? ${JSON.stringify(lines)} : ` : '';
    })
    .join('');
  return `${cases}datum.label`;
}

/** "+1.9" / "-0.4" / "0.0" */
export function signed(value: number, decimals = 1): string {
  const text = Math.abs(value).toFixed(decimals);
  if (Number(text) === 0) return (0).toFixed(decimals);
  return `${value < 0 ? '−' : '+'}${text}`;
}

/** "35.2%" */
export function percentText(share: number, decimals = 1): string {
  return `${(share * 100).toFixed(decimals)}%`;
}

/** The y channel of a one-bar-per-segment chart: segment labels in the given order, no ticks or domain line. */
export function segmentBarAxis(order: readonly string[]) {
  return {
    field: 'segment',
    type: 'nominal',
    title: null,
    sort: [...order],
    axis: { labelFontSize: 13, ticks: false, domain: false, labelPadding: 8 },
  } as const;
}
