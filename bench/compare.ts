/**
 * `compare` of two months of 1,000,000 customers, as a user runs it (a child process per command:
 * tsx start-up, reading, cleaning, analysing, comparing, writing the JSON), against analysing the
 * new month alone with `analyze` in the same run.
 *
 * Month 2 is month 1 with 2% of the customers gone, 2% new and 1% moved (their figures copied from
 * a customer of another group). Each month, `compare` finds last month's analysis in DATA_DIR's
 * analysis cache (it was the new month of the previous run), so the bench first primes the cache
 * with month 1, as last month's run did, then times:
 *  - `analyze month-2.csv --k auto --algorithm kmeans --json` (the new month alone; before and after
 *    the cached compare, their mean is the baseline);
 *  - `compare month-1.csv month-2.csv --json` (last month cached, the usual monthly run);
 *  - `compare --no-cache month-1.csv month-2.csv --json` (both months analysed, the first run).
 *
 * Usage: npm run bench:compare [-- --rows N]
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createRng } from '../src/analysis/random.js';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const TSX = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));

/** Three groups resembling the mission segments: credit limit, cards, bank visits, online visits, calls. */
const GROUPS = [
  { share: 0.6, mean: [34_000, 5.5, 3.5, 1, 2], sd: [22_000, 1.1, 1.1, 0.9, 1.4] },
  { share: 0.34, mean: [12_000, 2.4, 0.9, 3.6, 6.9], sd: [5_000, 1.1, 0.8, 1.2, 1.9] },
  { share: 0.06, mean: [141_000, 8.7, 0.6, 10.9, 1.1], sd: [34_000, 1.3, 0.5, 2.9, 0.9] },
];

async function writeMonths(dir: string, rows: number): Promise<void> {
  const rng = createRng(2026);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const customer = (): { group: number; figures: string } => {
    const u = rng.next();
    const group = u < GROUPS[0].share ? 0 : u < GROUPS[0].share + GROUPS[1].share ? 1 : 2;
    const g = GROUPS[group];
    return { group, figures: g.mean.map((m, j) => Math.max(0, Math.round(m + g.sd[j] * normal()))).join(',') };
  };
  const header = 'customer_id,Avg_Credit_Limit,Total_Credit_Cards,Total_visits_bank,Total_visits_online,Total_calls_made\n';
  const first = createWriteStream(join(dir, 'month-1.csv'));
  const second = createWriteStream(join(dir, 'month-2.csv'));
  first.write(header);
  second.write(header);
  const lastOfGroup: string[] = ['', '', ''];
  let chunk1 = '';
  let chunk2 = '';
  const flush = async (): Promise<void> => {
    const wait = (s: ReturnType<typeof createWriteStream>, text: string) => new Promise<void>((done) => (s.write(text) ? done() : s.once('drain', done)));
    await Promise.all([wait(first, chunk1), wait(second, chunk2)]);
    chunk1 = '';
    chunk2 = '';
  };
  for (let i = 0; i < rows; i++) {
    const { group, figures } = customer();
    const key = `C${String(1_000_000 + i)}`;
    chunk1 += `${key},${figures}\n`;
    const fate = rng.next();
    if (fate < 0.02) {
      // lost: not in month 2
    } else if (fate < 0.03 && lastOfGroup[(group + 1) % 3] !== '') {
      chunk2 += `${key},${lastOfGroup[(group + 1) % 3]}\n`;
    } else {
      chunk2 += `${key},${figures}\n`;
    }
    if (rng.next() < 0.02) chunk2 += `N${String(1_000_000 + i)},${customer().figures}\n`;
    lastOfGroup[group] = figures;
    if (i % 20_000 === 19_999) await flush();
  }
  await flush();
  await Promise.all([new Promise((done) => first.end(done)), new Promise((done) => second.end(done))]);
}

interface Run {
  readonly seconds: number;
  readonly maxRssMb: number;
  readonly stdout: string;
}

/** One command as a user types it, timed from spawn to exit, with its peak RSS from /usr/bin/time. */
function command(args: readonly string[], dataDir: string): Run {
  const started = process.hrtime.bigint();
  const run = spawnSync('/usr/bin/time', ['-f', '%M', TSX, MAIN, 'cli', ...args], {
    env: { ...process.env, DATA_DIR: dataDir },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (run.status !== 0) throw new Error(`${args.join(' ')} failed: ${run.stderr}`);
  const rssKb = Number(run.stderr.trim().split('\n').at(-1));
  return { seconds, maxRssMb: rssKb / 1024, stdout: run.stdout };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' } } });
  const rows = Number(values.rows);
  const dir = await mkdtemp(join(tmpdir(), 'bench-compare-'));
  try {
    await writeMonths(dir, rows);
    const month1 = join(dir, 'month-1.csv');
    const month2 = join(dir, 'month-2.csv');
    const dataDir = join(dir, 'data');
    console.log(`compare benchmark: ${rows.toLocaleString('en-US')} customers a month, ${cpus()[0]?.model ?? 'cpu'}, ${availableParallelism()} cores, node ${process.version}`);
    const prime = command(['compare', month1, month1, '--json'], dataDir);
    // The new month alone is timed before and after the cached compare, so a change in the machine's load shows.
    const aloneBefore = command(['analyze', month2, '--k', 'auto', '--algorithm', 'kmeans', '--json'], join(dir, 'data-analyze'));
    const warm = command(['compare', month1, month2, '--json'], dataDir);
    const aloneAfter = command(['analyze', month2, '--k', 'auto', '--algorithm', 'kmeans', '--json'], join(dir, 'data-analyze'));
    const alone = { ...aloneBefore, seconds: (aloneBefore.seconds + aloneAfter.seconds) / 2 };
    const cold = command(['compare', '--no-cache', month1, month2, '--json'], join(dir, 'data-cold'));
    const result = JSON.parse(warm.stdout) as { customers: { continuing: number; new: number; lost: number }; moves: { from: number; to: number; customers: number }[] };
    const moved = result.moves.filter((m) => m.from !== m.to).reduce((sum, m) => sum + m.customers, 0);
    console.log(`customers: ${JSON.stringify(result.customers)}, moved: ${moved.toLocaleString('en-US')}`);
    console.log('| command (whole, child process) | seconds | peak RSS, MB | vs analyze |');
    console.log('|---|---:|---:|---:|');
    const row = (name: string, run: Run) => console.log(`| ${name} | ${run.seconds.toFixed(1)} | ${run.maxRssMb.toFixed(0)} | ${(run.seconds / alone.seconds).toFixed(2)}x |`);
    row('`analyze month-2` (new month alone, mean of the runs before and after)', alone);
    row('`analyze month-2`, run before', aloneBefore);
    row('`analyze month-2`, run after', aloneAfter);
    row('`compare month-1 month-2` (last month cached; target <= 1.3x)', warm);
    row('`compare --no-cache month-1 month-2` (both analysed)', cold);
    row('`compare month-1 month-1` (priming the cache)', prime);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
