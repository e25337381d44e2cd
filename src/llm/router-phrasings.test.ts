import { silentLogger } from '../common/logger.js';
import { conversationContext } from '../../test/helpers/conversation-context.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Analysis } from '../analysis/analysis.js';
import { analyze, analyzeFile } from '../analysis/pipeline.js';
import { ingestCsv } from '../data/ingest.js';
import { compareAnalyses, type ComparisonResult } from '../analysis/migration.js';
import { ask, createSession } from './ask.js';
import { createLlmClient, type LlmClient } from './client.js';
import { routeQuestion } from './router.js';
import { findTool, runTool, TOOL_NAMES, type ToolName, type ToolRun } from '../tools/registry.js';
import { MALL_CSV, MISSION_CSV } from '../../test/helpers/shared.js';
import { lastUserMessage, startOpenAiTestServer, textReply, toolCallReply, toolResults, type OpenAiTestServer } from '../../test/helpers/openai-test-server.js';

/**
 * One table of phrasings, several per intent (typos and mixed case included), run through both
 * routers. The deterministic router must produce the expected tool and arguments. For the model
 * router a scripted model issues the table's call (sometimes in people's words, as a model would)
 * and the test checks that the same tool ran and computed the same result as the expected call.
 */
type Expectation =
  | { readonly tool: ToolName; readonly args: Record<string, unknown>; readonly modelArgs?: Record<string, unknown> }
  | { readonly kind: 'help' | 'unknown' | 'insights' | 'clarify' };

const CALLS = 'Total_calls_made';
const ONLINE = 'Total_visits_online';
const BRANCH = 'Total_visits_bank';
const CARDS = 'Total_Credit_Cards';
const LIMIT = 'Avg_Credit_Limit';

