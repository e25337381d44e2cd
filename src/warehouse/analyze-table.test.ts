import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeFile } from '../analysis/pipeline.js';
import { dropSchema, requirePostgres, TEST_DATABASE_URL, uniqueName } from '../../test/helpers/services.js';
import { MISSION_CSV } from '../../test/helpers/shared.js';
import { loadMissionTable } from '../../test/helpers/mission-table.js';
import { analyzeTable } from './analyze-table.js';
import { writeLabelsTable } from './labels.js';
import { openPostgresSource } from './postgres.js';
import type { SqlRunner } from './runner.js';

/*
 * The mission's 660 customers loaded into the real PostgreSQL: the table analysed where it lives
 * gives the report the file gives, and its labels stay next to it.
 */

const schema = uniqueName('warehouse');
let runner: SqlRunner;

async function withClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  await requirePostgres();
  await loadMissionTable(schema);
  runner = await openPostgresSource({ url: TEST_DATABASE_URL, statementTimeoutMs: 30_000 });
});

afterAll(async () => {
  await runner?.close();
  await dropSchema(schema);
});

describe('a table analysed where it lives', () => {
  it('gives the report of the same rows read from a file: sizes, profiles, names, the scaler', async () => {
    const fromFile = (await analyzeFile(MISSION_CSV, { k: 3, algorithm: 'kmeans' })).report;
    const analysis = await analyzeTable(runner, { schema, table: 'customers' }, { k: 3 });
    const report = analysis.report;
    expect(report.rowsUsed).toBe(660);
    expect(report.features).toEqual(fromFile.features);
    expect(report.models.kmeans?.sizes).toEqual(fromFile.models.kmeans?.sizes);
    expect(report.models.kmeans?.inertia).toBeCloseTo(fromFile.models.kmeans?.inertia ?? NaN, 6);
    report.scaler.std.forEach((s, j) => expect(s).toBeCloseTo(fromFile.scaler.std[j], 9));
    report.segments.forEach((segment, s) => {
      const expected = fromFile.segments[s];
      expect(segment.name).toBe(expected.name);
      expect(segment.share).toBeCloseTo(expected.share, 12);
      for (const f of report.features) {
        expect(segment.mean[f]).toBeCloseTo(expected.mean[f], 9);
        expect(segment.std[f]).toBeCloseTo(expected.std[f], 9);
        expect(segment.max[f]).toBe(expected.max[f]);
      }
    });
    expect(report.pushdown).toMatchObject({ engine: 'postgres', schema, table: 'customers', keyColumn: 'Customer Key' });
    // The quartiles of the 660 credit limits, as pandas' quantile (linear interpolation) gives them.
    expect(report.pushdown?.quartiles[0]).toEqual([10000, 18000, 48000]);
    // A fixed k does not pay for the evidence for k.
    expect(report.kSelection.gathered).toBe(false);
    expect(report.kSelection.reasons.at(-1)).toMatch(/K-Means fit at k = 3 ran as SQL on all 660 rows/);
  });

  it('gathers the evidence for a fixed k on the sample only when asked', async () => {
    const report = (await analyzeTable(runner, { schema, table: 'customers' }, { k: 3, evidence: true })).report;
    expect(report.kSelection.gathered).not.toBe(false);
    expect(report.kSelection.byK.length).toBeGreaterThan(0);
    expect(report.kSelection.reasons.at(-1)).toMatch(/evidence for k comes from a seeded sample of 660 rows; the final K-Means fit at k = 3 ran as SQL on all 660 rows/);
  });

  it('writes the labels as a new table, one row per customer, and never replaces an existing one', async () => {
    const analysis = await analyzeTable(runner, { schema, table: 'customers' }, { k: 3 });
    const labels = await writeLabelsTable(runner, analysis.report, { schema, table: 'segments' });
    expect(labels).toMatchObject({ name: `${schema}.segments`, rows: 660 });
    const counts = await withClient(async (client) => {
      const { rows } = await client.query(`SELECT segment, count(*)::int AS n FROM "${schema}".segments GROUP BY segment ORDER BY segment`);
      // The query the reply gives runs as written (the mission's file repeats five customer keys, so it joins more rows).
      expect((await client.query(labels.query)).rows.length).toBeGreaterThanOrEqual(660);
      return rows.map((r) => r.n);
    });
    expect(counts).toEqual(analysis.report.models.kmeans?.sizes);
    await expect(writeLabelsTable(runner, analysis.report, { schema, table: 'customers' })).rejects.toMatchObject({ code: 'labels-table-exists' });
  });

  it('refuses a table the catalogue does not have, in one sentence', async () => {
    await expect(analyzeTable(runner, { schema, table: 'customers"; DROP TABLE x; --' })).rejects.toMatchObject({
      code: 'no-such-table',
      message: expect.stringMatching(/^The source has no table .*\.$/),
    });
  });
});

describe('statements on a PostgreSQL source', () => {
  it('stop at the statement timeout with a sentence naming the setting', async () => {
    const short = await openPostgresSource({ url: TEST_DATABASE_URL, statementTimeoutMs: 100 });
    try {
      await expect(short.query('SELECT pg_sleep(20)')).rejects.toMatchObject({ code: 'statement-timeout', message: expect.stringContaining('STATEMENT_TIMEOUT_SECONDS') });
    } finally {
      await short.close();
    }
  });

  it('are cancelled on the server when the analysis is cancelled', async () => {
    const controller = new AbortController();
    const marker = `/* ${uniqueName('cancel')} */`;
    const running = runner.query(`SELECT pg_sleep(60) ${marker}`, controller.signal);
    running.catch(() => undefined);
    const active = (): Promise<number> =>
      withClient(async (client) => (await client.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE state = 'active' AND query LIKE $1`, [`%${marker}%`])).rows[0].n);
    while ((await active()) === 0) await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    await expect(running).rejects.toMatchObject({ code: 'cancelled' });
    expect(await active()).toBe(0);
  });
});

describe('a view analysed where it lives', () => {
  beforeAll(async () => {
    await withClient((client) => client.query(`CREATE VIEW "${schema}".customers_view AS SELECT * FROM "${schema}".customers`));
  });

  it('reads a view no larger than the sample whole (PostgreSQL refuses TABLESAMPLE on views)', async () => {
    const fromTable = (await analyzeTable(runner, { schema, table: 'customers' }, { k: 3 })).report;
    const fromView = (await analyzeTable(runner, { schema, table: 'customers_view' }, { k: 3 })).report;
    expect(fromView.rowsUsed).toBe(660);
    expect(fromView.models.kmeans?.sizes).toEqual(fromTable.models.kmeans?.sizes);
  });

  it('says to use a materialized view when a view is larger than the sample', async () => {
    // https://www.postgresql.org/docs/current/sql-select.html: TABLESAMPLE applies to tables and materialized views only.
    await expect(analyzeTable(runner, { schema, table: 'customers_view' }, { k: 3, sampleRows: 200 })).rejects.toMatchObject({
      code: 'view-not-sampled',
      message: expect.stringMatching(/materialized view/),
    });
  });
});
