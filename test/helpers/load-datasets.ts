import { readFileSync } from 'node:fs';
import { ingestCsv } from '../../src/data/ingest.js';
import { DEFAULT_SETTINGS } from '../../src/analysis/settings.js';
import { runAnalysis } from '../../src/app/analysis-job.js';
import { analysisOptions } from '../../src/app/channel-datasets.js';

/**
 * Twenty different datasets for the load test and bench/load.ts: the mission, mall and sample
 * CSVs, plus subsets of the mission and sample data of distinct lengths, so every channel's
 * figures (row count, segment sizes) are its own and a mixed-up answer is visible.
 */

export interface LoadDataset {
  readonly channel: string;
  readonly fileName: string;
  readonly csv: Buffer;
}

const SHARED = new URL('../../../shared/data/', import.meta.url);
const REPO = new URL('../../', import.meta.url);

function subset(csv: Buffer, rows: number, offset: number): Buffer {
  const lines = csv.toString('utf8').trim().split('\n');
  const body = lines.slice(1);
  const picked = Array.from({ length: rows }, (_, i) => body[(offset + i) % body.length]);
  return Buffer.from(`${[lines[0], ...picked].join('\n')}\n`);
}

export function loadDatasets(count = 20): LoadDataset[] {
  const mission = readFileSync(new URL('credit-card-customer-data.csv', SHARED));
  const mall = readFileSync(new URL('mall-customers.csv', SHARED));
  const sample = readFileSync(new URL('data/sample-customers.csv', REPO));
  const datasets: LoadDataset[] = [
    { channel: 'C0LOAD00', fileName: 'credit-card-customer-data.csv', csv: mission },
    { channel: 'C0LOAD01', fileName: 'mall-customers.csv', csv: mall },
    { channel: 'C0LOAD02', fileName: 'sample-customers.csv', csv: sample },
  ];
  for (let i = datasets.length; i < count; i++) {
    const base = i % 2 === 0 ? mission : sample;
    const rows = 240 + 17 * i;
    datasets.push({ channel: `C0LOAD${String(i).padStart(2, '0')}`, fileName: `${i % 2 === 0 ? 'mission' : 'sample'}-${rows}.csv`, csv: subset(base, rows, i * 11) });
  }
  return datasets;
}

/** What the bot should report for a dataset: the same analysis run directly. */
export async function directSegmentSizes(dataset: LoadDataset): Promise<{ rows: number; sizes: number[] }> {
  const table = ingestCsv(dataset.csv);
  const analysis = await runAnalysis({ table, options: analysisOptions(DEFAULT_SETTINGS, dataset.fileName) });
  return { rows: analysis.report.rowsUsed, sizes: analysis.report.segments.map((s) => s.size) };
}
