import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makeTransactions, TRANSACTIONS_PATH, TRANSACTIONS_SEED } from './make-transactions.js';

describe('data/sample-transactions.csv', () => {
  it('is exactly what the seeded generator writes', () => {
    expect(makeTransactions(TRANSACTIONS_SEED).csv).toBe(readFileSync(TRANSACTIONS_PATH, 'utf8'));
  });

  it('changes with the seed', () => {
    expect(makeTransactions(TRANSACTIONS_SEED + 1).csv).not.toBe(makeTransactions(TRANSACTIONS_SEED).csv);
  });
});
