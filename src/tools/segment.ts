import { z } from 'zod';
import type { Analysis } from '../analysis/analysis.js';
import { categoricalFeatureColumns } from '../analysis/categorical.js';
import { InputError } from '../common/errors.js';
import { AlgorithmSchema, KCriteriaSchema, KEvidenceSchema, METHOD_NAMES, type KSelection } from '../analysis/report.js';
import { MAX_SEGMENTS, SegmentCountSchema, type Settings } from '../analysis/settings.js';
import { allSegmentFacts, datasetFacts, segmentTable } from './facts.js';
import { customers, formatDecimal, formatShare } from './format.js';
import { chartIfAvailable } from './chart-support.js';
import { hasEvidence, withEvidence } from './evidence.js';
import type { Fact } from './answer.js';
import { defineTool, fact, output, ToolInputError } from './tool.js';

export const SegmentArgs = z.object({
  algorithm: AlgorithmSchema.optional().describe('kmeans, kmedoids or gmm (Gaussian mixture); omit to keep the current method.'),
  k: z
    .union([SegmentCountSchema, z.literal('auto')])
    .optional()
    .describe(`Number of segments (2-${MAX_SEGMENTS}), or "auto" to choose it from the evidence; omit to keep the current setting.`),
  seed: z.number().int().min(0).optional().describe('Random seed; omit for the default.'),
  categorical: z
    .array(z.string().min(1).max(200))
    .max(20)
    .optional()
    .describe('Categorical columns (e.g. Gender) to segment on as well as the numeric features; [] for none; omit to keep the current ones.'),
});

const SegmentSummary = z.object({ id: z.number().int(), name: z.string(), size: z.number().int(), share: z.number() });

export const SegmentData = z.object({
  algorithm: AlgorithmSchema,
  k: z.number().int(),
  kChosenAutomatically: z.boolean(),
  /** Null when k was fixed and the evidence for k was not gathered (ask choose_k). */
  recommendedK: z.number().int().nullable(),
  segments: z.array(SegmentSummary),
});

function summaries(analysis: Analysis): z.infer<typeof SegmentSummary>[] {
  return analysis.report.segments.map((s) => ({ id: s.id, name: s.name, size: s.size, share: s.share }));
}

/** "3 segments with K-Means (k chosen from the evidence)" plus one line per segment. */
export function segmentationText(analysis: Analysis, settings: Settings): string {
  const r = analysis.report;
  const how =
    settings.k === null
      ? 'k chosen from the evidence'
      : hasEvidence(analysis)
        ? `k fixed at ${r.segments.length}; the evidence recommends ${r.kSelection.recommended}`
        : `k fixed at ${r.segments.length}; ask “why this k?” for the evidence`;
  const categorical = r.categoricalFeatures ?? [];
  const also = categorical.length > 0 ? `, on the numeric features and ${categorical.join(', ')}` : '';
  const lines = [`*${r.segments.length} segments* with ${METHOD_NAMES[r.algorithm]} (${how}${also}):`];
  for (const s of r.segments) lines.push(`• Segment ${s.id}, ${s.name}: ${customers(s.size)} (${formatShare(s.share)})`);
  return lines.join('\n');
}

/**
 * What to say when the evidence gives no clear answer, with the facts its figures cite: the table
 * has no natural groups (any k slices a continuum), or the evidence is split between two k (both
 * named, why one was chosen, and the phrase that shows the other). `k` is the number of segments
 * shown, which the person may have fixed. Used by choose_k, segment and the upload summary.
 */
