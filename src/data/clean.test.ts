import { describe, expect, it } from 'vitest';
import { hashCellRow, markRepeats } from './duplicates.js';
import { TextColumn } from './text-column.js';
import { ingestCsv } from './ingest.js';
import { inferRole, looksLikeIdentifierName, type ColumnProfile } from './roles.js';
import { CleaningReportSchema, type CleanTable } from './schema.js';
import { countOutliers, iqrFences, medianSorted, quantileSorted, skewness } from './stats.js';

function table(header: string, rows: readonly string[]): CleanTable {
  return ingestCsv([header, ...rows].join('\n'));
}

function featureValues(t: CleanTable, name: string): number[] {
  const f = t.features.indexOf(name);
  return Array.from({ length: t.matrix.rows }, (_, i) => t.matrix.data[i * t.matrix.cols + f]);
}

/** 12 distinct customers: limit, cards, calls. */
const BASE = Array.from({ length: 12 }, (_, i) => [2000 + ((i * 7919) % 97) * 100, (i % 5) + 1, (i * 3) % 11]);

describe('identifier names', () => {
  it.each(['Sl_No', 'Customer Key', 'customer_id', 'CustomerID', 'ID', 'id_number', 'Account Number', 'Serial', 'Unnamed: 0', 'index', 'client uuid'])(
    '%s is an identifier name',
    (name) => expect(looksLikeIdentifierName(name)).toBe(true),
  );

  it.each(['Total_Credit_Cards', 'Number of cards', 'Avg_Credit_Limit', 'paid_amount', 'Annual Income (k$)', 'Spending Score (1-100)', 'keyword_count', 'Android visits', 'price_index'])(
    '%s is not an identifier name',
    (name) => expect(looksLikeIdentifierName(name)).toBe(false),
  );
});

describe('column roles from profiles', () => {
  const base: ColumnProfile = {
    name: 'x',
    rows: 100,
    valid: 100,
    missing: 0,
    nonNumeric: 0,
    nonFinite: 0,
    distinctNumbers: 100,
    running: false,
    distinctTexts: 0,
  };

  it('a float column with every value distinct is a feature, not an identifier', () => {
    expect(inferRole({ ...base, name: 'balance' }).info.role).toBe('feature');
  });

  it('an integer column with distinct values that is neither named nor running is a feature', () => {
    expect(inferRole({ ...base, name: 'purchases_trx' }).info.role).toBe('feature');
  });

  it('a running integer sequence is an identifier even without an id-like name', () => {
    const decision = inferRole({ ...base, name: 'entry', running: true });
    expect(decision.info.role).toBe('identifier');
    expect(decision.rowCounter).toBe(true);
  });

  it('an id-like name makes an identifier even with repeated values', () => {
    expect(inferRole({ ...base, name: 'Customer Key', distinctNumbers: 95 }).info).toMatchObject({
      role: 'identifier',
      reason: 'named like an identifier',
      distinct: 95,
    });
  });

  it('text columns: unique -> identifier, few values -> categorical, many -> free text, one -> constant', () => {
    const text = { ...base, valid: 0, nonNumeric: 100, distinctNumbers: 0 };
    expect(inferRole({ ...text, name: 'name', distinctTexts: 100 }).info.role).toBe('identifier');
    expect(inferRole({ ...text, name: 'Gender', distinctTexts: 2 }).info.role).toBe('categorical');
    expect(inferRole({ ...text, name: 'comment', distinctTexts: 70 }).info.role).toBe('text');
    expect(inferRole({ ...text, name: 'country', distinctTexts: 1 }).info.role).toBe('constant');
  });

  it('a numeric column that is mostly unusable is not a feature and says why', () => {
    const decision = inferRole({ ...base, name: 'income', valid: 40, missing: 55, nonNumeric: 5, distinctNumbers: 40 });
    expect(decision.info.role).toBe('text');
    expect(decision.notFeatureReason).toBe('mostly empty or not a number (60 of 100 cells)');
  });

  it('a column with one value, or none, is constant', () => {
    expect(inferRole({ ...base, distinctNumbers: 1 }).info.role).toBe('constant');
    expect(inferRole({ ...base, valid: 0, missing: 100, distinctNumbers: 0 }).info).toMatchObject({
      role: 'constant',
      reason: 'empty on every row',
    });
  });
});

