import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkNumbers, extractNumbers, type NumberCheckContext } from './number-check.js';
import type { Fact } from '../tools/answer.js';
import { formatCurrency, formatDecimal, formatInteger, formatShare } from '../tools/format.js';

const FACTS: Fact[] = [
  { label: 'Rows used', value: 660, unit: 'count' },
  { label: 'Number of segments', value: 3, unit: 'k' },
  { label: 'Segment 2 size', value: 224, unit: 'count' },
  { label: 'Segment 2 share', value: 224 / 660, unit: 'share' },
  { label: 'Segment 2 mean Support calls made', value: 6.870535714285714, unit: 'number' },
  { label: 'Overall mean Support calls made', value: 3.583333333333333, unit: 'number' },
  { label: 'Segment 3 mean Average credit limit', value: 141040, unit: 'currency' },
  { label: 'Segment 3 size', value: 50, unit: 'count' },
  { label: 'Segment 2 calls relative to overall', value: 1.917, unit: 'number' },
  { label: 'Segment 2 calls difference from overall, percent', value: 91.7, unit: 'percent' },
  { label: 'Correlation of cards and calls', value: -0.651, unit: 'number' },
];

const CONTEXT: NumberCheckContext = {
  facts: FACTS,
  segmentIds: [1, 2, 3],
  kValues: [2, 3, 4, 5, 6, 7, 8, 9, 10],
  trusted: ['Spending Score (1-100)', 'Q4 Savers'],
};

const ok = (text: string): boolean => checkNumbers(text, CONTEXT).ok;
const unsupported = (text: string): string[] => checkNumbers(text, CONTEXT).unsupported.map((n) => n.text);

describe('numbers the writer produces are accepted', () => {
  it.each([
    'Segment 2 calls support most: 6.87 calls on average against 3.58 overall.',
    'Segment 2 averages 6.9 calls vs 3.6 overall.',
    'Segment 2 makes 7 calls a month on average.',
    'It has 224 customers (34%).',
    'It has 224 customers, 33.9% of the base.',
    'Segment 3 has a credit limit of $141,040 on average.',
    'Segment 3 has a $141k average limit.',
    'Segment 3 has a 141,040 average limit.',
    'The 660 customers fall into three segments.',
    'Segment 2 calls 1.9× as often as the average, 92% more.',
    'Cards and calls move in opposite directions (correlation -0.65).',
    'About 220 customers call a lot.',
    'More than 200 customers call often.',
    'Nearly 7 calls each.',
  ])('%s', (text) => {
    expect(unsupported(text)).toEqual([]);
  });

  it('ignores segment references, k mentions, list markers, file names and trusted names', () => {
    expect(ok('*Segment 2* and segments 1 and 3 differ; k = 3 was chosen over k=4.')).toBe(true);
    expect(ok('1. First point\n2) Second point\n3. Third point')).toBe(true);
    expect(ok('The list is in segment-2-customers.csv.')).toBe(true);
    expect(ok('Spending Score (1-100) is high in the Q4 Savers group.')).toBe(true);
    expect(ok('A B2B and 3D view, in 2-D.')).toBe(true);
    expect(ok('Segments 1, 2 and 3 hold 660 customers.')).toBe(true);
  });

  it('does not treat "one" as a number', () => {
    expect(ok('One segment stands out: the one that calls most.')).toBe(true);
  });
});

describe('numbers not derivable from the facts are rejected', () => {
  it.each([
    ['Segment 2 averages 6.5 calls.', ['6.5']],
    ['Segment 2 averages 6.8 calls.', ['6.8']],
    ['Segment 2 has 230 customers.', ['230']],
    ['Segment 2 is 40% of customers.', ['40%']],
    ['Segment 3 has a $150,000 limit.', ['$150,000']],
    ['Segment 3 has a $150k limit.', ['$150k']],
    ['The customers fall into four segments.', ['four']],
    ['Segment 7 is the most loyal.', ['Segment 7']],
    ['We chose k = 12.', ['k = 12']],
    ['Launch it in 2025 to lift sales by 15%.', ['2025', '15%']],
    ['Roughly 300 customers call often.', ['300']],
    ['Over 250 customers call a lot.', ['250']],
  ])('%s', (text, expected) => {
    expect(unsupported(text)).toEqual(expected);
  });

  it('does not accept a share written as a plain number, nor a count written as a share', () => {
    expect(unsupported('Segment 2 is 34 of the base.')).toEqual(['34']);
    expect(unsupported('Segment 2 holds 224% of calls.')).toEqual(['224%']);
  });

  it('counts what it checked', () => {
    const result = checkNumbers('Segment 2 has 224 customers averaging 6.9 calls; six campaigns.', CONTEXT);
    expect(result.checked).toBe(3);
    expect(result.unsupported.map((n) => n.text)).toEqual(['six']);
    expect(result.unsupported[0].context).toContain('six campaigns');
  });
});

describe('extraction', () => {
  it('reads currency, scales, percents, ratios and words with their decimals', () => {
    const { numbers } = extractNumbers('$141,040 or $141k or 1.2m or 33.9% or 1.9× or 12 percent or three.', CONTEXT);
    expect(numbers.map((n) => [n.kind, n.value * n.scale, n.decimals])).toEqual([
      ['currency', 141040, 0],
      ['currency', 141000, 0],
      ['plain', 1_200_000, 1],
      ['percent', 33.9, 1],
      ['plain', 1.9, 1],
      ['percent', 12, 0],
      ['word', 3, 0],
    ]);
  });
});

describe('property: every fact, formatted the way the writer formats it, passes', () => {
  it('holds for counts, money, averages and shares', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1e7, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (value, share) => {
          const facts: Fact[] = [
            { label: 'money', value, unit: 'currency' },
            { label: 'average', value, unit: 'number' },
            { label: 'share', value: share, unit: 'share' },
          ];
          const context = { ...CONTEXT, facts };
          const shareText = formatShare(share).replace('under ', 'below ');
          const text = `${formatCurrency(value)}; ${formatDecimal(value, 1)}; ${formatDecimal(value, 2)}; ${formatInteger(value)}; ${shareText}.`;
          return checkNumbers(text, context).ok;
        },
      ),
      { numRuns: 300 },
    );
  });

  it('rejects a value off by more than its rounding', () => {
    fc.assert(
      fc.property(fc.integer({ min: 10, max: 1_000_000 }), fc.integer({ min: 1, max: 9 }), (value, offset) => {
        const context = { ...CONTEXT, facts: [{ label: 'count', value, unit: 'count' as const }] };
        return !checkNumbers(`There are ${formatInteger(value + offset)} customers.`, context).ok;
      }),
      { numRuns: 300 },
    );
  });
});