export function kCaveats(ks: KSelection, k: number): { sentences: string[]; facts: Fact[] } {
  if (ks.clearGroups === false) {
    return {
      sentences: [
        `This table shows no natural groups: it looks like one continuous cloud, so the ${k} segments are slices of a continuum, not natural groups. They can still rank or tier customers, but the lines between them are arbitrary.`,
      ],
      facts: [fact('Number of segments', k, 'k')],
    };
  }
  const runnerUp = ks.runnerUp ?? null;
  if (ks.split !== true || runnerUp === null) return { sentences: [], facts: [] };
  const votesFor = (kk: number): number => ks.votes?.find((v) => v.k === kk)?.votes ?? 0;
  const voters = (ks.votes ?? []).reduce((sum, v) => sum + v.votes, 0);
  const [a, b] = [votesFor(ks.recommended), votesFor(runnerUp)];
  const why = a > b ? 'more of the criteria point to it' : 'with equal support, fewer segments are simpler to act on';
  return {
    sentences: [
      `The evidence is split between ${ks.recommended} segments (${a} of ${voters} criteria) and ${runnerUp} segments (${b} of ${voters}); ${ks.recommended} was chosen because ${why}. Say “try ${runnerUp} segments” to see the other.`,
    ],
    facts: [
      fact('Recommended number of segments', ks.recommended, 'k'),
      fact('Runner-up number of segments', runnerUp, 'k'),
      fact(`Criteria for ${ks.recommended} segments`, a, 'count'),
      fact(`Criteria for ${runnerUp} segments`, b, 'count'),
      fact('Criteria that voted', voters, 'count'),
    ],
  };
}

/** The categorical columns asked for, by their names in the file; one sentence for a column that cannot be used. */
function checkedCategorical(names: readonly string[], analysis: Analysis): string[] {
  try {
    return categoricalFeatureColumns(analysis.table, names).map((c) => c.name);
  } catch (error) {
    if (error instanceof InputError) throw new ToolInputError(error.message, 'invalid');
    throw error;
  }
}

export const segment = defineTool({
  name: 'segment',
  description:
    'Re-run the segmentation with another method (kmeans, kmedoids, gmm), number of segments (k, or "auto") and/or categorical features. Use for "try 4 segments", "use k-medoids", "go back to automatic k", "include gender". Changes the conversation settings.',
  args: SegmentArgs,
  data: SegmentData,
  async run(args, session) {
    const categorical = args.categorical === undefined ? undefined : checkedCategorical(args.categorical, session.analysis);
    const settings: Settings = {
      k: args.k === undefined ? session.settings.k : args.k === 'auto' ? null : args.k,
      algorithm: args.algorithm ?? session.settings.algorithm,
      ...(categorical !== undefined ? { categorical } : session.settings.categorical ? { categorical: session.settings.categorical } : {}),
    };
    const rows = session.analysis.report.rowsUsed;
    if (settings.k !== null && settings.k >= rows) {
      throw new ToolInputError(`Cannot make ${settings.k} segments from ${rows} rows; choose fewer segments.`, 'invalid');
    }
    const changed = args.k !== undefined || args.algorithm !== undefined || args.seed !== undefined || categorical !== undefined;
    const analysis = changed ? await session.reanalyze(session.analysis, { ...settings, seed: args.seed, categorical }) : session.analysis;
    session.analysis = analysis;
    session.settings = settings;
    const r = analysis.report;
    const caveats = kCaveats(r.kSelection, r.segments.length);
    const facts = [...datasetFacts(analysis), ...allSegmentFacts(analysis), ...caveats.facts];
    const charts = chartIfAvailable(session, 'sizes', {});
    return {
      ...output([segmentationText(analysis, settings), ...caveats.sentences].join('\n'), {
        facts,
        table: segmentTable(analysis),
        charts,
        settings: changed ? { k: settings.k, algorithm: settings.algorithm, ...(categorical !== undefined ? { categorical } : {}) } : null,
      }),
      data: {
        algorithm: r.algorithm,
        k: r.segments.length,
        kChosenAutomatically: settings.k === null,
        recommendedK: hasEvidence(analysis) ? r.kSelection.recommended : null,
        segments: summaries(analysis),
      },
    };
  },
});

export const ChooseKArgs = z.object({}).describe('No arguments.');

