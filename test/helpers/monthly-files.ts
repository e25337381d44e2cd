import { createRng } from '../../src/analysis/random.js';

/**
 * Two months of one bank's customer file with known changes: three well-apart groups of
 * customers (keyed customer_id, rows shuffled); next month some customers leave, some join, and
 * `movers` customers take the exact figures of a customer in another group, so they move there.
 */
export interface MonthlyPair {
  readonly previous: string;
  readonly current: string;
  /** Group (0..2) of each previous customer, by key. */
  readonly groupOf: ReadonlyMap<string, number>;
  /** Movers: key -> the group whose customer's figures they took. */
  readonly moved: ReadonlyMap<string, number>;
  readonly lost: readonly string[];
  readonly added: readonly string[];
}

export interface MonthlyPairOptions {
  readonly customers: number;
  readonly lost: number;
  readonly added: number;
  readonly movers: number;
  readonly seed: number;
  /** Leave these columns out of the new month. */
  readonly dropColumns?: readonly string[];
}

const HEADER = ['customer_id', 'balance', 'card_purchases', 'branch_visits'];
/** Group centres in the file's units: far apart next to their spread. */
const CENTRES = [
  [1_000, 200, 2],
  [20_000, 3_000, 1],
  [5_000, 800, 12],
];

export function monthlyPair(options: MonthlyPairOptions): MonthlyPair {
  const rng = createRng(options.seed);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const figures = (group: number): number[] => CENTRES[group].map((c) => Math.max(0, Math.round(c * (1 + 0.08 * normal()))));
  const key = (i: number): string => `C${String(100_000 + i)}`;

  const rows = new Map<string, number[]>();
  const groupOf = new Map<string, number>();
  for (let i = 0; i < options.customers; i++) {
    const group = i % 3;
    groupOf.set(key(i), group);
    rows.set(key(i), figures(group));
  }
  const keys = [...rows.keys()];
  const lost = keys.slice(0, options.lost);
  const moversFrom = keys.slice(options.lost, options.lost + options.movers);
  const next = new Map(rows);
  for (const k of lost) next.delete(k);
  const moved = new Map<string, number>();
  for (const k of moversFrom) {
    const target = (groupOf.get(k)! + 1) % 3;
    const donor = keys.find((d, i) => i >= options.lost + options.movers && groupOf.get(d) === target)!;
    next.set(k, [...rows.get(donor)!]);
    moved.set(k, target);
  }
  const added: string[] = [];
  for (let i = 0; i < options.added; i++) {
    const k = key(options.customers + i);
    added.push(k);
    next.set(k, figures(i % 3));
  }
  return { previous: toCsv(rows, rng, []), current: toCsv(next, rng, options.dropColumns ?? []), groupOf, moved, lost, added };
}

function toCsv(rows: ReadonlyMap<string, number[]>, rng: ReturnType<typeof createRng>, drop: readonly string[]): string {
  const order = [...rows.keys()];
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const keep = HEADER.map((h, c) => (drop.includes(h) ? -1 : c)).filter((c) => c >= 0);
  const lines = [keep.map((c) => HEADER[c]).join(',')];
  for (const k of order) {
    const row = [k, ...rows.get(k)!];
    lines.push(keep.map((c) => row[c]).join(','));
  }
  return `${lines.join('\n')}\n`;
}
