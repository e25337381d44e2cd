/**
 * A customer table in the local PostgreSQL segmented where it lives (K-Means as SQL), next to
 * pandas read_csv + scikit-learn on the same rows exported to CSV, in one run. The table is made
 * by bench/warehouse-table.sql (seeded, in SQL) when it is missing or has another size.
 *
 * Measures the whole command a user runs, `npm run cli -- analyze --source ... --table ... --k 4
 * --algorithm kmeans --write-labels ...` (wall time and peak memory from /usr/bin/time), and
 * scikit-learn's KMeans(n_init=10) best inertia and sizes on the same z-scored data.
 *
 * Usage: npx tsx bench/warehouse.ts [--rows 5000000] [--k 4]   (needs PostgreSQL at BENCH_DATABASE_URL
 * or postgres://postgres@127.0.0.1:5432/test, psql, and bench/setup.sh's scikit-learn)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';

const URL_ = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { rows: { type: 'string', default: '5000000' }, k: { type: 'string', default: '4' } } });
const rows = Number(values.rows);
const k = Number(values.k);

interface Timed {
  seconds: number;
  peakMb: number;
  stdout: string;
}

/** Runs a command under /usr/bin/time -v: its wall time, the peak resident memory of its largest process, its output. */
function timedRun(command: string, args: readonly string[]): Timed {
  const result = spawnSync('/usr/bin/time', ['-v', command, ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (result.status !== 0) throw new Error(`${command} failed: ${result.stderr.slice(-2000)}`);
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (.+)/.exec(result.stderr)?.[1] ?? '0';
  const seconds = wall.split(':').reduce((total, part) => total * 60 + Number(part), 0);
  const peakKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(result.stderr)?.[1] ?? NaN);
  return { seconds, peakMb: peakKb / 1024, stdout: result.stdout };
}

async function query<T extends pg.QueryResultRow>(sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: URL_ });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

async function tableRows(): Promise<number> {
  const [row] = await query<{ n: string | null }>(`SELECT (SELECT count(*) FROM bench_warehouse.customers) AS n WHERE to_regclass('bench_warehouse.customers') IS NOT NULL`);
  return row === undefined ? 0 : Number(row.n);
}

if ((await tableRows()) !== rows) {
  console.error(`Generating ${rows.toLocaleString('en-US')} customers in bench_warehouse.customers...`);
  execFileSync('psql', ['-q', '-v', `rows=${rows}`, '-f', 'bench/warehouse-table.sql', URL_], { cwd: ROOT, stdio: 'inherit' });
}

const labelsTable = `labels_${process.pid}`;
console.error('Segmenting the table where it lives...');
const ours = timedRun('npm', [
  'run', '-s', 'cli', '--', 'analyze', '--source', URL_, '--table', 'bench_warehouse.customers',
  '--k', String(k), '--algorithm', 'kmeans', '--json', '--write-labels', `bench_warehouse.${labelsTable}`,
]);
const report = JSON.parse(ours.stdout) as {
  models: { kmeans: { inertia: number; sizes: number[] } };
  pushdown: { sqlIterations: number; startsCompared: number; statements: number; sampleRows: number };
  labelsTable: { rows: number };
};
await query(`DROP TABLE bench_warehouse.${labelsTable}`);

const dir = mkdtempSync(join(tmpdir(), 'warehouse-bench-'));
try {
  const csv = join(dir, 'customers.csv');
  console.error('Exporting the same rows to CSV for pandas...');
  execFileSync('psql', ['-q', '-c', `\\copy (SELECT * FROM bench_warehouse.customers ORDER BY "Sl_No") TO '${csv}' CSV HEADER`, URL_]);
  console.error('read_csv + scikit-learn...');
  const python = timedRun('/usr/bin/python3', [join(ROOT, 'bench/python/warehouse_bench.py'), csv, '--k', String(k)]);
  const sk = JSON.parse(python.stdout) as { sklearn: string; pandas: string; readCsvSeconds: number; fitSeconds: number; inertia: number; sizes: number[]; iterations: number };

  const oursSizes = [...report.models.kmeans.sizes].sort((a, b) => b - a);
  const sizeGap = Math.max(...oursSizes.map((n, s) => Math.abs(n - sk.sizes[s]) / sk.sizes[s]));
  const inertiaGap = report.models.kmeans.inertia / sk.inertia - 1;
  const lines = [
    `${rows.toLocaleString('en-US')} customers x 5 features, k = ${k}; ${cpus().length} cores; PostgreSQL local; scikit-learn ${sk.sklearn}, pandas ${sk.pandas}`,
    '',
    '| | wall (s) | peak memory (MB) | inertia (z units) | sizes |',
    '|---|---:|---:|---:|---|',
    `| \`analyze --source … --k ${k} --algorithm kmeans --write-labels …\` (SQL) | ${ours.seconds.toFixed(1)} | ${ours.peakMb.toFixed(0)} | ${report.models.kmeans.inertia.toFixed(1)} | ${oursSizes.join(' / ')} |`,
    `| read_csv + StandardScaler + KMeans(n_init=10) | ${python.seconds.toFixed(1)} (read_csv ${sk.readCsvSeconds.toFixed(1)}, fit ${sk.fitSeconds.toFixed(1)}) | ${python.peakMb.toFixed(0)} | ${sk.inertia.toFixed(1)} | ${sk.sizes.join(' / ')} |`,
    '',
    `Inertia ${(inertiaGap * 100).toFixed(4)}% from scikit-learn's best of 10 starts (target within 0.1%); sizes within ${(sizeGap * 100).toFixed(3)}% (target 0.5%).`,
    `Wall ratio ours / scikit-learn ${(ours.seconds / python.seconds).toFixed(2)}; labels table ${report.labelsTable.rows.toLocaleString('en-US')} rows (${report.labelsTable.rows === rows ? 'one per customer' : 'NOT one per customer'}).`,
    `SQL: ${report.pushdown.statements} statements, ${report.pushdown.sqlIterations} Lloyd iterations on every row, ${report.pushdown.startsCompared} distinct starts compared, sample ${report.pushdown.sampleRows.toLocaleString('en-US')} rows.`,
  ];
  console.log(lines.join('\n'));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
