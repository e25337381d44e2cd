import { beforeAll, describe, expect, it } from 'vitest';
import type { Analysis } from '../analysis/analysis.js';
import { adjustedRandIndex } from '../analysis/metrics.js';
import { analyze } from '../analysis/pipeline.js';
import { InputError } from '../common/errors.js';
import { campaignFor } from '../tools/playbook/playbook.js';
import { ingestCsv } from './ingest.js';
import type { IngestOptions } from './schema.js';
import { expectOneSentence } from '../../test/helpers/sentences.js';
import { MISSION_CSV } from '../../test/helpers/shared.js';
import { readFileSync } from 'node:fs';
import { GROUPS, makeTransactions } from '../../scripts/make-transactions.js';

const DAY_MS = 86_400_000;

/** The aggregation written out plainly: split lines, group by customer, count and add. */
function referenceRfm(csv: string, readDate: (text: string) => number): Map<string, number[]> {
  const rows = csv.trim().split('\n').slice(1).map((line) => line.split(','));
  const usable = rows.filter(([, customer, date, amount]) => customer !== '' && !Number.isNaN(readDate(date)) && amount !== 'n/a');
  const lastDay = Math.max(...usable.map((row) => readDate(row[2])));
  const byCustomer = new Map<string, { days: number[]; amounts: number[] }>();
  for (const [, customer, date, amount] of usable) {
    const entry = byCustomer.get(customer) ?? { days: [], amounts: [] };
    entry.days.push(readDate(date));
    entry.amounts.push(Number(amount));
    byCustomer.set(customer, entry);
  }
  const out = new Map<string, number[]>();
  for (const [customer, { days, amounts }] of byCustomer) {
    const total = amounts.reduce((a, b) => a + b, 0);
    out.set(customer, [lastDay + 1 - Math.max(...days), days.length, total, total / days.length, Math.max(...days) - Math.min(...days)]);
  }
  return out;
}

/** dd/mm/yyyy by hand, NaN for an impossible date. */
function readDmy(text: string): number {
  const [d, m, y] = text.split('/').map(Number);
  const ms = Date.UTC(y, m - 1, d);
  return new Date(ms).getUTCDate() === d ? ms / DAY_MS : Number.NaN;
}

function refusal(csv: string, options: IngestOptions = {}): InputError {
  try {
    ingestCsv(csv, options);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    expectOneSentence((error as InputError).message);
    return error as InputError;
  }
  throw new Error('expected an InputError');
}

describe('a transaction file becomes one row per customer', () => {
  const { csv, groups } = makeTransactions();
  let analysis: Analysis;
  beforeAll(async () => {
    analysis = await analyze(ingestCsv(csv), { algorithm: 'kmeans' });
  });

  it('is recognised, and its RFM figures equal a plain computation', () => {
    const table = analysis.table;
    expect(table.features).toEqual(['recency_days', 'frequency', 'monetary_total', 'average_ticket', 'tenure_days']);
    const reference = referenceRfm(csv, readDmy);
    expect(table.rowIds).toHaveLength(reference.size);
    table.rowIds.forEach((id, r) => {
      const row = Array.from(table.matrix.data.subarray(r * 5, r * 5 + 5));
      const expected = reference.get(id)!;
      row.forEach((value, j) => expect(value, `${id} ${table.features[j]}`).toBeCloseTo(expected[j], 9));
    });
  });

  it('says exactly what was done in the report', () => {
    expect(analysis.report.aggregation).toMatchObject({
      kind: 'rfm',
      customerColumn: 'Customer ID',
      dateColumn: 'Date',
      dateFormat: 'dmy',
      dateReading: null,
      amountColumn: 'Amount',
      lastDate: '2024-12-31',
      referenceDate: '2025-01-01',
      transactionsIn: csv.trim().split('\n').length - 1,
      customers: 150,
      rowsNotUsed: [
        { reason: 'no customer', rows: 1 },
        { reason: 'date missing or not readable', rows: 1 },
        { reason: 'amount missing or not a number', rows: 1 },
      ],
    });
    expect(analysis.report.cleaning.notes.join(' ')).toContain('counted to 2025-01-01, the day after the last date');
  });

  it('recovers the customer groups it was generated from, with RFM names and plays', () => {
    expect(analysis.report.kSelection.recommended).toBe(3);
    const truth = Int32Array.from(analysis.table.rowIds, (id) => GROUPS.indexOf(groups.get(id)!));
    expect(adjustedRandIndex(truth, analysis.labels.kmeans!)).toBeGreaterThanOrEqual(0.9);
    const names = analysis.report.segments.map((s) => s.name).sort();
    expect(names).toEqual(['Lapsed, low spenders', 'One-off, big-ticket buyers', 'Recent, frequent, high spenders']);
    const plays = analysis.report.segments.map((s) => campaignFor(analysis, s).kind).sort();
    expect(plays).toEqual(['grow-one-off', 'reward-loyal', 'win-back-lapsed']);
  });
});

