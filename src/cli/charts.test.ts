import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { compileChart } from '../charts/render.js';
import { pixelSpread } from '../../test/helpers/chart-checks.js';

const run = promisify(execFile);
/** The CLI runs in a child process (tsx start-up, then every chart): far more than 60 s on a busy machine is possible. */
const CHILD_TEST_MS = 180_000;
const CHILD_MAX_MS = 170_000;
const MISSION = new URL('../../../shared/data/credit-card-customer-data.csv', import.meta.url).pathname;

describe('npm run charts', () => {
  it('writes the whole catalogue for the mission data as PNG + Vega-Lite JSON', async () => {
    const out = await mkdtemp(join(tmpdir(), 'charts-cli-'));
    try {
      const { stdout } = await run('npx', ['tsx', 'src/main.ts', 'cli', 'charts', MISSION, '--out', out], { timeout: CHILD_MAX_MS });
      const files = await readdir(out);
      const pngs = files.filter((f) => f.endsWith('.png')).sort();
      const specs = files.filter((f) => f.endsWith('.vl.json')).sort();
      expect(stdout).toContain(`Wrote ${pngs.length} charts`);
      expect(pngs.length).toBeGreaterThanOrEqual(20);
      expect(specs.map((f) => f.replace('.vl.json', ''))).toEqual(pngs.map((f) => f.replace('.png', '')));
      for (const name of pngs) {
        const png = await readFile(join(out, name));
        const meta = await sharp(png).metadata();
        expect(meta.format, name).toBe('png');
        expect(meta.width, name).toBeGreaterThanOrEqual(1000);
        expect(meta.width, name).toBeLessThanOrEqual(2000);
        expect((await pixelSpread(png)).distinctLevels, name).toBeGreaterThan(100);
        const spec = JSON.parse(await readFile(join(out, name.replace('.png', '.vl.json')), 'utf8'));
        expect(compileChart(spec).warnings, name).toEqual([]);
      }
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }, CHILD_TEST_MS);

  it('says what to do when --out is missing', async () => {
    const failure = await run('npx', ['tsx', 'src/main.ts', 'cli', 'charts', MISSION], { timeout: CHILD_MAX_MS }).catch((e: { stderr: string; code: number }) => e);
    expect('code' in failure && failure.code).toBe(2);
    expect((failure as { stderr: string }).stderr).toContain('--out <dir>');
  }, CHILD_TEST_MS);
});
