import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { MISSION_CSV } from '../../test/helpers/shared.js';
import { runCliCaptured } from '../../test/helpers/cli.js';

/** Runs one command in this process; its exit code, stdout and stderr. */
async function cli(argv: readonly string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const { code, out, err } = await runCliCaptured(argv, env);
  return { code, stdout: out, stderr: err };
}

describe('analyze --source', () => {
  it('segments a file through DuckDB with --source duckdb:path, and does so for a CSV above MAX_UPLOAD_MB instead of refusing it', async () => {
    const named = await cli(['analyze', '--source', `duckdb:${MISSION_CSV}`, '--k', '3', '--algorithm', 'kmeans', '--json']);
    expect(named.code).toBe(0);
    const report = JSON.parse(named.stdout);
    expect(report.pushdown.engine).toBe('duckdb');
    expect(report.models.kmeans.sizes).toEqual([386, 224, 50]);
    // The mission CSV is about 16 KB: with a 10 KB limit it is read where it lies rather than refused.
    const large = await cli(['analyze', MISSION_CSV, '--k', '3', '--algorithm', 'kmeans', '--json'], { MAX_UPLOAD_MB: '0.01' });
    expect(large.code).toBe(0);
    expect(JSON.parse(large.stdout).pushdown.engine).toBe('duckdb');
  });

  it('has DuckDB write a file’s labels to a new Parquet or CSV file beside it, one row per customer, and never replaces one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'duckdb-labels-'));
    try {
      for (const name of ['labels.parquet', 'labels.csv']) {
        const path = join(dir, name);
        const run = await cli(['analyze', '--source', `duckdb:${MISSION_CSV}`, '--k', '3', '--algorithm', 'kmeans', '--json', '--write-labels', path]);
        expect(run.code).toBe(0);
        const { labelsTable } = JSON.parse(run.stdout);
        expect(labelsTable).toMatchObject({ name: path, rows: 660 });
        const instance = await DuckDBInstance.create(':memory:');
        const connection = await instance.connect();
        const sizes = (await connection.runAndReadAll(`SELECT segment, count(*)::INTEGER AS n FROM '${path}' GROUP BY segment ORDER BY segment`)).getRowObjectsJS();
        // Every customer row finds its segment through the query the reply gives (Sl_No numbers the rows).
        const joined = (await connection.runAndReadAll(`SELECT count(DISTINCT "Sl_No")::INTEGER AS n FROM (${labelsTable.query})`)).getRowObjectsJS();
        connection.closeSync();
        instance.closeSync();
        expect(sizes.map((r) => r.n)).toEqual([386, 224, 50]);
        expect(joined[0].n).toBe(660);
        const again = await cli(['analyze', '--source', `duckdb:${MISSION_CSV}`, '--k', '3', '--algorithm', 'kmeans', '--write-labels', path]);
        expect(again).toMatchObject({ code: 2, stderr: expect.stringContaining('already exists; name a new file for the labels') });
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a customer CSV export of a warehouse table, and a warehouse source without --table, in one line', async () => {
    const exported = await cli(['analyze', '--source', 'postgres://ro@127.0.0.1:1/none', '--table', 'crm.customers', '--labels', 'out.csv']);
    expect(exported).toMatchObject({ code: 2, stderr: expect.stringMatching(/^error: Customer rows stay in the warehouse/) });
    const untabled = await cli(['analyze', '--source', 'postgres://ro@127.0.0.1:1/none']);
    expect(untabled).toMatchObject({ code: 2, stderr: expect.stringMatching(/^error: Name both --source and --table/) });
  });
});