describe('statistics match numpy and pandas', () => {
  it('quantiles interpolate linearly', () => {
    expect(quantileSorted(Float64Array.of(1, 2, 3, 4), 0.25)).toBe(1.75);
    expect(quantileSorted(Float64Array.of(1, 2, 3, 4, 10), 0.75)).toBe(4);
    expect(medianSorted(Float64Array.of(1, 2, 3, 4))).toBe(2.5);
  });

  it('skewness is the bias-corrected Fisher-Pearson coefficient', () => {
    // n sqrt(n-1)/(n-2) * m3 / m2^1.5 with m2 = 50, m3 = 180 for [1, 2, 3, 10].
    expect(skewness(Float64Array.of(1, 2, 3, 10))).toBeCloseTo((4 * Math.sqrt(3) * 180) / (2 * 50 ** 1.5), 12);
    expect(skewness(Float64Array.of(1, 2, 3, 10))).toBeCloseTo(1.763633, 5);
    expect(skewness(Float64Array.of(5, 5, 5, 5))).toBe(0);
    expect(skewness(Float64Array.of(1, 2))).toBe(0);
  });

  it('skewness does not depend on scale, even near the largest doubles', () => {
    const small = Float64Array.of(1, 2, 3, 10);
    expect(skewness(small.map((v) => v * 1e300))).toBeCloseTo(skewness(small), 10);
  });

  it('outliers lie outside Q1 - 1.5 IQR .. Q3 + 1.5 IQR', () => {
    const sorted = Float64Array.of(-50, 1, 2, 3, 4, 5, 100);
    expect(iqrFences(sorted)).toEqual({ q1: 1.5, q3: 4.5, low: -3, high: 9 });
    expect(countOutliers(sorted)).toBe(2);
  });
});

describe('duplicate detection by hashing', () => {
  it('finds repeats even when every hash collides', () => {
    const rows = ['a', 'b', 'a', 'c', 'b', 'a'];
    const flags = markRepeats(rows.length, () => 0, (x, y) => rows[x] === rows[y]);
    expect(Array.from(flags)).toEqual([0, 0, 1, 0, 1, 1]);
  });

  it('hashes cell boundaries, so ("ab", "c") and ("a", "bc") differ', () => {
    const hashes = (...columns: string[][]) => columns.map((column) => TextColumn.fromStrings(column).hashes);
    expect(hashCellRow(hashes(['ab'], ['c']), 0)).not.toBe(hashCellRow(hashes(['a'], ['bc']), 0));
  });
});