describe('dates are read from the data', () => {
  it('reads month-first and ISO files the same as day-first', () => {
    const dmy = ingestCsv(makeTransactions(7, 'dmy').csv);
    for (const style of ['mdy', 'iso'] as const) {
      const table = ingestCsv(makeTransactions(7, style).csv);
      expect(table.aggregation?.dateFormat).toBe(style);
      expect(Array.from(table.matrix.data)).toEqual(Array.from(dmy.matrix.data));
    }
  });

  it('says which reading it chose when every day and month is 12 or less', () => {
    const lines = ['customer_id,date,amount'];
    for (let i = 0; i < 40; i++) lines.push(`C${i % 12},0${1 + (i % 9)}/0${1 + (i % 7)}/2024,${10 + i}`);
    const table = ingestCsv(lines.join('\n'));
    expect(table.aggregation?.dateFormat).toBe('dmy');
    expect(table.aggregation?.dateReading).toContain('could be read either way');
    expect(table.cleaning.notes.join(' ')).toContain('read day first (dd/mm/yyyy)');
  });

  it('marks a date column of a customer file with the date role', () => {
    const lines = ['customer_id,joined,balance,visits'];
    for (let i = 0; i < 12; i++) lines.push(`C${i},2024-0${1 + (i % 9)}-1${i % 10},${100 + i * 31},${(i * 7) % 5}`);
    const table = ingestCsv(lines.join('\n'));
    expect(table.aggregation).toBeUndefined();
    expect(table.columns.find((c) => c.name === 'joined')).toMatchObject({ role: 'date', reason: 'dates (yyyy-mm-dd), not clustered' });
  });
});

describe('transaction files that cannot be aggregated get one sentence', () => {
  it('a customer file forced as transactions: no customer repeats', () => {
    const lines = ['customer_id,date,amount,visits'];
    for (let i = 0; i < 12; i++) lines.push(`C${i},2024-01-1${i % 10},${10 + i * 3},${i % 4}`);
    expect(refusal(lines.join('\n'), { transactions: true }).code).toBe('no-repeat-customers');
  });

  it('an unparseable date column', () => {
    const lines = ['customer_id,purchase date,amount'];
    for (let i = 0; i < 30; i++) lines.push(`C${i % 6},someday ${i},${10 + i}`);
    const error = refusal(lines.join('\n'));
    expect(error.code).toBe('unreadable-dates');
    expect(error.message).toContain('"purchase date"');
  });

  it('no date column at all, when forced', () => {
    expect(refusal(readFileSync(MISSION_CSV, 'utf8'), { transactions: true }).code).toBe('no-date-column');
  });

  it('the mission file is not mistaken for transactions', () => {
    expect(ingestCsv(readFileSync(MISSION_CSV)).aggregation).toBeUndefined();
  });
});
