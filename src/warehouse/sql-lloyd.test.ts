import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lloydFromCenters } from '../analysis/kmeans/from-centers.js';
import { scaledTolerance } from '../analysis/kmeans/start.js';
import { createRng } from '../analysis/random.js';
import { dropSchema, requirePostgres, TEST_DATABASE_URL, uniqueName } from '../../test/helpers/services.js';
import { measureColumns } from './column-stats.js';
import { openPostgresSource } from './postgres.js';
import type { SqlRunner } from './runner.js';
import { lloydInSql } from './sql-lloyd.js';
import { profileClusters } from './analyze-table.js';
import { labelsSelectSql, type ScaledColumns, type TableRef } from './statements.js';

/*
 * K-Means pushed down to the real PostgreSQL gives what the in-memory path gives from the same
 * starting centres on the same rows: the same labels exactly, centroids within 1e-9 relative.
 */

const schema = uniqueName('sql_lloyd');
const ROWS = 3000;
let runner: SqlRunner;

/** Five seeded blobs in four columns: two decimals (double precision, numeric) and two whole numbers. */
function blobRows(seed: number): string[][] {
  const rng = createRng(seed);
  const centres = Array.from({ length: 5 }, () => [rng.next() * 100, rng.next() * 5000, rng.next() * 10, rng.next() * 20]);
  return Array.from({ length: ROWS }, (_, i) => {
    const c = centres[rng.int(5)];
    const noise = (scale: number): number => scale * (rng.next() + rng.next() - 1);
    return [
      String(i + 1),
      (c[0] + noise(8)).toFixed(3),
      (c[1] + noise(600)).toFixed(2),
      String(Math.max(0, Math.round(c[2] + noise(2)))),
      String(Math.max(0, Math.round(c[3] + noise(3)))),
    ];
  });
}