// Mission data at k = 3: segment 1 = branch-heavy (386), 2 = phone-heavy (224), 3 = high-limit online (50).
const TABLE: readonly { q: string; expect: Expectation }[] = [
  // Rankings
  { q: 'which segment calls support most?', expect: { tool: 'rank_segments', args: { feature: CALLS }, modelArgs: { feature: 'support calls' } } },
  { q: 'Who has the highest credit limit?', expect: { tool: 'rank_segments', args: { feature: LIMIT }, modelArgs: { feature: 'credit limit', statistic: 'mean' } } },
  { q: 'which segment uses online banking least?', expect: { tool: 'rank_segments', args: { feature: ONLINE, order: 'lowest' }, modelArgs: { feature: 'online', order: 'lowest' } } },
  { q: 'WHICH GROUP HAS THE MOST CARDS', expect: { tool: 'rank_segments', args: { feature: CARDS } } },
  { q: 'wich segmnet calls suport the most', expect: { tool: 'rank_segments', args: { feature: CALLS }, modelArgs: { feature: 'phone' } } },
  { q: 'rank the segments by branch visits', expect: { tool: 'rank_segments', args: { feature: BRANCH }, modelArgs: { feature: 'branch' } } },
  { q: 'which segment has the largest share of customers with more than 5 calls?', expect: { tool: 'rank_segments', args: { feature: CALLS, statistic: 'shareAbove', threshold: 5 } } },
  { q: 'who visits the branch least', expect: { tool: 'rank_segments', args: { feature: BRANCH, order: 'lowest' }, modelArgs: { feature: 'in person', order: 'lowest' } } },
  { q: 'which segment has the lowest median credit line?', expect: { tool: 'rank_segments', args: { feature: LIMIT, statistic: 'median', order: 'lowest' }, modelArgs: { feature: 'credit line', statistic: 'median', order: 'lowest' } } },
  // Profiles
  { q: 'tell me about segment 2', expect: { tool: 'profile_segment', args: { segment: 2 } } },
  { q: 'Describe the digital segment', expect: { tool: 'profile_segment', args: { segment: 3 }, modelArgs: { segment: 'the digital segment' } } },
  { q: 'what is the biggest segment like?', expect: { tool: 'profile_segment', args: { segment: 1 }, modelArgs: { segment: 'the biggest one' } } },
  { q: 'profile of the phone-heavy segment', expect: { tool: 'profile_segment', args: { segment: 2 }, modelArgs: { segment: 'phone-heavy' } } },
  { q: 'Segment 3', expect: { tool: 'profile_segment', args: { segment: 3 } } },
  { q: 'tell me more about the branch crowd', expect: { tool: 'profile_segment', args: { segment: 1 }, modelArgs: { segment: 'branch' } } },
  // Comparisons
  { q: 'compare segment 1 and 3', expect: { tool: 'compare_segments', args: { a: 1, b: 3 } } },
  { q: 'Segment 2 vs segment 3', expect: { tool: 'compare_segments', args: { a: 2, b: 3 } } },
  { q: 'how does the digital segment differ from the branch segment?', expect: { tool: 'compare_segments', args: { a: 3, b: 1 }, modelArgs: { a: 'digital', b: 'branch' } } },
  // How many segments / why k
  { q: 'how many segments are there?', expect: { tool: 'choose_k', args: {} } },
  { q: 'why k = 3?', expect: { tool: 'choose_k', args: {} } },
  { q: 'why this k?', expect: { tool: 'choose_k', args: {} } },
  { q: 'Why 3 segments and not 4?', expect: { tool: 'choose_k', args: {} } },
  { q: "what's the optimal number of clusters", expect: { tool: 'choose_k', args: {} } },
  // Charts
  { q: 'show the elbow', expect: { tool: 'chart', args: { kind: 'elbow' } } },
  { q: 'Show me the pair plot', expect: { tool: 'chart', args: { kind: 'pair-plot' } } },
  { q: 'show the map', expect: { tool: 'chart', args: { kind: 'pca-map' } } },
  { q: 'plot the silhouette scores', expect: { tool: 'chart', args: { kind: 'silhouette' } } },
  { q: 'shw the elbo plot', expect: { tool: 'chart', args: { kind: 'elbow' } } },
  { q: 'chart of segment sizes', expect: { tool: 'chart', args: { kind: 'sizes' } } },
  // Settings
  { q: 'use k-medoids', expect: { tool: 'segment', args: { algorithm: 'kmedoids' } } },
  { q: 'try 4 segments', expect: { tool: 'segment', args: { k: 4 } } },
  { q: 'Switch to a Gaussian mixture', expect: { tool: 'segment', args: { algorithm: 'gmm' } } },
  { q: 'TRY 5 CLUSTERS WITH KMEANS', expect: { tool: 'segment', args: { k: 5, algorithm: 'kmeans' } } },
  { q: 'go back to automatic k', expect: { tool: 'segment', args: { k: 'auto' } } },
  { q: 'try 4 segmets', expect: { tool: 'segment', args: { k: 4 } } },
  // Methods compared
  { q: 'compare the methods', expect: { tool: 'compare_methods', args: {} } },
  { q: 'do k-means and gmm agree?', expect: { tool: 'compare_methods', args: {} } },
  { q: 'kmeans vs kmedoids', expect: { tool: 'compare_methods', args: {} } },
  // Campaigns
  { q: 'campaign ideas', expect: { tool: 'campaign_suggestions', args: {} } },
  { q: 'who should we upsell?', expect: { tool: 'campaign_suggestions', args: { goal: 'upsell' } } },
  { q: 'What offer for segment 2?', expect: { tool: 'campaign_suggestions', args: { segment: 2 } } },
  { q: 'campain ideas for the digital segment', expect: { tool: 'campaign_suggestions', args: { segment: 3 }, modelArgs: { segment: 'the digital segment' } } },
  // Support service
  { q: 'how can we improve support?', expect: { tool: 'service_actions', args: {} } },
  { q: 'how do we reduce calls to the call centre?', expect: { tool: 'service_actions', args: {} } },
  // Predictions
  { q: 'which segment would a customer with 8 cards and 150k limit be in?', expect: { tool: 'predict_segment', args: { values: [{ feature: CARDS, value: 8 }, { feature: LIMIT, value: 150000 }] }, modelArgs: { values: [{ feature: 'cards', value: 8 }, { feature: 'limit', value: 150000 }] } } },
  { q: 'where would someone with a $20,000 credit limit, 2 cards and 6 calls belong?', expect: { tool: 'predict_segment', args: { values: [{ feature: LIMIT, value: 20000 }, { feature: CARDS, value: 2 }, { feature: CALLS, value: 6 }] } } },
  { q: 'Predict the segment for a client with 10 online visits', expect: { tool: 'predict_segment', args: { values: [{ feature: ONLINE, value: 10 }] } } },
  // Customers and exports
  { q: 'export segment 2', expect: { tool: 'find_customers', args: { segment: 2 } } },
  { q: 'download the digital segment as csv', expect: { tool: 'find_customers', args: { segment: 3 }, modelArgs: { segment: 'digital' } } },
  { q: 'list customers with more than 8 cards', expect: { tool: 'find_customers', args: { filters: [{ feature: CARDS, op: '>', value: 8 }] } } },
  { q: 'exprot segment 1', expect: { tool: 'find_customers', args: { segment: 1 } } },
  // The data
  { q: 'describe the data', expect: { tool: 'describe_data', args: {} } },
  { q: 'Were any rows dropped?', expect: { tool: 'describe_data', args: {} } },
  { q: 'which features are correlated?', expect: { tool: 'describe_data', args: {} } },
  // What changed since the previous upload
  { q: 'who moved out of Segment 1?', expect: { tool: 'segment_changes', args: { topic: 'moved', segment: 1 }, modelArgs: { topic: 'moved', segment: 'segment 1' } } },
  { q: 'how many customers did we lose since last month?', expect: { tool: 'segment_changes', args: { topic: 'lost' } } },
  { q: 'which segment grew most?', expect: { tool: 'segment_changes', args: { topic: 'grew' } } },
  // Help, summary, ambiguity, and what it cannot answer
  { q: 'help', expect: { kind: 'help' } },
  { q: 'What can you do?', expect: { kind: 'help' } },
  { q: 'give me a summary', expect: { kind: 'insights' } },
  { q: 'which segment has the most visits?', expect: { kind: 'clarify' } },
  { q: 'what is the weather in Paris?', expect: { kind: 'unknown' } },
  { q: 'tell me a joke', expect: { kind: 'unknown' } },
  { q: 'which segment is the best?', expect: { kind: 'unknown' } },
];

