import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotDirectory } from './context.js';
import { runCliCaptured } from '../../test/helpers/cli.js';
import { MISSION_CSV } from '../../test/helpers/shared.js';

let dataDir: string;
const cacheDirectory = () => snapshotDirectory(dataDir);

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'ask-cli-'));
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const run = (argv: string[]) => runCliCaptured(['ask', ...argv], { DATA_DIR: dataDir });

describe('npm run cli -- ask', () => {
  it('answers through the deterministic router and caches the analysis atomically', async () => {
    const first = await run([MISSION_CSV, 'which segment calls support most?']);
    expect(first.code).toBe(0);
    expect(first.out).toContain('has the highest average support calls: 6.87, against 3.58 overall. It has 224 customers');
    expect(first.out).toContain('(Figures checked against the analysis.)');
    expect(first.out).not.toContain('*');
    const cached = (await readdir(cacheDirectory())).filter((f) => f.endsWith('.json'));
    expect(cached).toHaveLength(1);
    expect(cached[0]).toMatch(/^[0-9a-f]{64}\.json$/);

    const second = await run([MISSION_CSV, 'which segment calls support most?']);
    expect(second.out).toBe(first.out);
    expect(await readdir(cacheDirectory())).toEqual(cached);
  });

  it('writes charts as PNG and exports as CSV to --out and prints their paths', async () => {
    const out = join(dataDir, 'out');
    const chart = await run([MISSION_CSV, 'show the elbow', '--out', out]);
    expect(chart.code).toBe(0);
    const png = chart.out.split('\n').find((l) => l.startsWith('wrote ') && l.endsWith('.png'))?.slice('wrote '.length);
    expect(png).toBeDefined();
    const bytes = await readFile(png as string);
    expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');

    const exported = await run([MISSION_CSV, 'export segment 2', '--out', out]);
    const csvPath = join(out, 'segment-2-customers.csv');
    expect(exported.out).toContain(`wrote ${csvPath}`);
    const csv = await readFile(csvPath, 'utf8');
    expect(csv.trim().split('\r\n')).toHaveLength(225);
  });

  it('exits with 2 and one clear line for a bad file or bad usage', async () => {
    const missing = await run([join(dataDir, 'nope.csv'), 'hi']);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/^error: There is no file at .*nope\.csv; check the path and try again\.\n$/);

    const binary = await run([new URL('../../test/fixtures/malformed/binary.csv', import.meta.url).pathname, 'hi']);
    expect(binary.code).toBe(2);
    expect(binary.err.trim().split('\n')).toHaveLength(1);

    const usage = await run([MISSION_CSV]);
    expect(usage.code).toBe(2);
    expect(usage.err).toMatch(/usage: npm run cli -- ask/);
  });
});
