/**
 * Column names from the header row, made usable: one line, at most 100 characters, never empty,
 * never repeated. Names are untrusted text and are only ever treated as labels.
 */
import { count, listNames } from './wording.js';

export const MAX_HEADER_LENGTH = 100;

export interface CleanHeader {
  readonly names: string[];
  readonly notes: string[];
}

export function cleanHeader(raw: readonly string[]): CleanHeader {
  const notes: string[] = [];
  const blanks: number[] = [];
  let truncated = 0;
  const names = raw.map((cell, i) => {
    // Control characters and line breaks inside a quoted header cell would break every sentence we write.
    let name = cell.replace(/[\u0000-\u001f\u007f\ufeff]+/g, ' ').replace(/\s+/g, ' ').trim();
    if (name.length > MAX_HEADER_LENGTH) {
      name = name.slice(0, MAX_HEADER_LENGTH).trimEnd();
      truncated++;
    }
    if (name.length === 0) {
      blanks.push(i + 1);
      name = `column_${i + 1}`;
    }
    return name;
  });

  if (truncated > 0) {
    notes.push(`Shortened ${count(truncated, 'column name')} longer than ${MAX_HEADER_LENGTH} characters.`);
  }
  if (blanks.length > 0) {
    const which = blanks.slice(0, 5).join(', ') + (blanks.length > 5 ? ` and ${blanks.length - 5} more` : '');
    notes.push(`Named ${count(blanks.length, 'column')} without a header "column_N" by position (${which}).`);
  }

  const renamed = makeUnique(names);
  if (renamed.length > 0) {
    notes.push(`Renamed repeated column names so each is unique: ${listNames(renamed)}.`);
  }
  return { names, notes };
}

/** Second and later copies of a name become Name_2, Name_3...; returns the new names given. */
function makeUnique(names: string[]): string[] {
  const taken = new Set(names);
  const seen = new Set<string>();
  const renamed: string[] = [];
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    if (!seen.has(name)) {
      seen.add(name);
      continue;
    }
    let suffix = 2;
    while (taken.has(`${name}_${suffix}`)) suffix++;
    const unique = `${name}_${suffix}`;
    taken.add(unique);
    seen.add(unique);
    names[i] = unique;
    renamed.push(unique);
  }
  return renamed;
}