beforeAll(async () => {
  await requirePostgres();
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA "${schema}"`);
    await client.query(`CREATE TABLE "${schema}".customers (customer_id integer, balance double precision, "Credit Limit" numeric, cards integer, "visits ""online""" smallint)`);
    const rows = blobRows(7);
    for (let from = 0; from < rows.length; from += 500) {
      const chunk = rows.slice(from, from + 500);
      const placeholders = chunk.map((_, r) => `(${[1, 2, 3, 4, 5].map((c) => `$${r * 5 + c}`).join(', ')})`).join(', ');
      await client.query(`INSERT INTO "${schema}".customers VALUES ${placeholders}`, chunk.flat());
    }
  } finally {
    await client.end();
  }
  runner = await openPostgresSource({ url: TEST_DATABASE_URL, statementTimeoutMs: 30_000 });
});

afterAll(async () => {
  await runner?.close();
  await dropSchema(schema);
});

const table = (): TableRef => ({ schema, table: 'customers' });
const COLUMNS = ['balance', 'Credit Limit', 'cards', 'visits "online"'];

/** The table's rows in key order, filled and z-scored exactly as the statements do. */
async function scaledInMemory(features: ScaledColumns): Promise<Float64Array> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query<Record<string, string | number>>(`SELECT * FROM "${schema}".customers ORDER BY customer_id`);
    const data = new Float64Array(rows.length * COLUMNS.length);
    rows.forEach((row, i) => COLUMNS.forEach((c, j) => (data[i * COLUMNS.length + j] = (Number(row[c]) - features.mean[j]) / features.std[j])));
    return data;
  } finally {
    await client.end();
  }
}

async function labelsInSql(features: ScaledColumns, centres: Float64Array, k: number): Promise<Int32Array> {
  const identity = Array.from({ length: k }, (_, c) => c);
  const rows = await runner.query(`${labelsSelectSql(runner.dialect, features, centres, 'customer_id', identity)} ORDER BY 1`);
  return Int32Array.from(rows, (row) => Number(row.segment) - 1);
}

function expectClose(actual: Float64Array, expected: Float64Array): void {
  expect(actual.length).toBe(expected.length);
  for (let v = 0; v < expected.length; v++) {
    expect(Math.abs(actual[v] - expected[v])).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected[v])));
  }
}

describe('statistics in SQL', () => {
  it('fill a missing or non-finite cell with the column median and z-score the filled column, as a file is cleaned', async () => {
    const values = [4, null, 1, 'NaN', 9, 2, 'Infinity', 7, 3, 5];
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    try {
      await client.query(`CREATE TABLE "${schema}".gaps (a double precision, b integer)`);
      for (const [i, v] of values.entries()) await client.query(`INSERT INTO "${schema}".gaps VALUES ($1, $2)`, [v, i]);
    } finally {
      await client.end();
    }
    const stats = await measureColumns(runner, { schema, table: 'gaps' }, ['a', 'b'], [false, true]);
    // Usable a: 1 2 3 4 5 7 9 -> median 4; the three others are filled with it.
    const filled = [4, 4, 1, 4, 9, 2, 4, 7, 3, 5];
    const mean = filled.reduce((x, y) => x + y, 0) / filled.length;
    const variance = filled.reduce((x, y) => x + (y - mean) ** 2, 0) / filled.length;
    expect(stats).toMatchObject({ rowsIn: 10, rowsUsed: 10, valid: [7, 10] });
    expect(stats.scaled.fill[0]).toBe(4);
    expect(stats.quartiles[0]).toEqual([2.5, 4, 6]);
    expect(stats.scaled.mean[0]).toBeCloseTo(mean, 12);
    expect(stats.scaled.std[0]).toBeCloseTo(Math.sqrt(variance), 12);
    expect(stats.scaled.mean[1]).toBe(4.5);
  });
});

describe('K-Means as SQL statements on PostgreSQL', () => {
  it('from the same starting centres gives the in-memory labels exactly and centroids within 1e-9', async () => {
    const stats = await measureColumns(runner, table(), COLUMNS, [false, false, true, true]);
    expect(stats.rowsIn).toBe(ROWS);
    const z = await scaledInMemory(stats.scaled);
    const cols = COLUMNS.length;
    for (const k of [3, 5]) {
      const initial = new Float64Array(k * cols);
      for (let c = 0; c < k; c++) initial.set(z.subarray(c * 17 * cols, (c * 17 + 1) * cols), c * cols);
      const tol = scaledTolerance(z, ROWS, cols, 1e-4);
      const expected = lloydFromCenters(z, ROWS, cols, initial, 300, tol);
      const actual = await lloydInSql(runner, stats.scaled, initial, { tol });
      expect(actual.iterations).toBe(expected.iterations);
      expectClose(actual.centroids, expected.centroids);
      expect(await labelsInSql(stats.scaled, actual.centroids, k)).toEqual(expected.labels);
    }
  });

  it('breaks a tie between equally near centres towards the lower index and refills an emptied cluster, as in memory', async () => {
    const stats = await measureColumns(runner, table(), COLUMNS, [false, false, true, true]);
    const z = await scaledInMemory(stats.scaled);
    const cols = COLUMNS.length;
    // Centre 2 repeats centre 0: every row ties between them, goes to 0, and cluster 2 starts empty.
    const initial = new Float64Array(3 * cols);
    initial.set(z.subarray(0, cols), 0);
    initial.set(z.subarray(40 * cols, 41 * cols), cols);
    initial.set(z.subarray(0, cols), 2 * cols);
    const tol = scaledTolerance(z, ROWS, cols, 1e-4);
    const expected = lloydFromCenters(z, ROWS, cols, initial, 300, tol);
    const actual = await lloydInSql(runner, stats.scaled, initial, { tol });
    expectClose(actual.centroids, expected.centroids);
    expect(await labelsInSql(stats.scaled, actual.centroids, 3)).toEqual(expected.labels);
  });

  it('refuses, in one sentence, final centres that leave a segment without customers', async () => {
    const stats = await measureColumns(runner, table(), COLUMNS, [false, false, true, true]);
    const z = await scaledInMemory(stats.scaled);
    const cols = COLUMNS.length;
    const distinct = new Float64Array(2 * cols);
    distinct.set(z.subarray(0, cols), 0);
    distinct.set(z.subarray(40 * cols, 41 * cols), cols);
    expect((await profileClusters(runner, stats.scaled, distinct)).map((r) => Number(r.size)).reduce((a, b) => a + b, 0)).toBe(ROWS);
    // A third centre equal to the first: every row ties, goes to the lower index, and segment 3 has nobody.
    const coinciding = new Float64Array(3 * cols);
    coinciding.set(distinct, 0);
    coinciding.set(z.subarray(0, cols), 2 * cols);
    await expect(profileClusters(runner, stats.scaled, coinciding)).rejects.toMatchObject({
      code: 'empty-segment',
      message: `K-Means as SQL left 1 segment of 3 without customers when every row of ${schema}.customers was assigned to the final centres; choose fewer segments.`,
    });
  });
});
