import * as vega from 'vega';

/**
 * Text widths for layout. Without a canvas, Vega guesses 0.8 x font size per character, which
 * over-reserves space for DejaVu Sans by ~40% (wide margins, early truncation, legends pushed
 * out). These are DejaVu Sans' real advance widths (thousandths of an em, regular and bold, read
 * from the fonts-dejavu-core TTFs), the font every chart is drawn in; Vega-Lite's own converter
 * (vl-convert) plugs in real metrics the same way.
 */
const CHARACTERS = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~·−×σ…–—≥≤°€£éèáàüöäñç’‘“”•";
const REGULAR = [318,401,460,838,636,950,780,275,390,390,500,838,318,361,318,337,636,636,636,636,636,636,636,636,636,636,337,337,838,838,838,531,1000,684,686,698,770,632,575,775,752,295,295,656,557,863,748,787,603,787,695,635,611,732,684,989,685,611,685,390,337,390,838,500,500,613,635,550,635,615,352,635,634,278,278,579,278,974,634,612,635,635,411,521,392,634,592,818,592,592,525,636,337,636,838,318,838,838,634,1000,500,1000,838,838,500,636,636,615,615,613,613,634,612,613,634,550,318,318,518,518,590];
const BOLD = [348,456,521,838,696,1002,872,306,457,457,523,838,380,415,380,365,696,696,696,696,696,696,696,696,696,696,400,400,838,838,838,580,1000,774,762,734,830,683,683,821,837,372,372,775,637,995,837,850,733,850,770,720,682,812,774,1103,771,724,725,457,365,457,838,500,500,675,716,593,716,678,435,716,712,343,343,665,343,1042,712,687,716,716,493,595,478,712,652,924,645,652,582,712,365,712,838,380,838,838,779,1000,500,1000,838,838,500,696,696,678,678,675,675,712,687,675,712,593,380,380,657,657,639];
/** Fallback for characters outside the table: a typical DejaVu Sans lower-case width. */
const DEFAULT_REGULAR = 620;
const DEFAULT_BOLD = 690;

const regularWidth = new Map<string, number>();
const boldWidth = new Map<string, number>();
Array.from(CHARACTERS).forEach((ch, i) => {
  regularWidth.set(ch, REGULAR[i]);
  boldWidth.set(ch, BOLD[i]);
});

function isBold(weight: unknown): boolean {
  if (weight === 'bold' || weight === 'bolder') return true;
  const numeric = Number(weight);
  return Number.isFinite(numeric) && numeric >= 600;
}

/** Width in pixels of `text` in DejaVu Sans at `fontSize`, bold when `weight` is bold or >= 600. */
export function dejaVuTextWidth(text: string, fontSize: number, weight?: unknown): number {
  const bold = isBold(weight);
  const table = bold ? boldWidth : regularWidth;
  const fallback = bold ? DEFAULT_BOLD : DEFAULT_REGULAR;
  let units = 0;
  for (const ch of text) units += table.get(ch) ?? fallback;
  return (units / 1000) * fontSize;
}

interface TextItem {
  text?: unknown;
  fontSize?: number;
  fontWeight?: unknown;
}

let installed = false;

/** Makes Vega lay text out with DejaVu Sans metrics (idempotent; affects this process only). */
export function installTextMetrics(): void {
  if (installed) return;
  installed = true;
  // vega re-exports vega-scenegraph's textMetrics at run time; its typings omit it.
  const metrics = (vega as unknown as { textMetrics: { width: (item: TextItem, text?: unknown) => number } }).textMetrics;
  metrics.width = (item, text) => {
    const value = text ?? item.text;
    if (value === null || value === undefined) return 0;
    const line = Array.isArray(value) ? value.join(' ') : String(value);
    // Vega's default font size is 11; the small 2% margin absorbs hinting differences.
    return dejaVuTextWidth(line, item.fontSize ?? 11, item.fontWeight) * 1.02;
  };
}
