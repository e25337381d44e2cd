/**
 * The generated big CSV of the benchmarks: the mission schema (Sl_No, Customer Key, five behaviour
 * columns) with three seeded customer groups, integer-valued like the real columns. Never committed:
 * every benchmark writes it to the OS temp folder.
 *
 * Usage: npx tsx bench/big-csv.ts OUT.csv [--rows N] [--seed N]
 */
import { createWriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createRng } from '../src/analysis/random.js';

/** Three customer groups resembling the mission segments, integer-valued like the real columns. */
export async function writeBlobsCsv(path: string, rows: number, seed: number): Promise<void> {
  const rng = createRng(seed);
  const normal = (): number => {
    const u = 1 - rng.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
  };
  // Centre and spread of: credit limit, cards, bank visits, online visits, calls.
  const groups = [
    { share: 0.6, mean: [34_000, 5.5, 3.5, 1, 2], sd: [22_000, 1.1, 1.1, 0.9, 1.4] },
    { share: 0.34, mean: [12_000, 2.4, 0.9, 3.6, 6.9], sd: [5_000, 1.1, 0.8, 1.2, 1.9] },
    { share: 0.06, mean: [141_000, 8.7, 0.6, 10.9, 1.1], sd: [34_000, 1.3, 0.5, 2.9, 0.9] },
  ];
  const out = createWriteStream(path);
  const write = (chunk: string): Promise<void> =>
    out.write(chunk) ? Promise.resolve() : new Promise((resolve) => out.once('drain', () => resolve()));
  await write('Sl_No,Customer Key,Avg_Credit_Limit,Total_Credit_Cards,Total_visits_bank,Total_visits_online,Total_calls_made\n');
  let buffer = '';
  for (let i = 0; i < rows; i++) {
    const u = rng.next();
    const g = u < groups[0].share ? groups[0] : u < groups[0].share + groups[1].share ? groups[1] : groups[2];
    const values = g.mean.map((m, j) => {
      const v = Math.max(0, Math.round(m + g.sd[j] * normal()));
      return j === 0 ? Math.max(3_000, Math.round(v / 1000) * 1000) : Math.max(j === 1 ? 1 : 0, v);
    });
    buffer += `${i + 1},${10_000 + i},${values.join(',')}\n`;
    if (buffer.length > 1 << 20) {
      await write(buffer);
      buffer = '';
    }
  }
  await write(buffer);
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { rows: { type: 'string', default: '1000000' }, seed: { type: 'string', default: '42' } },
  });
  if (positionals.length !== 1) throw new Error('usage: npx tsx bench/big-csv.ts OUT.csv [--rows N] [--seed N]');
  await writeBlobsCsv(positionals[0], Number(values.rows), Number(values.seed));
}
