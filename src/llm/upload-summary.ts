import type { Analysis } from '../analysis/analysis.js';
import { METHOD_NAMES } from '../analysis/report.js';
import { K_EVIDENCE_CHARTS, type ChartKind } from '../charts/types.js';
import { count } from '../data/wording.js';
import { silentLogger, type Logger } from '../common/logger.js';
import type { Answer, ChartOutput } from '../tools/answer.js';
import { buildToolChart } from '../tools/charts-adapter.js';
import { datasetFacts, segmentTable } from '../tools/facts.js';
import { kCaveats } from '../tools/segment.js';
import { customers, formatInteger, formatShare } from '../tools/format.js';
import { fact, type ChartBuilder } from '../tools/tool.js';
import type { LlmClient } from './client.js';
import { CHECKED_NOTE } from './compose.js';
import { writeInsights } from './insights.js';
import { checkContextFor, checkNumbers } from './number-check.js';
import { hasEvidence } from '../tools/evidence.js';

export interface UploadSummaryDeps {
  readonly llm?: LlmClient | null;
  /** The charts layer's catalogue by default; null for no charts. */
  readonly charts?: ChartBuilder | null;
  /** Append the written insights (default true). Surfaces that stream insights separately pass false. */
  readonly withInsights?: boolean;
  readonly log?: Logger;
}

const KEY_CHARTS: readonly ChartKind[] = ['profile', 'sizes', 'elbow'];
const MAX_NOTES = 8;

/**
 * The reply to an upload: data quality (rows used, what was dropped and why), the recommended k
 * with its reason, the segment table, the key charts (profile, sizes, elbow) and the insights.
 */
export async function summarizeUpload(analysis: Analysis, deps: UploadSummaryDeps = {}): Promise<Answer> {
  const log = deps.log ?? silentLogger;
  const r = analysis.report;
  const c = r.cleaning;
  const lines: string[] = [];
  const dropped = r.rowsIn - r.rowsUsed;
  lines.push(
    `*${r.source}*: ${formatInteger(r.rowsUsed)} of ${formatInteger(r.rowsIn)} rows used${dropped > 0 ? ` (${count(dropped, 'row')} dropped)` : ''}.`,
  );
  const notes = c.notes.slice(0, MAX_NOTES);
  for (const note of notes) lines.push(`• ${note}`);
  if (c.notes.length > notes.length) lines.push(`• …and ${formatInteger(c.notes.length - notes.length)} more notes (ask “describe the data”).`);
  const gathered = hasEvidence(analysis);
  const reason = r.kSelection.reasons[0] ?? '';
  if (gathered) lines.push('', `*Recommended: ${r.kSelection.recommended} segments.* ${reason}`);
  else lines.push('', `*${r.segments.length} segments, fixed by this channel's setting.* The evidence for the number of segments was not gathered; ask “why this k?” to see what it recommends.`);
  const caveats = kCaveats(r.kSelection, r.segments.length);
  lines.push(...caveats.sentences);
  lines.push('', `*Segments* (${METHOD_NAMES[r.algorithm]}):`);
  for (const s of r.segments) lines.push(`• Segment ${s.id}, ${s.name}: ${customers(s.size)} (${formatShare(s.share)})`);
  const facts = [
    ...datasetFacts(analysis),
    fact('Rows dropped', dropped, 'count'),
    fact('Further cleaning notes', Math.max(0, c.notes.length - notes.length), 'count'),
    ...caveats.facts,
    ...r.segments.flatMap((s) => [fact(`Segment ${s.id} size`, s.size, 'count'), fact(`Segment ${s.id} share`, s.share, 'share')]),
  ];
  const summaryText = lines.join('\n');
  const check = checkNumbers(summaryText, checkContextFor(analysis, facts));
  if (!check.ok) log.warn({ unsupported: check.unsupported.map((n) => n.text) }, 'upload summary failed the number check');

  const charts: ChartOutput[] = [];
  const draw = deps.charts === undefined ? buildToolChart : deps.charts;
  if (draw) {
    // A fixed k that skipped the evidence has no elbow to draw.
    for (const kind of KEY_CHARTS.filter((kind) => gathered || !K_EVIDENCE_CHARTS.has(kind))) {
      try {
        charts.push(draw(kind, analysis, {}));
      } catch (error) {
        log.warn({ kind, err: error instanceof Error ? error.message : String(error) }, 'chart could not be drawn');
      }
    }
  }
  const base: Answer = {
    text: summaryText,
    table: segmentTable(analysis),
    charts,
    files: [],
    facts,
    toolsUsed: ['describe_data', 'choose_k', 'segment'],
    numbersChecked: check.ok,
    footnote: check.ok ? CHECKED_NOTE : null,
    settings: null,
  };
  if (deps.withInsights === false) return base;
  const insights = await writeInsights(analysis, { llm: deps.llm ?? null, log });
  return {
    ...base,
    text: `${summaryText}\n\n${insights.text}`,
    facts: [...facts, ...insights.facts],
    numbersChecked: check.ok && insights.numbersChecked,
    footnote: insights.footnote ?? base.footnote,
  };
}
