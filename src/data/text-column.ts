/**
 * One column of a parsed table, as text, without a string per cell. A CSV column keeps where each
 * trimmed cell lies in the file's text and makes its string only when asked; cells that needed
 * unquoting or trimming are kept as strings. The reader also leaves the value of every cell written
 * as a plain decimal number, so a million-row column of numbers is parsed and profiled without
 * allocating a million strings; cell hashes are made only for the columns that get compared.
 */
import { sortFloat64 } from '../common/sort-float64.js';
import { firstOccurrences, hashText } from './duplicates.js';

export class TextColumn {
  readonly length: number;
  /**
   * Each cell's value when it is a plain decimal number (an optional minus, digits, an optional
   * point and digits; at most 15 digits, so read exactly as `Number` reads it), else NaN. Null
   * when the reader did not look.
   */
  readonly plainNumbers: Float64Array | null;
  private readonly text: string;
  /** Start of each cell in `text`, or -1 when the cell is in `strings`. */
  private readonly starts: Int32Array | null;
  private readonly ends: Int32Array | null;
  private readonly strings: ReadonlyMap<number, string> | readonly string[];
  /** Filled cells and the different texts among them, once counted. */
  private filledCounts: { readonly filled: number; readonly distinct: number } | null = null;
  private hashCache: Int32Array | null = null;

  private constructor(parts: {
    length: number;
    plainNumbers: Float64Array | null;
    text: string;
    starts: Int32Array | null;
    ends: Int32Array | null;
    strings: ReadonlyMap<number, string> | readonly string[];
  }) {
    this.length = parts.length;
    this.plainNumbers = parts.plainNumbers;
    this.text = parts.text;
    this.starts = parts.starts;
    this.ends = parts.ends;
    this.strings = parts.strings;
  }

  /** A column of ready-made (trimmed) strings: workbook sheets, aggregated transactions, warehouse samples. */
  static fromStrings(cells: readonly string[]): TextColumn {
    return new TextColumn({ length: cells.length, plainNumbers: null, text: '', starts: null, ends: null, strings: cells });
  }

  /** A column read from `text`: ranges of its cells, with `strings` for cells at start -1. */
  static fromRanges(
    text: string,
    starts: Int32Array,
    ends: Int32Array,
    strings: ReadonlyMap<number, string>,
    plainNumbers: Float64Array,
  ): TextColumn {
    return new TextColumn({ length: starts.length, plainNumbers, text, starts, ends, strings });
  }

  /** hashText of each cell, computed on first use (only the columns that are compared need them). */
  get hashes(): Int32Array {
    if (this.hashCache !== null) return this.hashCache;
    const out = new Int32Array(this.length);
    const { starts, ends, text } = this;
    for (let i = 0; i < this.length; i++) {
      const start = starts === null ? -1 : starts[i];
      out[i] = start < 0 || ends === null ? hashText(this.at(i)) : hashText(text, start, ends[i]);
    }
    this.hashCache = out;
    return out;
  }

  /** The cell's trimmed text. */
  at(row: number): string {
    const { starts, strings } = this;
    if (starts === null) return (strings as readonly string[])[row];
    const start = starts[row];
    if (start >= 0) return this.text.slice(start, (this.ends as Int32Array)[row]);
    return (strings as ReadonlyMap<number, string>).get(row) ?? '';
  }

  /** Whether the cell is empty, without making its string. */
  isEmpty(row: number): boolean {
    const { starts } = this;
    if (starts === null || starts[row] < 0) return this.at(row).length === 0;
    return starts[row] === (this.ends as Int32Array)[row];
  }

  /** The first filled cell's row, -1 when every cell is empty. */
  firstFilled(): number {
    for (let i = 0; i < this.length; i++) if (!this.isEmpty(i)) return i;
    return -1;
  }

  /**
   * How many cells are filled and how many different texts they hold (counted once, then
   * remembered). When every cell is filled and different, no two rows of the table can be equal.
   */
  countFilled(): { readonly filled: number; readonly distinct: number } {
    if (this.filledCounts === null) {
      const filled = filledRows(this);
      const distinct = allDifferentNumbers(this.plainNumbers, filled) ? filled.length : countDistinct(this, filled);
      this.filledCounts = { filled: filled.length, distinct };
    }
    return this.filledCounts;
  }

  /** Whether the cells are already known to be filled and all different (only if counted before; never counts). */
  isKnownAllDistinct(): boolean {
    return this.filledCounts !== null && this.filledCounts.distinct === this.length;
  }

}

/** How many different texts the cells at `positions` hold (a hash table of indices: faster than a Set of a million strings). */
export function countDistinct(column: TextColumn, positions: Int32Array): number {
  const { hashes } = column;
  const first = firstOccurrences(
    positions.length,
    (k) => hashes[positions[k]],
    (a, b) => column.at(positions[a]) === column.at(positions[b]),
  );
  let distinct = 0;
  for (let k = 0; k < first.length; k++) if (first[k] === k) distinct++;
  return distinct;
}

/**
 * Whether every cell at `positions` is a plain number and no two are equal: then no two texts are
 * equal either. A sort of the numbers (by counting, for identifiers) is several times faster than
 * hashing the texts. Equal numbers may still be different texts ("1" and "1.0"): then false.
 */
function allDifferentNumbers(plainNumbers: Float64Array | null, positions: Int32Array): boolean {
  if (plainNumbers === null) return false;
  const values = new Float64Array(positions.length);
  for (let k = 0; k < positions.length; k++) {
    const value = plainNumbers[positions[k]];
    if (Number.isNaN(value)) return false;
    values[k] = value;
  }
  sortFloat64(values);
  for (let k = 1; k < values.length; k++) if (values[k] === values[k - 1]) return false;
  return true;
}

/** Rows of the non-empty cells. */
function filledRows(column: TextColumn): Int32Array {
  const keep = new Int32Array(column.length);
  let kept = 0;
  for (let i = 0; i < column.length; i++) if (!column.isEmpty(i)) keep[kept++] = i;
  return keep.slice(0, kept);
}
