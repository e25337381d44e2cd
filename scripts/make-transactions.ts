/**
 * Writes data/sample-transactions.csv: one row per purchase over 2024 by customers of three known
 * behaviour groups, with the untidiness real exports have (rows without a customer, an impossible
 * date, an amount that is not a number). Seeded: the same bytes every run.
 *
 *   npm run make-transactions
 *
 * Groups (50 customers each):
 *   loyal:   25-35 purchases spread over the year, one in its last 10 days, about 60 each;
 *   lapsed:  4-8 purchases in the first 120 days only, about 50 each;
 *   one-off: a single purchase between days 150 and 300, about 500.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createRng, type Rng } from '../src/analysis/random.js';

export const TRANSACTIONS_PATH = fileURLToPath(new URL('../data/sample-transactions.csv', import.meta.url));
export const TRANSACTIONS_SEED = 2024;

export const GROUPS = ['loyal', 'lapsed', 'one-off'] as const;
export type Group = (typeof GROUPS)[number];
const PER_GROUP = 50;
const YEAR_START = Date.UTC(2024, 0, 1);
const DAYS = 366;
const DAY_MS = 86_400_000;

export type DateStyle = 'iso' | 'dmy' | 'mdy';

export interface Transactions {
  readonly csv: string;
  /** The group each customer was drawn from. */
  readonly groups: ReadonlyMap<string, Group>;
}

export function makeTransactions(seed = TRANSACTIONS_SEED, style: DateStyle = 'dmy'): Transactions {
  const rng = createRng(seed);
  const groups = new Map<string, Group>();
  const rows: string[][] = [];
  GROUPS.forEach((group, g) => {
    for (let c = 0; c < PER_GROUP; c++) {
      const id = `C${String(g * PER_GROUP + c + 1).padStart(4, '0')}`;
      groups.set(id, group);
      for (const [day, amount] of purchases(rng, group)) rows.push(['', id, formatDay(day, style), amount.toFixed(2), rng.next() < 0.5 ? 'online' : 'branch']);
    }
  });
  // The untidiness: no customer, an impossible date, an amount that is not a number.
  rows.push(['', '', formatDay(40, style), '12.00', 'online']);
  rows.push(['', 'C0001', style === 'iso' ? '2024-02-31' : style === 'dmy' ? '31/02/2024' : '02/31/2024', '15.00', 'branch']);
  rows.push(['', 'C0002', formatDay(41, style), 'n/a', 'online']);
  shuffle(rng, rows);
  rows.forEach((row, i) => (row[0] = `T${String(i + 1).padStart(5, '0')}`));
  const header = 'Transaction ID,Customer ID,Date,Amount,Channel';
  return { csv: `${[header, ...rows.map((row) => row.join(','))].join('\n')}\n`, groups };
}

/** A customer's purchases as (day of 2024, amount). */
function purchases(rng: Rng, group: Group): [number, number][] {
  switch (group) {
    case 'loyal': {
      const n = 25 + rng.int(11);
      const out: [number, number][] = [[DAYS - 1 - rng.int(10), amount(rng, 60, 10)]];
      for (let i = 1; i < n; i++) out.push([rng.int(DAYS), amount(rng, 60, 10)]);
      return out;
    }
    case 'lapsed':
      return Array.from({ length: 4 + rng.int(5) }, () => [rng.int(120), amount(rng, 50, 10)]);
    case 'one-off':
      return [[150 + rng.int(151), amount(rng, 500, 80)]];
  }
}

/** Normal draw (Box-Muller), at least 1. */
function amount(rng: Rng, mean: number, sd: number): number {
  const z = Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  return Math.max(1, mean + sd * z);
}

function formatDay(day: number, style: DateStyle): string {
  const date = new Date(YEAR_START + day * DAY_MS);
  const y = String(date.getUTCFullYear());
  const m = String(date.getUTCMonth() + 1).padStart(2, '0');
  const d = String(date.getUTCDate()).padStart(2, '0');
  return style === 'iso' ? `${y}-${m}-${d}` : style === 'dmy' ? `${d}/${m}/${y}` : `${m}/${d}/${y}`;
}

function shuffle<T>(rng: Rng, items: T[]): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [items[i], items[j]] = [items[j], items[i]];
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(TRANSACTIONS_PATH, makeTransactions().csv);
  console.log(`Wrote ${TRANSACTIONS_PATH}`);
}
