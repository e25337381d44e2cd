import { readFileSync } from 'node:fs';
import { fromRows, type DenseMatrix } from '../../src/common/matrix.js';
import { MISSION_CSV } from './shared.js';

/**
 * The mission CSV's five behaviour columns in original units, parsed independently of the
 * project's ingest (a plain split: the file has no quotes). 'notebook' drops rows that repeat an
 * earlier row on those columns, keeping the first, as the reference script does.
 */
export function creditCardFeatures(mode: 'all-customers' | 'notebook'): DenseMatrix {
  const lines = readFileSync(MISSION_CSV, 'utf8').trim().split(/\r?\n/);
  const header = lines[0].split(',');
  const keep = header.map((name, j) => (name === 'Sl_No' || name === 'Customer Key' ? -1 : j)).filter((j) => j >= 0);
  const seen = new Set<string>();
  const rows: number[][] = [];
  for (const line of lines.slice(1)) {
    const cells = line.split(',');
    const row = keep.map((j) => Number(cells[j]));
    const key = row.join(',');
    if (mode === 'notebook' && seen.has(key)) continue;
    seen.add(key);
    rows.push(row);
  }
  return fromRows(rows);
}
