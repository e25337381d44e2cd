/**
 * Small helpers for the one-sentence messages and notes people read. Column names come from the
 * user's file, so they are shortened and quoted: they are data, never part of the sentence's grammar.
 */

const MAX_NAME_IN_SENTENCE = 40;
/** Characters of names listed in one sentence before the rest become "and N more". */
const MAX_LIST_CHARS = 120;

/**
 * A column name as it appears inside a sentence: quoted, on one line, long names shortened in the
 * middle so that suffixes telling similar names apart ("..._2") stay visible.
 */
export function quoteName(name: string): string {
  const oneLine = name.replace(/\s+/g, ' ');
  if (oneLine.length <= MAX_NAME_IN_SENTENCE) return `"${oneLine}"`;
  const tail = Math.floor(MAX_NAME_IN_SENTENCE / 3);
  return `"${oneLine.slice(0, MAX_NAME_IN_SENTENCE - tail - 1)}…${oneLine.slice(-tail)}"`;
}

/** "A", "A and B", "A, B and C", "A, B, C, D, E and 4 more" (at most `max` names and about 120 characters). */
export function listNames(names: readonly string[], max = 5): string {
  const quoted: string[] = [];
  let length = 0;
  for (const name of names.slice(0, max)) {
    const q = quoteName(name);
    if (quoted.length > 0 && length + q.length > MAX_LIST_CHARS) break;
    quoted.push(q);
    length += q.length + 2;
  }
  const rest = names.length - quoted.length;
  if (rest > 0) return `${quoted.join(', ')} and ${rest} more`;
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} and ${quoted[quoted.length - 1]}`;
}

/** "1 row", "3 rows", "1,234 rows". */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? singular : plural}`;
}

/** A number for prose: whole numbers with separators, others with up to 4 significant digits. */
export function formatNumber(value: number): string {
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  return Number(value.toPrecision(4)).toLocaleString('en-US', { maximumFractionDigits: 6 });
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return count(bytes, 'byte');
}
