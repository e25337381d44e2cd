import type { Analysis } from '../analysis/analysis.js';
import { featureLabel } from '../analysis/feature-labels.js';
import { METHOD_NAMES, numericFeatures, type Segment } from '../analysis/report.js';
import { customers, formatDecimal, formatFeatureValue, formatShare, smallNumberWord } from '../tools/format.js';
import { overallStats } from '../tools/lookup.js';
import { campaigns, serviceActions } from '../tools/playbook/playbook.js';
import { campaignText, serviceText } from '../tools/playbook/render.js';
import { hasEvidence } from '../tools/evidence.js';

/**
 * The built-in insight writer: real prose from the facts, segment by segment, with the actual
 * figures, a campaign per segment and the support-service actions. It is the fallback whenever a
 * model is absent or fails the number check, so it formats numbers exactly as the checker expects.
 */
export function writeInsightsText(analysis: Analysis): string {
  return [keyFindings(analysis), segmentParagraphs(analysis), campaignSection(analysis), serviceSection(analysis)].join('\n\n');
}

function times(value: number, overall: number): string {
  if (overall === 0 || !Number.isFinite(value / overall)) return '';
  const ratio = value / overall;
  return ratio >= 1.5 || ratio <= 0.67 ? ` (${formatDecimal(ratio, 1)}× the average)` : '';
}

/** "support calls 6.9 on average vs 3.6 overall (1.9× the average)" */
function versus(analysis: Analysis, segment: Segment, feature: string, named = true): string {
  const overall = overallStats(analysis).mean[feature];
  const short = named ? `${featureLabel(feature).short} ` : '';
  return `${short}${formatFeatureValue(feature, segment.mean[feature])} on average vs ${formatFeatureValue(feature, overall)} overall${times(segment.mean[feature], overall)}`;
}

function keyFindings(analysis: Analysis): string {
  const r = analysis.report;
  const k = r.segments.length;
  const lines = ['*Key findings*'];
  const gathered = hasEvidence(analysis);
  const why = r.kSelection.agree ? 'the elbow, the silhouette and the mixture BIC all point there' : 'the criteria do not all agree, so treat it as a judgement call';
  lines.push(
    `• The ${customers(r.rowsUsed)} fall into ${smallNumberWord(k)} segments with ${METHOD_NAMES[r.algorithm]}${!gathered ? ` (k fixed by the channel's setting; ask “why this k?” for the evidence)` : k === r.kSelection.recommended ? ` (${why})` : ` (you chose k = ${k}; the evidence recommends ${r.kSelection.recommended})`}.`,
  );
  const bySize = [...r.segments].sort((a, b) => b.size - a.size);
  const largest = bySize[0];
  lines.push(`• The largest is Segment ${largest.id} (${largest.name}), ${customers(largest.size)} or ${formatShare(largest.share)}; the smallest is Segment ${bySize[k - 1].id}, ${customers(bySize[k - 1].size)} (${formatShare(bySize[k - 1].share)}).`);
  const contrasts = r.segments
    .map((s) => ({ s, d: s.distinguishing[0] }))
    .filter((x) => x.d !== undefined && Math.abs(x.d.deviation) >= 0.5)
    .sort((a, b) => Math.abs(b.d.deviation) - Math.abs(a.d.deviation))
    .slice(0, 3);
  for (const { s, d } of contrasts) lines.push(`• Segment ${s.id} stands out on ${featureLabel(d.feature).short}: ${versus(analysis, s, d.feature, false)}.`);
  const agreement = r.agreement.kmeansVsGmm ?? r.agreement.kmeansVsKmedoids;
  if (agreement !== null) {
    const strength = agreement >= 0.9 ? 'almost the same segments' : agreement >= 0.6 ? 'broadly similar segments' : 'noticeably different segments';
    lines.push(`• The methods find ${strength} (agreement ${formatDecimal(agreement, 2)} on the adjusted Rand index, where 1 means identical), so the segments are ${agreement >= 0.6 ? 'robust' : 'sensitive to the method'}.`);
  }
  return lines.join('\n');
}

function segmentParagraphs(analysis: Analysis): string {
  const r = analysis.report;
  const overall = overallStats(analysis).mean;
  const paragraphs = r.segments.map((s) => {
    const apart = s.distinguishing.filter((d) => Math.abs(d.deviation) >= 0.25);
    const main = apart.length > 0 ? apart : s.distinguishing.slice(0, 1);
    const first = `*Segment ${s.id}: ${s.name}* (${customers(s.size)}, ${formatShare(s.share)}).`;
    const set = main.map((d) => versus(analysis, s, d.feature));
    const setApart = set.length > 0 ? ` What sets them apart: ${set.join('; ')}.` : '';
    const rest = numericFeatures(r).filter((f) => !main.some((d) => d.feature === f));
    const others =
      rest.length > 0
        ? ` Otherwise close to typical: ${rest.map((f) => `${featureLabel(f).short} ${formatFeatureValue(f, s.mean[f])} (overall ${formatFeatureValue(f, overall[f])})`).join(', ')}.`
        : '';
    return `${first}${setApart}${others}`;
  });
  return ['*The segments*', ...paragraphs].join('\n');
}

function campaignSection(analysis: Analysis): string {
  return ['*A campaign for each segment*', ...campaigns(analysis).map(campaignText)].join('\n\n');
}

function serviceSection(analysis: Analysis): string {
  return ['*Support-service actions*', serviceText(serviceActions(analysis))].join('\n');
}
