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
