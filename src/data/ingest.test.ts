import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ingestCsv, ingestFile } from './ingest.js';
import { InputError } from '../common/errors.js';
import { CleaningReportSchema, type CleanTable } from './schema.js';
import { CC_GENERAL_CSV, MALL_CSV, MISSION_CSV } from '../../test/helpers/shared.js';

const BEHAVIOUR = ['Avg_Credit_Limit', 'Total_Credit_Cards', 'Total_visits_bank', 'Total_visits_online', 'Total_calls_made'];

const mission = await ingestFile(MISSION_CSV);
const missionNotebook = await ingestFile(MISSION_CSV, { dedupeFeatures: true });
const ccGeneral = await ingestFile(CC_GENERAL_CSV);
const mall = await ingestFile(MALL_CSV);

function roleOf(table: CleanTable, name: string): string | undefined {
  return table.columns.find((c) => c.name === name)?.role;
}

function column(table: CleanTable, name: string): number[] {
  const f = table.features.indexOf(name);
  return Array.from({ length: table.matrix.rows }, (_, i) => table.matrix.data[i * table.matrix.cols + f]);
}

describe('mission data (credit-card-customer-data.csv)', () => {
  const table = mission;
  const notebook = missionNotebook;

  it('keeps every customer by default and reports a valid cleaning report', () => {
    expect(CleaningReportSchema.parse(table.cleaning)).toBeTruthy();
    expect(table.cleaning.rowsIn).toBe(660);
    expect(table.cleaning.rowsUsed).toBe(660);
    expect(table.matrix.rows).toBe(660);
    expect(table.matrix.cols).toBe(5);
    expect(table.rowIds).toHaveLength(660);
    expect(table.cleaning.exactDuplicatesDropped).toBe(0);
  });

  it('uses exactly the five behaviour columns and treats Sl_No and Customer Key as identifiers', () => {
    expect(table.features).toEqual(BEHAVIOUR);
    expect(roleOf(table, 'Sl_No')).toBe('identifier');
    expect(roleOf(table, 'Customer Key')).toBe('identifier');
    expect(table.idColumn).toBe('Customer Key');
    expect(table.rowIds.slice(0, 3)).toEqual(['87073', '38414', '17341']);
    expect(table.cleaning.notFeatures.map((n) => n.column)).toEqual(['Sl_No', 'Customer Key']);
  });

  it('flags the 5 repeated Customer Key values and keeps their rows', () => {
    const ids = table.cleaning.duplicateIdentifiers;
    expect(ids.column).toBe('Customer Key');
    expect(ids.repeatedValues).toBe(5);
    expect(ids.rowsInvolved).toBe(10);
    expect(ids.examples).toContain('47437');
    expect(table.rowIds.filter((id) => id === '47437')).toHaveLength(2);
  });

  it('reports the 11 rows repeating on the features, kept by default, dropped with dedupeFeatures (660 -> 649)', () => {
    expect(table.cleaning.featureDuplicates).toEqual({ rows: 11, dropped: false });
    expect(notebook.cleaning.featureDuplicates).toEqual({ rows: 11, dropped: true });
    expect(notebook.cleaning.rowsUsed).toBe(649);
    expect(notebook.matrix.rows).toBe(649);
    expect(notebook.rowIds).toHaveLength(649);
  });

  it('imputes nothing and keeps the original values in original units', () => {
    expect(table.cleaning.imputed).toEqual({});
    expect(table.cleaning.rowsDroppedMostlyMissing).toBe(0);
    expect(Array.from(table.matrix.data.subarray(0, 5))).toEqual([100000, 2, 1, 1, 0]);
  });

  it('matches the notebook skew (credit limit 2.19, online visits 2.21 on 649 rows) and suggests logs for them', () => {
    expect(notebook.cleaning.skew.Avg_Credit_Limit).toBeCloseTo(2.19, 2);
    expect(notebook.cleaning.skew.Total_visits_online).toBeCloseTo(2.21, 2);
    expect(notebook.cleaning.skew.Total_calls_made).toBeCloseTo(0.66, 2);
    expect(table.cleaning.skew.Avg_Credit_Limit).toBeCloseTo(2.2, 1);
    expect(table.cleaning.logSuggested).toEqual(['Avg_Credit_Limit', 'Total_visits_online']);
  });

  it('flags IQR outliers without dropping them', () => {
    expect(table.cleaning.outliers.Avg_Credit_Limit).toBeGreaterThan(0);
    expect(table.cleaning.outliers.Total_Credit_Cards).toBe(0);
    expect(table.cleaning.rowsUsed).toBe(660);
  });
});