describe('cleaning steps, in order', () => {
  // Row 2 repeats row 1 exactly; row 3 misses 2 of 3 features; row 4 misses calls;
  // rows 5 and 6 share their figures with different ids; row 7 becomes a copy of row 8 once imputed.
  const rows = [
    'C1,5000,2,7',
    'C1,5000,2,7',
    'C3,,NA,4',
    'C4,9000,3,',
    'C5,12000,4,1',
    'C6,12000,4,1',
    'C7,15000,5,',
    'C8,15000,5,4',
    ...BASE.map((r, i) => `D${i},${r.join(',')}`),
  ];

  function build(dedupeFeatures: boolean): CleanTable {
    return ingestCsv(['id,limit,cards,calls', ...rows].join('\n'), { dedupeFeatures });
  }

  // Valid calls after the two drops: 7, 1, 1, 4 and BASE's 0 3 6 9 1 4 7 10 2 5 8 0: median 4.
  const median = 4;

  it('drops exact duplicates, then rows missing most features, then imputes, then counts feature repeats', () => {
    const t = build(false);
    expect(CleaningReportSchema.parse(t.cleaning)).toBeTruthy();
    expect(t.cleaning.rowsIn).toBe(20);
    expect(t.cleaning.exactDuplicatesDropped).toBe(1);
    expect(t.cleaning.rowsDroppedMostlyMissing).toBe(1);
    expect(t.cleaning.imputed.calls).toEqual({ missing: 2, nonNumeric: 0, nonFinite: 0, median });
    // C5/C6 repeat on features; C7 (imputed) repeats C8 only because imputation ran first.
    expect(t.cleaning.featureDuplicates).toEqual({ rows: 2, dropped: false });
    expect(t.cleaning.rowsUsed).toBe(18);
    expect(t.rowIds.slice(0, 3)).toEqual(['C1', 'C4', 'C5']);
  });

  it('drops the feature repeats only with dedupeFeatures', () => {
    const t = build(true);
    expect(t.cleaning.featureDuplicates).toEqual({ rows: 2, dropped: true });
    expect(t.cleaning.rowsUsed).toBe(16);
    expect(t.rowIds).not.toContain('C6');
    expect(t.rowIds).not.toContain('C8');
  });

  it('identifies rows by 1-based data row number when there is no identifier', () => {
    const t = table('limit,cards,calls', ['5000,2,7', '5000,2,7', ...BASE.map((r) => r.join(','))]);
    expect(t.idColumn).toBeNull();
    expect(t.rowIds.slice(0, 3)).toEqual(['1', '3', '4']);
    expect(t.cleaning.duplicateIdentifiers.column).toBeNull();
  });

  it('keeps rows sharing an identifier with different figures and flags them', () => {
    const t = table('customer_id,limit,cards,calls', [...BASE.map((r, i) => `${i % 10 === 0 ? 'K1' : `K${i + 100}`},${r.join(',')}`)]);
    expect(t.cleaning.duplicateIdentifiers).toEqual({ column: 'customer_id', repeatedValues: 1, rowsInvolved: 2, examples: ['K1'] });
    expect(t.cleaning.rowsUsed).toBe(12);
  });
});

describe('suggestions and notes', () => {
  it('suggests a log only for right-skewed columns without negative values', () => {
    const skewed = BASE.map((r, i) => [...r, i === 0 ? 1000 : i, i === 0 ? -1000 : -i, i === 0 ? 1000 : i - 2]);
    const t = table('limit,cards,calls,right,left,negative', skewed.map((r) => r.join(',')));
    expect(t.cleaning.skew.right).toBeGreaterThan(1);
    expect(t.cleaning.skew.left).toBeLessThan(-1);
    expect(t.cleaning.skew.negative).toBeGreaterThan(1);
    expect(t.cleaning.logSuggested).toContain('right');
    expect(t.cleaning.logSuggested).not.toContain('left');
    expect(t.cleaning.logSuggested).not.toContain('negative');
  });

  it('accepts negative counts as data and says so', () => {
    const t = table('limit,cards,calls', BASE.map((r, i) => [r[0], r[1], i === 3 ? -2 : r[2]].join(',')));
    expect(featureValues(t, 'calls')[3]).toBe(-2);
    expect(t.cleaning.notes).toContain('"calls" has 1 negative value; they are used as they are, so check them if the column counts something.');
  });

  it('writes every note as one sentence', () => {
    const t = table('customer_id,limit,cards,calls,Gender,constant', BASE.map((r, i) => `C${i % 11},${r.join(',')},${i % 2 ? 'F' : 'M'},1`));
    expect(t.cleaning.notes.length).toBeGreaterThan(3);
    for (const note of t.cleaning.notes) {
      expect(note).toMatch(/^[A-Z0-9"].*\.$/s);
      expect(note).not.toContain('\n');
    }
  });
});
