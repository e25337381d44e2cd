import { readFileSync } from 'node:fs';
import pg from 'pg';
import { TEST_DATABASE_URL } from './services.js';
import { MISSION_CSV } from './shared.js';

/** The mission's 660 customers as `<schema>.customers` in the test PostgreSQL (integer columns, names as in the file). */
export async function loadMissionTable(schema: string): Promise<void> {
  const [header, ...lines] = readFileSync(MISSION_CSV, 'utf8').trim().split(/\r?\n/);
  const names = header.split(',');
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA "${schema}"`);
    await client.query(`CREATE TABLE "${schema}".customers (${names.map((n) => `"${n}" integer`).join(', ')})`);
    const rows = lines.map((line) => line.split(','));
    const placeholders = rows.map((_, r) => `(${names.map((_, c) => `$${r * names.length + c + 1}`).join(', ')})`).join(', ');
    await client.query(`INSERT INTO "${schema}".customers VALUES ${placeholders}`, rows.flat());
  } finally {
    await client.end();
  }
}

/** Runs one statement on the test server and returns its rows. */
export async function testQuery<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** `<schema>.slow`: `<schema>.customers` as a view that takes about 33 s to read (50 ms a row), so an analysis of it can be cancelled mid-statement. */
export async function createSlowView(schema: string): Promise<void> {
  // A volatile call in the filter runs for every row (a join to it would run it once).
  await testQuery(`CREATE VIEW "${schema}".slow AS SELECT c.* FROM "${schema}".customers c WHERE pg_sleep(0.05) IS NOT NULL`);
}

/** How many statements reading `<schema>.slow` are running on the server now. */
export async function slowQueriesRunning(schema: string): Promise<number> {
  const [row] = await testQuery<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE state = 'active' AND query LIKE $1`, [`%"${schema}"."slow"%`]);
  return row.n;
}

/**
 * Resolves once a statement reading `<schema>.slow` runs on the server; rejects, saying why, if
 * `work` (the analysis expected to run it) ends first, so a test never waits for a query that
 * will not come.
 */
export async function untilSlowQueryRuns(schema: string, work: Promise<unknown>, why: () => string): Promise<void> {
  let ended = false;
  work.then(
    () => (ended = true),
    () => (ended = true),
  );
  while ((await slowQueriesRunning(schema)) === 0) {
    if (ended) throw new Error(`The analysis ended before its query on ${schema}.slow ran: ${why()}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