describe('cc-general.csv', () => {
  const table = ccGeneral;

  it('uses the string customer_id as identifier and the 17 numeric columns as features', () => {
    expect(table.idColumn).toBe('customer_id');
    expect(roleOf(table, 'customer_id')).toBe('identifier');
    expect(table.features).toHaveLength(17);
    expect(table.features).toContain('balance');
    expect(table.rowIds[0]).toBe('C10001');
  });

  it('imputes 1 credit_limit and 313 minimum_payment cells (314 in all) and keeps all 8,950 rows', () => {
    expect(table.cleaning.imputed.credit_limit).toMatchObject({ missing: 1, nonNumeric: 0, nonFinite: 0 });
    expect(table.cleaning.imputed.minimum_payment).toMatchObject({ missing: 313, nonNumeric: 0, nonFinite: 0 });
    const total = Object.values(table.cleaning.imputed).reduce((s, c) => s + c.missing + c.nonNumeric + c.nonFinite, 0);
    expect(total).toBe(314);
    expect(table.cleaning.rowsUsed).toBe(8950);
    expect(table.matrix.data.every(Number.isFinite)).toBe(true);
  });

  it('fills with the median of the valid values', () => {
    const median = table.cleaning.imputed.minimum_payment.median;
    // C10004 has no minimum_payment in the file.
    const row = table.rowIds.indexOf('C10004');
    expect(column(table, 'minimum_payment')[row]).toBe(median);
    expect(table.cleaning.imputed.credit_limit.median).toBe(3000);
  });

  it('treats balance, whose values are almost all distinct floats, as a feature', () => {
    const balance = table.columns.find((c) => c.name === 'balance');
    expect(balance?.role).toBe('feature');
    expect(balance?.distinct).toBeGreaterThan(8000);
  });
});

describe('mall-customers.csv', () => {
  const table = mall;

  it('uses CustomerID as identifier, Gender as categorical, three numeric features', () => {
    expect(table.idColumn).toBe('CustomerID');
    expect(roleOf(table, 'Gender')).toBe('categorical');
    expect(table.features).toEqual(['Age', 'Annual Income (k$)', 'Spending Score (1-100)']);
  });

  it('keeps Gender per used row for profiling', () => {
    const gender = table.categorical.find((c) => c.name === 'Gender');
    expect(gender?.values).toHaveLength(table.cleaning.rowsUsed);
    expect(new Set(gender?.values)).toEqual(new Set(['Male', 'Female']));
    expect(gender?.values.slice(0, 3)).toEqual(['Male', 'Male', 'Female']);
  });

  it('counts the 23 empty cells per column (Age 10, Spending Score 13) and drops no row', () => {
    // Counted from the file: no row misses 2 or more of its 3 features, so none is dropped.
    expect(table.cleaning.imputed).toEqual({
      Age: expect.objectContaining({ missing: 10, nonNumeric: 0, nonFinite: 0 }),
      'Spending Score (1-100)': expect.objectContaining({ missing: 13, nonNumeric: 0, nonFinite: 0 }),
    });
    expect(table.cleaning.rowsDroppedMostlyMissing).toBe(0);
    expect(table.cleaning.rowsUsed).toBe(200);
  });
});

describe('feature override (options.features)', () => {
  const csv = [
    'id,limit,cards,calls,segment',
    ...Array.from({ length: 12 }, (_, i) => `${100 + i * 3},${1000 * (i + 1)},${(i % 4) + 1},${(i * 7) % 10},${i % 2 ? 'A' : 'B'}`),
  ].join('\n');

  it('uses exactly the chosen columns, in the given order, and marks other numeric columns excluded', () => {
    const table = ingestCsv(csv, { features: ['calls', 'limit'] });
    expect(table.features).toEqual(['calls', 'limit']);
    expect(roleOf(table, 'cards')).toBe('excluded');
    expect(table.cleaning.notFeatures).toContainEqual({ column: 'cards', reason: expect.stringContaining('not in the feature list') });
    expect(table.matrix.data[0]).toBe(0);
    expect(table.matrix.data[1]).toBe(1000);
  });

  it('matches names ignoring case', () => {
    expect(ingestCsv(csv, { features: ['CALLS', 'Limit'] }).features).toEqual(['calls', 'limit']);
  });

  it('names the valid columns when a requested one does not exist', () => {
    expect(() => ingestCsv(csv, { features: ['calls', 'income'] })).toThrowError(
      /no column named "income"; the numeric columns are "id", "limit", "cards" and "calls"/,
    );
  });

  it('refuses a text column with the reason', () => {
    try {
      ingestCsv(csv, { features: ['segment', 'calls'] });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).code).toBe('not-numeric-feature');
      expect((error as InputError).message).toContain('"segment" cannot be a feature');
    }
  });

  it('enforces minFeatures on the chosen list', () => {
    expect(() => ingestCsv(csv, { features: ['calls'] })).toThrowError(/at least 2 \(setting minFeatures\)/);
  });
});

describe('ingestFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ingest-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('checks the size before reading and names the setting', async () => {
    const path = join(dir, 'big.csv');
    writeFileSync(path, 'a,b\n'.repeat(300));
    await expect(ingestFile(path, { limits: { maxFileBytes: 1000 } })).rejects.toMatchObject({
      code: 'file-too-large',
      message: expect.stringContaining('(setting maxFileBytes)'),
    });
  });

  it('turns a missing path into an InputError', async () => {
    await expect(ingestFile(join(dir, 'nope.csv'))).rejects.toMatchObject({ name: 'InputError', code: 'not-found' });
  });

  it('refuses a folder', async () => {
    await expect(ingestFile(dir)).rejects.toMatchObject({ code: 'not-a-file' });
  });
});
