import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Analysis } from '../analysis/analysis.js';
import { analyzeFile } from '../analysis/pipeline.js';
import { checkFigures, figureContext, rememberFigures, type FigureCheckContext } from './figure-check.js';

/**
 * The examples of issue 14, on the bundled sample (data/sample-customers.csv): each was accepted
 * (the wrong ones) or rejected (the right ones) by the old bag-of-facts check.
 */
const SAMPLE = fileURLToPath(new URL('../../data/sample-customers.csv', import.meta.url));
let sample: Analysis;
let context: FigureCheckContext;

beforeAll(async () => {
  sample = await analyzeFile(SAMPLE);
  context = figureContext(sample);
});

const check = (text: string) => checkFigures(text, context);

describe('wrong figures the old check accepted are rejected, with the clause and why', () => {
  it.each([
    ['Segment 3 has 224 customers.', '224', /customers of Segment 3/],
    ['Segment 2 averages 3.6 support calls.', '3.6', /support calls of Segment 2/],
    ['The 656 customers fall into five segments.', 'five', /number of segments/],
    ['Segment 2 has a churn rate of 8%.', '8%', /forecast/],
    ['Expect a 10% lift in upgrades.', '10%', /forecast/],
    ['Segment 3 averages a $200k limit.', '$200k', /credit limit of Segment 3/],
    ['Twenty percent of Segment 2 will churn within a year.', 'Twenty percent', /forecast/],
  ])('%s', (text, figure, reason) => {
    const result = check(text);
    expect(result.ok).toBe(false);
    expect(result.problems.map((p) => p.figure)).toEqual([figure]);
    expect(result.problems[0].clause).toBe(text);
    expect(result.problems[0].reason).toMatch(reason);
  });
});

describe('right figures the old check rejected are accepted', () => {
  it.each([
    'Segment 2 makes up 34.2% of customers.',
    'Segments 1 and 2 together hold 92%.',
    'Offer 24/7 chat support.',
    'Plan a 14-day follow-up window.',
  ])('%s', (text) => {
    expect(check(text).problems).toEqual([]);
  });

  it('a figure quoted back from an earlier turn', () => {
    const earlier = rememberFigures('Segment 2 calls support most: 6.93 calls on average.', context);
    const withMemory = { ...context, remembered: earlier };
    expect(checkFigures('As before, Segment 2 averages 6.9 calls.', withMemory).ok).toBe(true);
    // Memory is attributed too: the same figure about another segment is still wrong.
    expect(checkFigures('Segment 3 averages 6.9 calls.', withMemory).ok).toBe(false);
  });
});

describe('cited facts', () => {
  it('are filled in with the computed value and counted', () => {
    const result = check('Segment 2 makes {s2.support_calls.mean} support calls on average, {s2.support_calls.ratio} the overall {overall.support_calls.mean}; it holds {s2.share} of customers.');
    expect(result.ok).toBe(true);
    expect(result.text).toBe('Segment 2 makes 6.93 support calls on average, 1.9× the overall 3.56; it holds 34.1% of customers.');
    expect(result.cited).toBe(4);
    expect(result.checked).toBe(4);
  });

  it('an unknown id, or another segment’s fact in a clause about this one, is rejected', () => {
    expect(check('Segment 2 has {s9.size} customers.').problems[0].reason).toMatch(/does not exist/);
    const wrong = check('Segment 3 has {s2.size} customers.');
    expect(wrong.ok).toBe(false);
    expect(wrong.problems[0].reason).toMatch(/Segment 2 customers in a clause about Segment 3/);
  });

  it('sums of any segments', () => {
    expect(check('Segments 1 and 3 hold {s1+s3.share} together.').text).toBe('Segments 1 and 3 hold 65.9% together.');
  });
});