let analysis: Analysis;
/** The mission file as the channel's previous upload too: what changed questions have a comparison to read. */
let comparison: ComparisonResult;
const SETTINGS = { k: null, algorithm: 'kmeans' as const };

beforeAll(async () => {
  analysis = await analyzeFile(MISSION_CSV);
  comparison = compareAnalyses(analysis, analysis);
});

function parsedArgs(tool: ToolName, args: Record<string, unknown>): unknown {
  const definition = findTool(tool);
  if (!definition) throw new Error(`no tool ${tool}`);
  return definition.args.parse(args);
}

describe('the phrasing table', () => {
  it('has at least 40 phrasings covering every tool', () => {
    expect(TABLE.length).toBeGreaterThanOrEqual(40);
    const covered = new Set(TABLE.flatMap((row) => ('tool' in row.expect ? [row.expect.tool] : [])));
    expect([...covered].sort()).toEqual([...TOOL_NAMES].sort());
  });
});

describe('deterministic router', () => {
  for (const row of TABLE) {
    it(`routes “${row.q}”`, () => {
      const plan = routeQuestion(row.q, analysis);
      if ('kind' in row.expect) {
        expect(plan.kind).toBe(row.expect.kind);
        return;
      }
      expect(plan.kind).toBe('tools');
      if (plan.kind !== 'tools') return;
      expect(plan.calls).toHaveLength(1);
      expect(plan.calls[0].tool).toBe(row.expect.tool);
      expect(parsedArgs(plan.calls[0].tool, plan.calls[0].args)).toEqual(parsedArgs(row.expect.tool, row.expect.args));
    });
  }
});

