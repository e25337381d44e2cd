import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { entryFor } from './launch.mjs';
import { analyzeFile } from '../src/analysis/pipeline.js';

const run = promisify(execFile);
const REPO = new URL('..', import.meta.url).pathname;
const scratch = mkdtempSync(join(tmpdir(), 'launch-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function checkout(name: string, sourceTime: number, builtTime: number | null): string {
  const root = join(scratch, name);
  mkdirSync(join(root, 'src', 'app'), { recursive: true });
  writeFileSync(join(root, 'src', 'app', 'a.ts'), '');
  utimesSync(join(root, 'src', 'app', 'a.ts'), sourceTime, sourceTime);
  // A test file edited later does not make the build stale: tests are not in it.
  writeFileSync(join(root, 'src', 'app', 'a.test.ts'), '');
  utimesSync(join(root, 'src', 'app', 'a.test.ts'), sourceTime + 500, sourceTime + 500);
  if (builtTime !== null) {
    mkdirSync(join(root, 'dist'), { recursive: true });
    writeFileSync(join(root, 'dist', 'main.js'), '');
    utimesSync(join(root, 'dist', 'main.js'), builtTime, builtTime);
  }
  return root;
}

describe('the launcher behind npm run cli, start and demo', () => {
  it('runs the compiled copy only when it is at least as new as every source file', () => {
    expect(entryFor(checkout('current', 1_000, 2_000))).toMatch(/dist[\\/]main\.js$/);
    expect(entryFor(checkout('stale', 3_000, 2_000))).toMatch(/src[\\/]main\.ts$/);
    expect(entryFor(checkout('unbuilt', 1_000, null))).toMatch(/src[\\/]main\.ts$/);
  });

  it('gives the report of the analysis run in process, K-Means workers included', async () => {
    // 60,000 rows: enough for the K-Means starts to run on worker threads (from dist/ once built).
    const rows = ['id,a,b,c', ...Array.from({ length: 60_000 }, (_, i) => `${i + 1},${(i * 7919) % 101},${(i * 104729) % 53},${i % 3 === 0 ? 40 + (i % 7) : i % 11}`)];
    const csv = join(scratch, 'rows.csv');
    writeFileSync(csv, `${rows.join('\n')}\n`);
    const { stdout } = await run(process.execPath, ['scripts/launch.mjs', 'cli', 'analyze', csv, '--k', '3', '--algorithm', 'kmeans', '--json'], {
      cwd: REPO,
      maxBuffer: 1 << 26,
    });
    const report = JSON.parse(stdout) as { models: { kmeans: { inertia: number; sizes: number[] } } };
    const inProcess = (await analyzeFile(csv, { k: 3, algorithm: 'kmeans', evidence: false })).report;
    expect(report.models.kmeans.sizes).toEqual(inProcess.models.kmeans?.sizes);
    expect(report.models.kmeans.inertia).toBe(inProcess.models.kmeans?.inertia);
  });
});
