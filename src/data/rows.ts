/** Row index lists: each cleaning step keeps an Int32Array of the parsed rows still in use. */

/** Positions p where flags[p] === value. */
export function positionsWhere(flags: Uint8Array, value: number): Int32Array {
  let n = 0;
  for (let p = 0; p < flags.length; p++) if (flags[p] === value) n++;
  const out = new Int32Array(n);
  for (let p = 0, k = 0; p < flags.length; p++) if (flags[p] === value) out[k++] = p;
  return out;
}

/** source[positions[k]] for each k. */
export function pickRows(source: Int32Array, positions: Int32Array): Int32Array {
  const out = new Int32Array(positions.length);
  for (let k = 0; k < positions.length; k++) out[k] = source[positions[k]];
  return out;
}

/** Every row of a table of `count`: 0, 1, …, count - 1. */
export function everyRow(count: number): Int32Array {
  const rows = new Int32Array(count);
  for (let r = 0; r < count; r++) rows[r] = r;
  return rows;
}
