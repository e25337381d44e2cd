import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makeSampleCsv, SAMPLE_PATH, SAMPLE_SEED } from './make-sample.js';
import { ingestCsv, ingestFile } from '../src/data/ingest.js';

describe('data/sample-customers.csv', () => {
  it('is exactly what the seeded generator writes', () => {
    expect(makeSampleCsv(SAMPLE_SEED)).toBe(readFileSync(SAMPLE_PATH, 'utf8'));
  });

  it('changes with the seed', () => {
    expect(makeSampleCsv(SAMPLE_SEED + 1)).not.toBe(makeSampleCsv(SAMPLE_SEED));
  });

  it('has the mission columns and whole-number values, credit limits in thousands', () => {
    const [header, ...rows] = readFileSync(SAMPLE_PATH, 'utf8').trimEnd().split('\n');
    expect(header).toBe('Sl_No,Customer Key,Avg_Credit_Limit,Total_Credit_Cards,Total_visits_bank,Total_visits_online,Total_calls_made');
    expect(rows).toHaveLength(660);
    for (const row of rows) {
      const cells = row.split(',').map(Number);
      expect(cells.every(Number.isInteger)).toBe(true);
      expect(cells[2] % 1000).toBe(0);
    }
  });

  it('gives the cleaning steps work: exact duplicate rows dropped, repeated keys flagged', async () => {
    const table = await ingestFile(SAMPLE_PATH);
    expect(table.cleaning.rowsIn).toBe(660);
    expect(table.cleaning.exactDuplicatesDropped).toBe(4);
    expect(table.cleaning.duplicateIdentifiers).toMatchObject({ column: 'Customer Key', repeatedValues: 4, rowsInvolved: 8 });
    expect(table.cleaning.rowsUsed).toBe(656);
    expect(table.features).toEqual([
      'Avg_Credit_Limit',
      'Total_Credit_Cards',
      'Total_visits_bank',
      'Total_visits_online',
      'Total_calls_made',
    ]);
    expect(table.cleaning.featureDuplicates.rows).toBeGreaterThan(0);
  });

  it('holds three behaviour groups like the mission data (phone-heavy, branch, digital high value)', () => {
    const table = ingestCsv(readFileSync(SAMPLE_PATH));
    const { data, cols, rows } = table.matrix;
    let digital = 0;
    let phone = 0;
    for (let i = 0; i < rows; i++) {
      const [limit, , , online, calls] = data.subarray(i * cols, (i + 1) * cols);
      if (limit >= 75000 && online >= 6) digital++;
      if (limit <= 30000 && calls >= 3) phone++;
    }
    expect(digital).toBeGreaterThanOrEqual(45);
    expect(digital).toBeLessThanOrEqual(60);
    expect(phone).toBeGreaterThan(150);
  });
});
