import { beforeAll, describe, expect, it } from 'vitest';
import type { Analysis } from '../analysis/analysis.js';
import { analyzeFile } from '../analysis/pipeline.js';
import { insightFacts } from './insight-facts.js';
import { writeInsights } from './insights.js';
import { checkContextFor, checkNumbers } from './number-check.js';
import { writeInsightsText } from './writer.js';
import { CC_GENERAL_CSV, MALL_CSV, MISSION_CSV } from '../../test/helpers/shared.js';

const analyses: Record<string, Analysis> = {};

beforeAll(async () => {
  // cc-general (8,950 rows) with the evidence over k = 2..5 only, to keep the suite fast on a shared machine.
  const [mission, ccGeneral, mall] = await Promise.all([
    analyzeFile(MISSION_CSV),
    analyzeFile(CC_GENERAL_CSV, { algorithm: 'kmeans', kRange: [2, 5] }),
    analyzeFile(MALL_CSV),
  ]);
  Object.assign(analyses, { mission, 'cc-general': ccGeneral, mall });
}, 120_000);

describe.each(['mission', 'cc-general', 'mall'])('the deterministic writer on %s', (name) => {
  it('passes the number check', () => {
    const analysis = analyses[name];
    const text = writeInsightsText(analysis);
    const result = checkNumbers(text, checkContextFor(analysis, insightFacts(analysis).facts));
    expect(result.unsupported.map((n) => `${n.text} in “${n.context}”`)).toEqual([]);
    expect(result.checked).toBeGreaterThan(20);
  });

  it('writes findings, a paragraph and a full campaign for every segment, and service actions', () => {
    const analysis = analyses[name];
    const text = writeInsightsText(analysis);
    for (const heading of ['*Key findings*', '*The segments*', '*A campaign for each segment*', '*Support-service actions*']) expect(text).toContain(heading);
    for (const s of analysis.report.segments) {
      expect(text).toContain(`*Segment ${s.id}: ${s.name}* (`);
      expect(text).toMatch(new RegExp(`\\*Segment ${s.id} \\(${s.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\): [^*]+\\*\\n• Audience: .+\\n• Offer: .+\\n• Channel: .+\\n• Message: “.+”\\n• Measure: .+`));
    }
    expect(text).not.toMatch(/undefined|NaN|TODO|\{\{|\[object/);
  });

  it('gives the model aggregates only: no customer identifiers in its facts', () => {
    const analysis = analyses[name];
    const json = JSON.stringify(insightFacts(analysis).json);
    const ids = analysis.table.rowIds.filter((id) => id.length >= 5);
    for (const id of ids) expect(json.includes(`"${id}"`) || new RegExp(`[^\\d.]${id}[^\\d.]`).test(json)).toBe(false);
  });
});

describe('the writer on the mission data', () => {
  it('says what each segment is, with its figures', () => {
    const text = writeInsightsText(analyses.mission);
    expect(text).toContain('The 660 customers fall into three segments with K-Means');
    expect(text).toContain('support calls 6.9 on average vs 3.6 overall (1.9× the average)');
    expect(text).toContain('credit limit $141,040 on average vs $34,574 overall');
    expect(text).toMatch(/\*Segment \d \(Many support calls · few cards\) calls support most\*/);
    expect(text).toContain('Premium digital upsell');
    expect(text).toContain('In-branch offers');
  });

  it('is what writeInsights returns without a model, marked as checked', async () => {
    const answer = await writeInsights(analyses.mission, { llm: null });
    expect(answer.text).toBe(writeInsightsText(analyses.mission));
    expect(answer.numbersChecked).toBe(true);
    expect(answer.footnote).toBe('Figures checked against the analysis.');
  });
});

describe('the deterministic writer on a fixed k that skipped the evidence for k', () => {
  it('says k was fixed, recommends nothing, and passes the number check', async () => {
    const analysis = await analyzeFile(MISSION_CSV, { k: 4, algorithm: 'kmeans', evidence: false });
    const text = writeInsightsText(analysis);
    expect(text).toContain('segments with K-Means (k fixed by the channel\'s setting; ask “why this k?” for the evidence).');
    expect(text).not.toMatch(/recommend|criteria/i);
    expect(insightFacts(analysis).facts.map((f) => f.label)).not.toContain('Recommended number of segments');
    const result = checkNumbers(text, checkContextFor(analysis, insightFacts(analysis).facts));
    expect(result.unsupported.map((n) => n.text)).toEqual([]);
  });
});
