import { describe, expect, it } from 'vitest';
import { behaviourOf, CONCEPTS, informativeTokens, stem } from './vocabulary.js';

describe('the vocabulary', () => {
  it.each([
    ['Avg_Credit_Limit', 'value'],
    ['Total_Credit_Cards', 'cards'],
    ['Total_visits_bank', 'branch'],
    ['Total_visits_online', 'digital'],
    ['Total_calls_made', 'calls'],
    ['cash_advance_trx', 'cash'],
    ['purchases_frequency', 'spending'],
    ['balance_frequency', 'balance'],
    ['tenure', 'tenure'],
    ['Age', 'age'],
    ['Annual Income (k$)', 'income'],
    ['Spending Score (1-100)', 'spending'],
    ['AppLogins', 'digital'],
    ['phone_contacts_2023', 'calls'],
    ['payments', null],
    ['Customer Key', null],
  ])('%s measures %s', (column, behaviour) => {
    expect(behaviourOf(column)).toBe(behaviour);
  });

  it('keeps only the informative, stemmed tokens of a column name', () => {
    expect(informativeTokens('Total_visits_bank')).toEqual(['visit', 'bank']);
    expect(informativeTokens('phone_contacts_2023')).toEqual(['phone', 'contact']);
    expect(stem('frequencies')).toBe('frequency');
    expect(stem('address')).toBe('address');
  });

  it('defines each concept once, with lower-case single-spaced phrases and stemmed column tokens', () => {
    expect(new Set(CONCEPTS.map((c) => c.id)).size).toBe(CONCEPTS.length);
    for (const concept of CONCEPTS) {
      for (const phrase of concept.phrases) expect(phrase).toMatch(/^[a-z]+( [a-z]+)*$/);
      for (const token of concept.columnTokens) expect(stem(token)).toBe(token);
    }
  });
});
