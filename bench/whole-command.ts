/**
 * The whole commands a user waits for, as whole processes side by side with pandas + scikit-learn
 * in the same run (issue "Fast where the user waits"). On the generated 1,000,000-row CSV of the
 * mission schema (bench/big-csv.ts, seed 42, written to the OS temp folder):
 *  - `cli analyze big.csv --k 8 --algorithm kmeans --seed 1 --json` against read_csv +
 *    StandardScaler + KMeans(8, n_init=10): wall time and peak RSS (/usr/bin/time), and inertia;
 *  - `cli analyze big.csv --seed 1 --json` (auto k, all three methods, profiles): wall, peak RSS;
 *  - ingest + clean in process (start-up excluded) against read_csv + the same cleaning;
 *  - the profiles of the 1,000,000 x 5 table at k = 8;
 * and the mission CSV uploaded to the fake Slack until the summary is posted (in this process).
 * Each round runs every command once, in the same order (paired runs); figures are medians.
 * `--base DIR` also runs the commands from another checkout (its node_modules installed), right
 * before ours in each round: the before/after comparison of one run.
 *
 * Our commands run as `npm run cli` runs them (its script in package.json: Node's flags, then the
 * launcher scripts/launch.mjs on the compiled copy, which the bench builds first with `npm run build`).
 *
 * `--more-seeds N` also runs the k = 8 pair (ours, scikit-learn) at seeds 2..N+1: the seed decides how
 * many Lloyd iterations the starts take on each side.
 *
 * Usage: npx tsx bench/whole-command.ts [--runs N] [--rows N] [--base DIR] [--more-seeds N] [--skip-auto] [--skip-upload]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeBlobsCsv } from './big-csv.js';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const MISSION = fileURLToPath(new URL('../../shared/data/credit-card-customer-data.csv', import.meta.url));
const PYTHON = '/usr/bin/python3';
const PY_SCRIPT = fileURLToPath(new URL('./python/whole_command.py', import.meta.url));

interface Measured {
  wallS: number;
  peakMb: number;
  stdout: string;
}

/** One whole process under /usr/bin/time: wall seconds and peak RSS. */
function timed(command: string, args: readonly string[], cwd: string): Measured {
  const run = spawnSync('/usr/bin/time', ['-f', 'TIME %e %M', command, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
  const line = run.stderr.split('\n').find((l) => l.startsWith('TIME '));
  if (run.status !== 0 || line === undefined) throw new Error(`${command} ${args.join(' ')} failed: ${run.stderr.slice(-2000)}`);
  const [, wall, kb] = line.split(' ');
  return { wallS: Number(wall), peakMb: Number(kb) / 1024, stdout: run.stdout };
}

/**
 * `npm run cli -- …` without npm's own start-up: the checkout's `cli` script as written in its
 * package.json (Node's flags, the launcher, which runs the compiled copy built once before the
 * rounds). A checkout from before the launcher runs its sources through tsx, as its
 * `npm run cli` did.
 */
function cli(dir: string, args: readonly string[]): Measured {
  const scripts = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { scripts?: Record<string, string> }).scripts;
  const words = (scripts?.cli ?? '').split(/\s+/);
  if (words[0] === 'node' && words.includes('scripts/launch.mjs')) return timed(process.execPath, [...words.slice(1), ...args], dir);
  return timed(process.execPath, ['--import', 'tsx', 'src/main.ts', 'cli', ...args], dir);
}

/** Builds dist/ where the checkout has a build, so the launcher runs the compiled copy. */
function build(dir: string): void {
  if (!existsSync(join(dir, 'tsconfig.build.json'))) return;
  const run = spawnSync('npm', ['run', 'build'], { cwd: dir, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`npm run build failed in ${dir}: ${run.stdout.slice(-2000)}${run.stderr.slice(-2000)}`);
}

/** Child entry: in-process times (start-up excluded) of ingest + clean, and of the profiles at k = 8. */
async function child(path: string): Promise<void> {
  const { ingestFile } = await import(join(process.cwd(), 'src/data/ingest.ts'));
  const { profileSegments } = await import(join(process.cwd(), 'src/analysis/profile.ts'));
  const t0 = performance.now();
  const table = await ingestFile(path);
  const ingestMs = performance.now() - t0;
  const n: number = table.matrix.rows;
  const labels = new Int32Array(n);
  // Eight segments of unequal size, rows interleaved as K-Means labels are.
  for (let i = 0; i < n; i++) labels[i] = Math.floor(((i * 2654435761) % 4294967296) / 4294967296 * 36) % 8;
  const t1 = performance.now();
  profileSegments(table, labels, 8);
  const profilesMs = performance.now() - t1;
  console.log(JSON.stringify({ ingestMs, profilesMs }));
}

/** The mission CSV uploaded to the fake Slack: ms from the event to the posted summary, after one warm-up upload. */
async function uploadTimes(runs: number): Promise<number[]> {
  const { startHarness, fileShareEvent } = await import('../test/helpers/slack-harness.js');
  const h = await startHarness({ analyses: { workers: Math.min(4, availableParallelism()) } });
  const csv = readFileSync(MISSION, 'utf8');
  const times: number[] = [];
  try {
    for (let r = 0; r <= runs; r++) {
      const channel = `C0BENCH${r}`;
      const event = fileShareEvent(channel, h.fake.addFile({ name: 'credit-card-customer-data.csv', content: csv }));
      const sentAt = performance.now();
      await h.sendEvent(event);
      await h.fake.waitFor('summary', () => h.fake.botMessages(channel, String(event.ts)).find((m) => m.text.includes('rows used')), 60_000);
      if (r > 0) times.push(performance.now() - sentAt);
    }
  } finally {
    await h.stop();
  }
  return times;
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '3' },
      rows: { type: 'string', default: '1000000' },
      base: { type: 'string' },
      'skip-auto': { type: 'boolean', default: false },
      'skip-upload': { type: 'boolean', default: false },
      'more-seeds': { type: 'string', default: '0' },
      child: { type: 'string' },
    },
  });
  if (values.child !== undefined) return child(values.child);
  const runs = Math.max(1, Number(values.runs));
  const moreSeeds = Math.max(0, Number(values['more-seeds']));
  const sides = [...(values.base ? [{ name: 'before', dir: resolve(values.base) }] : []), { name: 'ours', dir: REPO }];
  const path = join(tmpdir(), `segment-analyst-whole-${values.rows}-${process.pid}.csv`);
  await writeBlobsCsv(path, Number(values.rows), 42);
  for (const side of sides) build(side.dir);
  console.log(`Machine: ${availableParallelism()} cores, Node ${process.version}; load average at start ${loadavg()[0].toFixed(1)}.`);
  const rows: Record<string, number[]> = {};
  const add = (key: string, v: number): void => void (rows[key] ??= []).push(v);
  const inertias: Record<string, number> = {};
  try {
    for (let r = 0; r < runs; r++) {
      for (const side of sides) {
        const k8 = cli(side.dir, ['analyze', path, '--k', '8', '--algorithm', 'kmeans', '--seed', '1', '--json']);
        add(`${side.name} k8 wall`, k8.wallS);
        add(`${side.name} k8 peak`, k8.peakMb);
        inertias[side.name] = (JSON.parse(k8.stdout) as { models: { kmeans: { inertia: number } } }).models.kmeans.inertia;
      }
      const py = timed(PYTHON, [PY_SCRIPT, 'kmeans', path, '8', '1'], REPO);
      add('sklearn k8 wall', py.wallS);
      add('sklearn k8 peak', py.peakMb);
      inertias.sklearn = (JSON.parse(py.stdout) as { inertia: number }).inertia;
      // The seeds decide how many Lloyd iterations the ten starts take, on both sides: more seeds
      // show the ratio apart from one seed's luck.
      for (let seed = 2; seed <= moreSeeds + 1; seed++) {
        add(`ours k8 wall seed ${seed}`, cli(REPO, ['analyze', path, '--k', '8', '--algorithm', 'kmeans', '--seed', String(seed), '--json']).wallS);
        add(`sklearn k8 wall seed ${seed}`, timed(PYTHON, [PY_SCRIPT, 'kmeans', path, '8', String(seed)], REPO).wallS);
      }
      if (!values['skip-auto']) {
        for (const side of sides) {
          const auto = cli(side.dir, ['analyze', path, '--seed', '1', '--json']);
          add(`${side.name} auto wall`, auto.wallS);
          add(`${side.name} auto peak`, auto.peakMb);
          add(`${side.name} auto k`, (JSON.parse(auto.stdout) as { kSelection: { recommended: number } }).kSelection.recommended);
        }
      }
      for (const side of sides) {
        const inner = timed(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', path], side.dir);
        const t = JSON.parse(inner.stdout.trim().split('\n').pop() ?? '{}') as { ingestMs: number; profilesMs: number };
        add(`${side.name} ingest ms`, t.ingestMs);
        add(`${side.name} profiles ms`, t.profilesMs);
      }
      const clean = JSON.parse(timed(PYTHON, [PY_SCRIPT, 'clean', path], REPO).stdout) as { ms: number; readMs: number };
      add('pandas clean ms', clean.ms);
      add('pandas read_csv ms', clean.readMs);
      console.log(`round ${r + 1}/${runs} done; load average ${loadavg()[0].toFixed(1)}`);
    }
  } finally {
    await rm(path, { force: true });
  }
  const upload = values['skip-upload'] ? [] : await uploadTimes(Math.max(3, runs));
  console.log('');
  console.log('| measure | each run | median |');
  console.log('| --- | --- | ---: |');
  for (const [key, v] of Object.entries(rows)) console.log(`| ${key} | ${v.map((x) => x.toFixed(key.endsWith('ms') ? 0 : 2)).join(', ')} | ${median(v).toFixed(2)} |`);
  if (upload.length > 0) console.log(`| ours upload -> summary ms (mission CSV, fake Slack) | ${upload.map((x) => x.toFixed(0)).join(', ')} | ${median(upload).toFixed(0)} |`);
  console.log('');
  for (const side of sides) {
    const ratio = (a: string, b: string): string => (median(rows[a]) / median(rows[b])).toFixed(2);
    console.log(
      `${side.name}: k = 8 wall ${ratio(`${side.name} k8 wall`, 'sklearn k8 wall')}x scikit-learn's, peak ${ratio(`${side.name} k8 peak`, 'sklearn k8 peak')}x; ` +
        `inertia ${inertias[side.name]} vs ${inertias.sklearn} (relative ${((inertias[side.name] - inertias.sklearn) / inertias.sklearn).toExponential(2)}); ` +
        `ingest + clean ${ratio(`${side.name} ingest ms`, 'pandas clean ms')}x pandas'.`,
    );
  }
  if (moreSeeds > 0) {
    const total = (side: string): number =>
      median(rows[`${side} k8 wall`]) + Array.from({ length: moreSeeds }, (_, s) => median(rows[`${side} k8 wall seed ${s + 2}`])).reduce((a, b) => a + b, 0);
    console.log(`k = 8 over seeds 1-${moreSeeds + 1} (sum of medians): ours ${total('ours').toFixed(2)} s, scikit-learn ${total('sklearn').toFixed(2)} s, ratio ${(total('ours') / total('sklearn')).toFixed(2)}.`);
  }
  console.log(`Load average at the end ${loadavg()[0].toFixed(1)}.`);
}

await main();
