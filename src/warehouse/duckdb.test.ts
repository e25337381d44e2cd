import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeFile } from '../analysis/pipeline.js';
import type { AnalysisReport } from '../analysis/report.js';
import { MISSION_CSV } from '../../test/helpers/shared.js';
import { analyzeTable } from './analyze-table.js';
import { DUCKDB_TABLE, openDuckdbSource } from './duckdb.js';

/* A file segmented where it lies by the embedded DuckDB gives the in-memory file path's segments. */

let dir: string;
let parquet: string;
let fromFile: AnalysisReport;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'duckdb-source-'));
  parquet = join(dir, 'customers.parquet');
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run(`COPY (SELECT * FROM read_csv('${MISSION_CSV}')) TO '${parquet}' (FORMAT parquet)`);
  connection.closeSync();
  instance.closeSync();
  fromFile = (await analyzeFile(MISSION_CSV, { k: 3, algorithm: 'kmeans' })).report;
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a CSV or Parquet file read through DuckDB', () => {
  for (const kind of ['csv', 'parquet'] as const) {
    it(`${kind}: gives the sizes, names and means of the file read into memory`, async () => {
      const runner = await openDuckdbSource(kind === 'csv' ? MISSION_CSV : parquet);
      try {
        const report = (await analyzeTable(runner, DUCKDB_TABLE, { k: 3 })).report;
        expect(report.pushdown?.engine).toBe('duckdb');
        expect(report.models.kmeans?.sizes).toEqual(fromFile.models.kmeans?.sizes);
        expect(report.segments.map((s) => s.name)).toEqual(fromFile.segments.map((s) => s.name));
        report.segments.forEach((s, i) => {
          for (const f of report.features) expect(s.mean[f]).toBeCloseTo(fromFile.segments[i].mean[f], 9);
        });
      } finally {
        await runner.close();
      }
    });
  }

  it('refuses a file that is neither Parquet nor CSV in one sentence', async () => {
    await expect(openDuckdbSource(join(dir, 'customers.xlsx'))).rejects.toMatchObject({ code: 'source-kind' });
  });
});