describe('the deterministic router on another dataset (mall customers)', () => {
  let mall: Analysis;
  beforeAll(async () => {
    mall = await analyzeFile(MALL_CSV);
  });

  it('reads ages and incomes in thousands for a prediction', () => {
    expect(routeQuestion('which segment would a 25 year old with 80k income be in', mall)).toEqual({
      kind: 'tools',
      intent: 'predict',
      calls: [{ tool: 'predict_segment', args: { values: [{ feature: 'Age', value: 25 }, { feature: 'Annual Income (k$)', value: 80 }] } }],
    });
  });

  it('reads a segment described by two features with directions', () => {
    const plan = routeQuestion('describe the high income low spending segment', mall);
    const target = [...mall.report.segments].sort(
      (a, b) => b.deviation['Annual Income (k$)'] - b.deviation['Spending Score (1-100)'] - (a.deviation['Annual Income (k$)'] - a.deviation['Spending Score (1-100)']),
    )[0];
    expect(plan).toEqual({ kind: 'tools', intent: 'profile', calls: [{ tool: 'profile_segment', args: { segment: target.id } }] });
  });

  it('asks back rather than guessing which visits a value belongs to', () => {
    const plan = routeQuestion('which segment would a customer with a credit limit of 50000 and 3 visits be in?', analysis);
    expect(plan).toEqual({ kind: 'clarify', text: '“visits” could mean Branch visits or Online visits. Which one?' });
  });

  it('maps "include gender" to a re-run with Gender, "drop gender" back, and "show gender by segment" to its chart', async () => {
    const include = { kind: 'tools', intent: 'settings', calls: [{ tool: 'segment', args: { categorical: ['Gender'] } }] };
    expect(routeQuestion('include gender', mall)).toEqual(include);
    expect(routeQuestion('Can you segment on gender too?', mall)).toEqual(include);
    expect(routeQuestion('try 4 segments and add gender', mall)).toEqual({ ...include, calls: [{ tool: 'segment', args: { k: 4, categorical: ['Gender'] } }] });
    const chart = { kind: 'tools', intent: 'chart', calls: [{ tool: 'chart', args: { kind: 'categories', column: 'Gender' } }] };
    expect(routeQuestion('show gender by segment', mall)).toEqual(chart);
    expect(routeQuestion("what's the gender split?", mall)).toEqual(chart);
    expect(routeQuestion('show segment 2', mall)).toMatchObject({ intent: 'profile' });
    const withGender = await analyzeFile(MALL_CSV, { categorical: ['Gender'] });
    expect(routeQuestion('drop gender', withGender)).toEqual({ kind: 'tools', intent: 'settings', calls: [{ tool: 'segment', args: { categorical: [] } }] });
  });

  it('does not take a categorical column named "Segment" for every question about segments', async () => {
    const csv = ['id,spend,visits,Segment', ...Array.from({ length: 30 }, (_, i) => `${i + 1},${100 + ((i * 37) % 90)},${(i * 5) % 7},${['Retail', 'Business'][i % 2]}`)].join('\n');
    const withSegmentColumn = await analyze(ingestCsv(csv), { kRange: [2, 3] });
    expect(routeQuestion('show segment 2', withSegmentColumn)).toMatchObject({ intent: 'profile' });
    expect(routeQuestion('use 3 segments', withSegmentColumn)).toEqual({ kind: 'tools', intent: 'settings', calls: [{ tool: 'segment', args: { k: 3 } }] });
  });

  it('re-runs with Gender when asked to "include gender", and keeps it as a setting', async () => {
    const reanalysed: Analysis[] = [];
    const context = conversationContext(mall, { k: null, algorithm: 'kmeans' });
    const answer = await ask('include gender', {
      ...context,
      reanalyze: async (base, variation) => {
        const next = await context.reanalyze(base, variation);
        reanalysed.push(next);
        return next;
      },
    });
    expect(reanalysed).toHaveLength(1);
    expect(reanalysed[0].report.features).toContain('Gender');
    expect(reanalysed[0].report.categoricalFeatures).toEqual(['Gender']);
    expect(answer.settings).toEqual({ k: null, algorithm: 'kmeans', categorical: ['Gender'] });
    expect(answer.text).toContain(`*${reanalysed[0].report.segments.length} segments* with K-Means (k chosen from the evidence, on the numeric features and Gender):`);
  });

  it('refuses a numeric column as a categorical feature in one sentence (the segment tool, as a model would call it)', async () => {
    const session = createSession(conversationContext(mall), {});
    await expect(runTool('segment', { categorical: ['Age'] }, session)).rejects.toThrow(
      /^"Age" is numeric, so it is already a feature; only text columns with a few values \(categories\) can be added as categorical features\.$/,
    );
    expect(routeQuestion('include age', mall)).not.toMatchObject({ intent: 'settings' });
  });

  it('has no support-call column to rank by, and says so instead of guessing', () => {
    const plan = routeQuestion('which segment calls support most?', mall);
    expect(plan.kind).toBe('clarify');
    if (plan.kind === 'clarify') expect(plan.text).toMatch(/^I could not match “calls support” to a column\. The columns I segment on are Age, /);
  });
});

