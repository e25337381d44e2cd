import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_QUESTIONS, runDemo } from './demo.js';
import { silentLogger } from '../common/logger.js';
import { loadConfig } from '../config.js';

const SAMPLE = fileURLToPath(new URL('../../data/sample-customers.csv', import.meta.url));

let outDir: string;
let printed = '';
let report = '';

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'demo-out-'));
  const output = new PassThrough();
  output.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')));
  const { reportPath } = await runDemo({ csvPath: SAMPLE, outDir, output, config: loadConfig({}), log: silentLogger });
  report = await readFile(reportPath, 'utf8');
});

afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

describe('npm run demo', () => {
  it('writes out/report.md with the upload summary and an answer per question', () => {
    expect(report).toMatch(/^# Segment Analyst demo: sample-customers\.csv/);
    expect(report).toContain('## Upload: sample-customers.csv');
    expect(report).toContain('**Recommended: 3 segments.**');
    expect(report).toMatch(/\| Segment \| Name \| Customers \|/);
    for (const question of DEMO_QUESTIONS) expect(report).toContain(`## “${question}”`);
    expect(report).toMatch(/Segment 2 \(Many support calls[^)]*\)\*\* has the highest average support calls/);
    expect(report).toContain('A campaign for each');
    expect(printed).toContain(`Report written to ${join(outDir, 'report.md')}`);
  });

  it('embeds the charts it wrote next to the report, as real PNGs', async () => {
    const images = [...report.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => m[1]);
    expect(images).toEqual(expect.arrayContaining(['profile-deviation.png', 'segment-sizes.png', 'elbow.png', 'pca-map.png']));
    for (const image of images) {
      const path = join(outDir, image);
      expect(existsSync(path)).toBe(true);
      expect((await sharp(path).metadata()).format).toBe('png');
    }
  });
});
