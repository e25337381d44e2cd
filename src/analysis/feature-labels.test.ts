import { describe, expect, it } from 'vitest';
import { featureLabel } from './feature-labels.js';
import { nameTokens } from '../common/vocabulary.js';

describe('featureLabel', () => {
  it('uses the hand-written labels for the mission columns', () => {
    expect(featureLabel('Total_calls_made')).toEqual({ label: 'Support calls made', short: 'support calls', unit: 'count' });
    expect(featureLabel('Avg_Credit_Limit').unit).toBe('currency');
  });

  it.each([
    ['cash_advance_frequency', 'Cash advance frequency', 'percent'],
    ['purchases_trx', 'Purchases transactions', 'count'],
    ['prc_full_payment', 'Share of full payment', 'percent'],
    ['minimum_payment', 'Minimum payment', 'currency'],
    ['tenure', 'Tenure', 'count'],
    ['Annual Income (k$)', 'Annual income (k$)', 'number'],
    ['Spending Score (1-100)', 'Spending score (1-100)', 'number'],
    ['total_amount ($)', 'Total amount ($)', 'currency'],
    ['CustomerSince', 'Customer since', 'number'],
  ])('%s reads as "%s" (%s)', (column, label, unit) => {
    expect(featureLabel(column).label).toBe(label);
    expect(featureLabel(column).unit).toBe(unit);
  });

  it('keeps bracketed units out of the short form used in prose', () => {
    expect(featureLabel('Spending Score (1-100)').short).toBe('spending score');
  });

  it('splits any naming style into words', () => {
    expect(nameTokens('Customer Key')).toEqual(['customer', 'key']);
    expect(nameTokens('CustomerID')).toEqual(['customer', 'id']);
    expect(nameTokens('avg_Credit-limit')).toEqual(['avg', 'credit', 'limit']);
  });
});
