/**
 * Dates in a column, read in the one format the data supports: ISO (2024-03-31, with or without a
 * time), day first (31/03/2024) or month first (03/31/2024). The order of day and month is decided
 * from the whole column: a first part above 12 means day first, a second part above 12 month first.
 */
import type { TextColumn } from './text-column.js';

export type DateFormat = 'iso' | 'dmy' | 'mdy';

export const DATE_FORMAT_NAMES: Readonly<Record<DateFormat, string>> = { iso: 'yyyy-mm-dd', dmy: 'dd/mm/yyyy', mdy: 'mm/dd/yyyy' };

/** Share of a column's filled cells that must read as dates for it to be a date column. */
export const MIN_DATE_SHARE = 0.95;

const ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const SLASHED = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const DAY_MS = 86_400_000;
/** Filled cells looked at before giving up on a column where most are not dates. */
const EARLY_LOOK = 50;

export interface DateColumn {
  readonly format: DateFormat;
  /** Whole days since 1970-01-01 of each cell (time of day dropped), NaN where the cell is not a date. */
  readonly days: Float64Array;
  /** Filled cells that are not dates in this format. */
  readonly invalid: number;
  /**
   * Set for a slashed column in which every day and month is 12 or less, so either order reads it:
   * the sentence saying which was chosen and why.
   */
  readonly ambiguity: string | null;
}

/** The column as dates, or null when fewer than MIN_DATE_SHARE of its filled cells are dates in one format. */
export function readDateColumn(cells: TextColumn): DateColumn | null {
  let filled = 0;
  let iso = 0;
  let slashed = 0;
  let firstAbove12 = false;
  let secondAbove12 = false;
  for (let i = 0; i < cells.length; i++) {
    if (cells.isEmpty(i)) continue;
    const cell = cells.at(i);
    filled++;
    if (ISO.test(cell)) {
      iso++;
      continue;
    }
    const m = SLASHED.exec(cell);
    if (!m) {
      // Most columns are plainly not dates: stop looking after a sample says so.
      if (filled >= EARLY_LOOK && iso + slashed < filled / 2) return null;
      continue;
    }
    slashed++;
    if (Number(m[1]) > 12) firstAbove12 = true;
    if (Number(m[2]) > 12) secondAbove12 = true;
  }
  if (filled === 0) return null;
  let format: DateFormat;
  let ambiguity: string | null = null;
  if (iso >= MIN_DATE_SHARE * filled) format = 'iso';
  else if (slashed >= MIN_DATE_SHARE * filled && !(firstAbove12 && secondAbove12)) {
    format = secondAbove12 ? 'mdy' : 'dmy';
    if (!firstAbove12 && !secondAbove12) {
      ambiguity =
        'every day and month in it is 12 or less, so the dates could be read either way; they were read day first (dd/mm/yyyy), the order most of the world writes';
    }
  } else return null;

  const days = new Float64Array(cells.length);
  let invalid = 0;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells.at(i);
    days[i] = cell.length === 0 ? Number.NaN : dayNumber(cell, format);
    if (cell.length > 0 && Number.isNaN(days[i])) invalid++;
  }
  if (filled - invalid < MIN_DATE_SHARE * filled) return null;
  return { format, days, invalid, ambiguity };
}

/** Days since 1970-01-01 of a date cell in the given format, NaN when it is not a real date. */
export function dayNumber(cell: string, format: DateFormat): number {
  let year: number;
  let month: number;
  let day: number;
  if (format === 'iso') {
    const m = ISO.exec(cell);
    if (!m) return Number.NaN;
    [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  } else {
    const m = SLASHED.exec(cell);
    if (!m) return Number.NaN;
    const [a, b] = [Number(m[1]), Number(m[2])];
    [day, month] = format === 'dmy' ? [a, b] : [b, a];
    year = Number(m[3]);
  }
  if (month < 1 || month > 12 || day < 1) return Number.NaN;
  const ms = Date.UTC(year, month - 1, day);
  // Date.UTC rolls 31/02 over into March; a real date comes back with the same day of the month.
  if (new Date(ms).getUTCDate() !== day) return Number.NaN;
  return ms / DAY_MS;
}

/** A day number as yyyy-mm-dd. */
export function isoDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}