export const ChooseKData = z.object({
  range: z.tuple([z.number().int(), z.number().int()]),
  recommended: z.number().int(),
  current: z.number().int(),
  criteria: KCriteriaSchema,
  agree: z.boolean(),
  /** The other candidate k, for a "try N segments" button; null when the criteria agree. */
  runnerUp: z.number().int().nullable(),
  split: z.boolean(),
  clearGroups: z.boolean(),
  reasons: z.array(z.string()),
  evidence: z.array(KEvidenceSchema),
});

export const chooseK = defineTool({
  name: 'choose_k',
  description:
    'The evidence for the number of segments: inertia (elbow), silhouette, Davies-Bouldin, Calinski-Harabasz, gap statistic and Gaussian-mixture BIC/ICL for each k, what each criterion picks, the recommendation with its reasons, the runner-up, and whether the table has natural groups at all. Use for "how many segments?", "why k = 3?".',
  args: ChooseKArgs,
  data: ChooseKData,
  async run(_args, session) {
    const { segments } = session.analysis.report;
    // A fixed k skipped the evidence: gather it now, once (the runner caches it), and answer from it.
    const fixed = !hasEvidence(session.analysis);
    const analysis = await withEvidence(session);
    // The same segments with the evidence: later tools, and the number check, read its reasons.
    session.analysis = analysis;
    const ks = analysis.report.kSelection;
    const facts = [fact('Recommended number of segments', ks.recommended, 'k'), fact('Number of segments', segments.length, 'k')];
    for (const e of ks.byK) {
      facts.push(fact(`Inertia at k = ${e.k}`, e.inertia));
      if (e.silhouette !== null) facts.push(fact(`Silhouette at k = ${e.k}`, e.silhouette));
      if (e.bic !== null) facts.push(fact(`BIC at k = ${e.k}`, e.bic));
    }
    const said = (pick: number | null | undefined, words: string): string | null => (pick === null || pick === undefined ? null : `${words} k = ${pick}`);
    const criteria = [
      said(ks.criteria.silhouette, 'the silhouette peaks at'),
      said(ks.criteria.daviesBouldin, 'Davies-Bouldin is lowest at'),
      said(ks.criteria.calinskiHarabasz, 'Calinski-Harabasz is highest at'),
      said(ks.criteria.gap, 'the gap statistic levels off at'),
      said(ks.criteria.bic, 'the Gaussian-mixture BIC is lowest at'),
      said(ks.criteria.icl, 'the mixture ICL is lowest at'),
      said(ks.criteria.elbow, 'the elbow of the inertia curve is at (no vote)'),
    ].filter((c): c is string => c !== null);
    const caveats = kCaveats(ks, segments.length);
    const best = ks.byK.find((e) => e.k === ks.recommended);
    const lines = [
      `*Recommended: k = ${ks.recommended}.* ${ks.agree ? 'The criteria agree' : 'The criteria differ'}: ${criteria.join('; ')}.`,
      ...ks.reasons.map((reason) => `• ${reason}`),
      ...caveats.sentences,
    ];
    if (best?.silhouette != null) lines.push(`Silhouette at k = ${ks.recommended}: ${formatDecimal(best.silhouette, 2)} (1 is perfectly separated, 0 is overlapping).`);
    if (fixed) lines.push(`The current segmentation uses k = ${segments.length}, fixed by this channel's setting; the evidence above was gathered on request and recommends k = ${ks.recommended}.`);
    else if (segments.length !== ks.recommended) lines.push(`The current segmentation uses k = ${segments.length}, set by you.`);
    const charts = [...chartIfAvailable(session, 'elbow', {}), ...chartIfAvailable(session, 'silhouette', {})];
    return {
      ...output(lines.join('\n'), { facts: [...facts, ...caveats.facts, fact('Perfect separation silhouette', 1), fact('Overlapping silhouette', 0)], charts }),
      data: {
        range: ks.range,
        recommended: ks.recommended,
        current: segments.length,
        criteria: ks.criteria,
        agree: ks.agree,
        runnerUp: ks.runnerUp ?? null,
        split: ks.split ?? false,
        clearGroups: ks.clearGroups ?? true,
        reasons: ks.reasons,
        evidence: ks.byK,
      },
    };
  },
});