describe('model router on the same table (scripted OpenAI-compatible server)', () => {
  let server: OpenAiTestServer;
  let llm: LlmClient;
  const byQuestion = new Map(TABLE.map((row) => [row.q, row.expect]));

  beforeAll(async () => {
    server = await startOpenAiTestServer((body) => {
      const question = lastUserMessage(body);
      const expectation = byQuestion.get(question);
      const results = toolResults(body);
      if (results.length > 0) return textReply(results[results.length - 1].text ?? results[results.length - 1].error ?? 'Done.');
      if (!expectation) return textReply('I did not understand the question.');
      if ('kind' in expectation) return textReply('I can answer questions about the segments of this data: rankings, profiles, comparisons, charts, campaigns and support actions.');
      return toolCallReply([{ name: expectation.tool, args: expectation.modelArgs ?? expectation.args }]);
    });
    llm = createLlmClient({ apiKey: 'test-key', baseURL: server.baseURL, model: 'test-model', timeoutMs: 30_000, maxRetries: 0, totalTimeoutMs: 50_000, maxRetryAfterMs: 1_000 }, silentLogger);
  });
  afterAll(async () => {
    await server.close();
  });

  it('sends every tool with its JSON schema', async () => {
    await ask('campaign ideas', conversationContext(analysis, SETTINGS), { llm });
    const sent = server.requests[server.requests.length - 2];
    expect(sent.tools?.map((t) => t.function.name).sort()).toEqual([...TOOL_NAMES].sort());
    for (const tool of sent.tools ?? []) expect(tool.function.parameters?.type).toBe('object');
  });

  for (const row of TABLE) {
    it(`answers “${row.q}”`, async () => {
      const runs: ToolRun[] = [];
      const answer = await ask(row.q, conversationContext(analysis, SETTINGS, { comparison }), { llm, onToolRun: (run) => runs.push(run) });
      expect(answer.footnote ?? '').not.toMatch(/could not answer/);
      if ('kind' in row.expect) {
        expect(answer.toolsUsed).toEqual([]);
        return;
      }
      expect(answer.toolsUsed).toEqual([row.expect.tool]);
      if (row.expect.tool === 'chart') return; // no chart renderer in this test: the tool's refusal is the result
      const reference = await runTool(row.expect.tool, row.expect.args, createSession(conversationContext(analysis, SETTINGS, { comparison }), {}));
      expect(runs[0].result.data).toEqual(reference.result.data);
      expect(answer.numbersChecked).toBe(true);
    });
  }
});
