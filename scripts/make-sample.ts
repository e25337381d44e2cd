/**
 * Writes data/sample-customers.csv: a synthetic bank customer table with the mission's columns and
 * three behaviour groups, plus the untidiness real exports have (a few repeated customer keys and
 * a few rows exported twice) so the cleaning steps have work to show. Seeded: same bytes every run.
 *
 *   npm run make-sample
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createRng, type Rng } from '../src/analysis/random.js';

export const SAMPLE_PATH = fileURLToPath(new URL('../data/sample-customers.csv', import.meta.url));
export const SAMPLE_SEED = 2024;

const HEADER = [
  'Sl_No',
  'Customer Key',
  'Avg_Credit_Limit',
  'Total_Credit_Cards',
  'Total_visits_bank',
  'Total_visits_online',
  'Total_calls_made',
] as const;

/** A behaviour group: typical values (mean, spread, bounds) for each behaviour column. */
interface Group {
  readonly size: number;
  /** Credit limit in thousands. */
  readonly limitK: Spec;
  readonly cards: Spec;
  readonly bankVisits: Spec;
  readonly onlineVisits: Spec;
  readonly calls: Spec;
}

interface Spec {
  readonly mean: number;
  readonly sd: number;
  readonly min: number;
  readonly max: number;
}

const spec = (mean: number, sd: number, min: number, max: number): Spec => ({ mean, sd, min, max });

/** Sizes and profiles echo the mission data: branch regulars, phone-heavy low limits, digital high value. */
const GROUPS: readonly Group[] = [
  {
    size: 382,
    limitK: spec(33, 22, 5, 100),
    cards: spec(5.5, 1.1, 2, 7),
    bankVisits: spec(3.5, 1.1, 1, 5),
    onlineVisits: spec(1, 0.8, 0, 3),
    calls: spec(2, 1.4, 0, 5),
  },
  {
    size: 224,
    limitK: spec(12, 5, 3, 30),
    cards: spec(2.4, 1.1, 1, 4),
    bankVisits: spec(0.9, 0.8, 0, 2),
    onlineVisits: spec(3.6, 1.2, 1, 6),
    calls: spec(6.9, 1.9, 3, 10),
  },
  {
    size: 50,
    limitK: spec(141, 34, 75, 200),
    cards: spec(8.7, 1.2, 6, 10),
    bankVisits: spec(0.6, 0.5, 0, 1),
    onlineVisits: spec(10.9, 2.8, 6, 15),
    calls: spec(1.1, 0.9, 0, 3),
  },
];

/** Customer keys given to a second, different customer (a data-entry slip the cleaning flags). */
const REPEATED_KEYS = 4;
/** Rows written twice, as when two exports are concatenated (the cleaning drops them). */
const EXACT_DUPLICATES = 4;

type Row = [number, number, number, number, number, number, number];

export function makeSampleCsv(seed = SAMPLE_SEED): string {
  const rng = createRng(seed);
  const customers: Row[] = [];
  for (const group of GROUPS) {
    for (let i = 0; i < group.size; i++) {
      customers.push([
        0,
        0,
        draw(rng, group.limitK) * 1000,
        draw(rng, group.cards),
        draw(rng, group.bankVisits),
        draw(rng, group.onlineVisits),
        draw(rng, group.calls),
      ]);
    }
  }
  shuffle(rng, customers);

  const keys = uniqueKeys(rng, customers.length);
  for (let k = 0; k < REPEATED_KEYS; k++) {
    // Customer k * 97 + 11 gets the key of customer k * 89 + 300: same key, different figures.
    keys[k * 97 + 11] = keys[k * 89 + 300];
  }
  customers.forEach((row, i) => {
    row[0] = i + 1;
    row[1] = keys[i];
  });

  const rows: Row[] = [];
  const doubled = new Set(Array.from({ length: EXACT_DUPLICATES }, (_, k) => 40 + k * 151));
  customers.forEach((row, i) => {
    rows.push(row);
    if (doubled.has(i)) rows.push([...row]);
  });
  return `${[HEADER.join(','), ...rows.map((row) => row.join(','))].join('\n')}\n`;
}

/** Normal draw (Box-Muller), rounded and clamped to the spec's bounds. */
function draw(rng: Rng, s: Spec): number {
  const u = 1 - rng.next();
  const v = rng.next();
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  return Math.min(s.max, Math.max(s.min, Math.round(s.mean + s.sd * z)));
}

function shuffle<T>(rng: Rng, items: T[]): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [items[i], items[j]] = [items[j], items[i]];
  }
}

/** Distinct five-digit customer keys. */
function uniqueKeys(rng: Rng, n: number): number[] {
  const seen = new Set<number>();
  const keys: number[] = [];
  while (keys.length < n) {
    const key = 10000 + rng.int(90000);
    if (seen.has(key)) continue;
    seen.add(key);
    keys.push(key);
  }
  return keys;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(SAMPLE_PATH, makeSampleCsv());
  console.log(`Wrote ${SAMPLE_PATH}`);
}
