import { numericFeatures } from '../analysis/report.js';
import { z } from 'zod';
import { correlationMatrix } from '../analysis/stats.js';
import type { Analysis } from '../analysis/analysis.js';
import { featureLabel } from '../analysis/feature-labels.js';
import { count } from '../data/wording.js';
import { featureFactUnit } from './facts.js';
import { formatDecimal, formatFeatureValue, formatInteger, quoted } from './format.js';
import { overallStats } from './lookup.js';
import { defineTool, fact, output } from './tool.js';

export const DescribeDataArgs = z.object({}).describe('No arguments.');

const CorrelationSchema = z.object({ a: z.string(), b: z.string(), r: z.number() });

export const DescribeDataData = z.object({
  rowsIn: z.number().int(),
  rowsUsed: z.number().int(),
  columns: z.array(z.object({ name: z.string(), role: z.string(), reason: z.string() })),
  features: z.array(
    z.object({
      name: z.string(),
      label: z.string(),
      unit: z.string(),
      mean: z.number(),
      median: z.number(),
      std: z.number(),
      skew: z.number().nullable(),
      outliers: z.number().int(),
    }),
  ),
  cleaningNotes: z.array(z.string()),
  /** Feature pairs by absolute Pearson correlation, strongest first. */
  correlations: z.array(CorrelationSchema),
});

/** Pearson correlation of every feature pair, strongest first. */
export function featureCorrelations(analysis: Analysis): z.infer<typeof CorrelationSchema>[] {
  const features = analysis.table.features;
  const r = correlationMatrix(analysis.table.matrix);
  const d = features.length;
  const pairs: z.infer<typeof CorrelationSchema>[] = [];
  for (let a = 0; a < d; a++) {
    for (let b = a + 1; b < d; b++) pairs.push({ a: features[a], b: features[b], r: r[a * d + b] });
  }
  return pairs.sort((x, y) => Math.abs(y.r) - Math.abs(x.r));
}

export const describeData = defineTool({
  name: 'describe_data',
  description:
    'Describe the uploaded data: rows in and used, columns and their roles, the cleaning report (dropped, imputed, outliers), skew and the strongest correlations between features.',
  args: DescribeDataArgs,
  data: DescribeDataData,
  async run(_args, session) {
    const { analysis } = session;
    const r = analysis.report;
    const overall = overallStats(analysis);
    const correlations = featureCorrelations(analysis);
    const features = numericFeatures(r).map((f) => ({
      name: f,
      label: featureLabel(f).label,
      unit: featureLabel(f).unit,
      mean: overall.mean[f],
      median: overall.median[f],
      std: overall.std[f],
      skew: r.cleaning.skew[f] ?? null,
      outliers: r.cleaning.outliers[f] ?? 0,
    }));
    const facts = [fact('Rows in the file', r.rowsIn, 'count'), fact('Rows used', r.rowsUsed, 'count'), fact('Features clustered', r.features.length, 'count')];
    for (const f of features) {
      const unit = featureFactUnit(f.name);
      facts.push(fact(`Overall mean ${f.label}`, f.mean, unit), fact(`Overall median ${f.label}`, f.median, unit));
      if (f.skew !== null) facts.push(fact(`Skewness of ${f.label}`, f.skew));
      facts.push(fact(`Outliers in ${f.label}`, f.outliers, 'count'));
    }
    for (const c of correlations.slice(0, 3)) facts.push(fact(`Correlation of ${featureLabel(c.a).label} and ${featureLabel(c.b).label}`, c.r));

    const lines = [
      `*The data:* ${count(r.rowsUsed, 'row')} used of ${formatInteger(r.rowsIn)} in the file; ${count(r.features.length, 'feature')} clustered: ${r.features
        .map((f) => featureLabel(f).label)
        .join(', ')}.`,
    ];
    const others = r.columns.filter((c) => c.role !== 'feature' && !(r.categoricalFeatures ?? []).includes(c.name));
    if (others.length > 0) lines.push(`Not clustered: ${others.map((c) => `${quoted(c.name, 40)} (${c.reason})`).join(', ')}.`);
    for (const note of r.cleaning.notes) lines.push(`• ${note}`);
    lines.push('*Features* (mean, median, skew):');
    for (const f of features) {
      const skew = f.skew === null ? '' : `, skew ${formatDecimal(f.skew, 2)}`;
      lines.push(`• ${f.label}: ${formatFeatureValue(f.name, f.mean)} mean, ${formatFeatureValue(f.name, f.median)} median${skew}`);
    }
    const strong = correlations.filter((c) => Math.abs(c.r) >= 0.5).slice(0, 3);
    if (strong.length > 0) {
      lines.push(
        `Strongest correlations: ${strong.map((c) => `${featureLabel(c.a).short} and ${featureLabel(c.b).short} (${formatDecimal(c.r, 2)})`).join('; ')}.`,
      );
      strong.forEach((c) => facts.push(fact(`Correlation of ${featureLabel(c.a).label} and ${featureLabel(c.b).label}`, c.r)));
    }
    return {
      ...output(lines.join('\n'), { facts }),
      data: {
        rowsIn: r.rowsIn,
        rowsUsed: r.rowsUsed,
        columns: r.columns.map((c) => ({ name: c.name, role: c.role, reason: c.reason })),
        features,
        cleaningNotes: r.cleaning.notes,
        correlations: correlations.slice(0, 10),
      },
    };
  },
});
