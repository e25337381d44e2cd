import type { Analysis } from '../analysis/analysis.js';
import { featureLabel } from '../analysis/feature-labels.js';
import { numericFeatures, type Segment } from '../analysis/report.js';
import type { Fact } from './answer.js';
import { customers, formatFeatureValue, formatShare } from './format.js';
import { overallStats } from './lookup.js';
import { fact } from './tool.js';
import { hasEvidence } from './evidence.js';

/** The Fact unit of a feature's values: money, a percent column, or a plain number (means of counts are not counts). */
export function featureFactUnit(feature: string): Fact['unit'] {
  const { unit } = featureLabel(feature);
  return unit === 'currency' ? 'currency' : unit === 'percent' ? 'percent' : 'number';
}

/** Counts of the dataset: rows in and used, features, segments. */
export function datasetFacts(analysis: Analysis): Fact[] {
  const r = analysis.report;
  return [
    fact('Rows in the file', r.rowsIn, 'count'),
    fact('Rows used', r.rowsUsed, 'count'),
    fact('Rows not used', r.rowsIn - r.rowsUsed, 'count'),
    fact('Features clustered', r.features.length, 'count'),
    fact('Number of segments', r.segments.length, 'k'),
    // A fixed k that skipped the evidence has no recommendation to cite.
    ...(hasEvidence(analysis) ? [fact('Recommended number of segments', r.kSelection.recommended, 'k')] : []),
  ];
}

/** The overall mean of every feature. */
export function overallFacts(analysis: Analysis): Fact[] {
  const overall = overallStats(analysis);
  return numericFeatures(analysis.report).flatMap((f) => [
    fact(`Overall mean ${featureLabel(f).label}`, overall.mean[f], featureFactUnit(f)),
    fact(`Overall median ${featureLabel(f).label}`, overall.median[f], featureFactUnit(f)),
  ]);
}

/**
 * One segment's figures: size, share, mean and median per feature, and how each mean compares
 * with the overall mean (ratio, and difference in percent), so prose like "twice the average"
 * or "92% more calls" can be checked.
 */
export function segmentFacts(segment: Segment, analysis: Analysis): Fact[] {
  const overall = overallStats(analysis);
  const tag = `Segment ${segment.id}`;
  const facts = [fact(`${tag} size`, segment.size, 'count'), fact(`${tag} share`, segment.share, 'share')];
  for (const f of numericFeatures(analysis.report)) {
    const label = featureLabel(f).label;
    const unit = featureFactUnit(f);
    facts.push(fact(`${tag} mean ${label}`, segment.mean[f], unit), fact(`${tag} median ${label}`, segment.median[f], unit));
    facts.push(fact(`${tag} min ${label}`, segment.min[f], unit), fact(`${tag} max ${label}`, segment.max[f], unit));
    const base = overall.mean[f];
    if (base !== 0 && Number.isFinite(base)) {
      const ratio = segment.mean[f] / base;
      facts.push(fact(`${tag} mean ${label} relative to overall mean`, ratio, 'number'));
      facts.push(fact(`${tag} mean ${label} difference from overall mean, percent`, Math.abs(ratio - 1) * 100, 'percent'));
    }
  }
  return facts;
}

export function allSegmentFacts(analysis: Analysis): Fact[] {
  return analysis.report.segments.flatMap((s) => segmentFacts(s, analysis));
}

/** The facts of the analysis as a whole: dataset, overall figures, every segment, method agreement, k evidence. */
export function analysisFacts(analysis: Analysis): Fact[] {
  const r = analysis.report;
  const facts = [...datasetFacts(analysis), ...overallFacts(analysis), ...allSegmentFacts(analysis)];
  const a = r.agreement;
  if (a.kmeansVsKmedoids !== null) facts.push(fact('Agreement K-Means vs K-Medoids (adjusted Rand index)', a.kmeansVsKmedoids));
  if (a.kmeansVsGmm !== null) facts.push(fact('Agreement K-Means vs Gaussian mixture (adjusted Rand index)', a.kmeansVsGmm));
  if (a.kmedoidsVsGmm !== null) facts.push(fact('Agreement K-Medoids vs Gaussian mixture (adjusted Rand index)', a.kmedoidsVsGmm));
  facts.push(fact('Adjusted Rand index of identical partitions', 1));
  for (const e of r.kSelection.byK) {
    if (e.silhouette !== null) facts.push(fact(`Silhouette at k = ${e.k}`, e.silhouette));
  }
  return facts;
}

/** The segment table every surface shows: id, name, size, share and the distinguishing figures. */
export function segmentTable(analysis: Analysis): { columns: string[]; rows: string[][] } {
  const overall = overallStats(analysis);
  return {
    columns: ['Segment', 'Name', 'Customers', 'Share', 'What sets it apart (segment vs overall mean)'],
    rows: analysis.report.segments.map((s) => [
      String(s.id),
      s.name,
      customers(s.size).replace(/ customers?$/, ''),
      formatShare(s.share),
      s.distinguishing
        .map((d) => `${featureLabel(d.feature).short} ${formatFeatureValue(d.feature, s.mean[d.feature])} vs ${formatFeatureValue(d.feature, overall.mean[d.feature])}`)
        .join('; '),
    ]),
  };
}
