import { describe, expect, it } from 'vitest';
import type { Analysis } from '../analysis/analysis.js';
import type { KSelection } from '../analysis/report.js';
import { DEFAULT_SETTINGS } from '../analysis/settings.js';
import { runTool } from '../tools/registry.js';
import { createSession } from './ask.js';
import { routeQuestion } from './router.js';
import { summarizeUpload } from './upload-summary.js';
import { fixtureAnalysis } from '../../test/helpers/analysis-fixture.js';
import { conversationContext } from '../../test/helpers/conversation-context.js';

/** The hand-made 3-segment analysis with the k evidence replaced by `patch`. */
function withSelection(patch: Partial<KSelection>): Analysis {
  const base = fixtureAnalysis();
  return { ...base, report: { ...base.report, kSelection: { ...base.report.kSelection, agree: false, ...patch } } };
}

const SPLIT = withSelection({ votes: [{ k: 3, votes: 3 }, { k: 6, votes: 2 }, { k: 4, votes: 1 }], runnerUp: 6, split: true, clearGroups: true });
const CONTINUUM = withSelection({ votes: [{ k: 3, votes: 2 }, { k: 2, votes: 2 }], runnerUp: 2, split: true, clearGroups: false });
const SPLIT_SENTENCE =
  'The evidence is split between 3 segments (3 of 6 criteria) and 6 segments (2 of 6); 3 was chosen because more of the criteria point to it. Say “try 6 segments” to see the other.';
const CONTINUUM_SENTENCE = 'so the 3 segments are slices of a continuum, not natural groups';

const chooseK = async (analysis: Analysis) => runTool('choose_k', {}, createSession(conversationContext(analysis, DEFAULT_SETTINGS), {}));

describe('when the evidence has no clear answer', () => {
  it('the upload summary names both candidates, why one was chosen, and the phrase for the other; its figures check', async () => {
    const answer = await summarizeUpload(SPLIT, { llm: null, charts: null, withInsights: false });
    expect(answer.text).toContain(SPLIT_SENTENCE);
    expect(answer.numbersChecked).toBe(true);
  });

  it('the phrase it offers re-runs the segmentation with the runner-up', () => {
    const plan = routeQuestion('try 6 segments', SPLIT);
    expect(plan.kind).toBe('tools');
    if (plan.kind !== 'tools') return;
    expect(plan.calls).toEqual([{ tool: 'segment', args: { k: 6 } }]);
  });

  it('"why this k?" says the same and exposes the runner-up for a button', async () => {
    const run = await chooseK(SPLIT);
    expect(run.result.text).toContain(SPLIT_SENTENCE);
    expect(run.result.data).toMatchObject({ runnerUp: 6, split: true, clearGroups: true });
  });

  it('with equal support, says the smaller number was chosen because it is simpler to act on', async () => {
    const tie = withSelection({ votes: [{ k: 3, votes: 3 }, { k: 5, votes: 3 }], runnerUp: 5, split: true, clearGroups: true });
    const answer = await summarizeUpload(tie, { llm: null, charts: null, withInsights: false });
    expect(answer.text).toContain('3 segments (3 of 6 criteria) and 5 segments (3 of 6); 3 was chosen because with equal support, fewer segments are simpler to act on.');
  });

  it('says nothing of a split when one k is clearly ahead', async () => {
    const clear = withSelection({ votes: [{ k: 3, votes: 5 }, { k: 4, votes: 1 }], runnerUp: 4, split: false, clearGroups: true });
    const answer = await summarizeUpload(clear, { llm: null, charts: null, withInsights: false });
    expect(answer.text).not.toContain('The evidence is split');
    expect((await chooseK(clear)).result.data).toMatchObject({ runnerUp: 4, split: false });
  });

  it('on one blob, says the segments are slices of a continuum (in the summary, "why this k?" and the segmentation) and still gives them', async () => {
    const answer = await summarizeUpload(CONTINUUM, { llm: null, charts: null, withInsights: false });
    expect(answer.text).toContain(CONTINUUM_SENTENCE);
    expect(answer.text).not.toContain('The evidence is split');
    expect(answer.numbersChecked).toBe(true);
    expect(answer.table?.rows).toHaveLength(3);
    expect((await chooseK(CONTINUUM)).result.text).toContain(CONTINUUM_SENTENCE);
    const segment = await runTool('segment', {}, createSession(conversationContext(CONTINUUM, DEFAULT_SETTINGS), {}));
    expect(segment.result.text).toContain(CONTINUUM_SENTENCE);
  });
});
