import { numericFeatures } from '../analysis/report.js';
import type { Analysis } from '../analysis/analysis.js';
import { featureLabel } from '../analysis/feature-labels.js';
import { formatInteger } from '../tools/format.js';
import { overallStats } from '../tools/lookup.js';

/** What the bot can answer, with examples built from this dataset's own columns. */
export function helpText(analysis: Analysis): string {
  const features = numericFeatures(analysis.report);
  const short = (i: number): string => featureLabel(features[i % features.length]).short;
  const median = (i: number): string => formatInteger(overallStats(analysis).median[features[i % features.length]]);
  const k = analysis.report.segments.length;
  const other = k + 1 <= 10 ? k + 1 : k - 1;
  return [
    'I can answer questions about the segments of this data, for example:',
    `• Rankings: “which segment has the highest ${short(0)}?”, “who has the lowest ${short(1)}?”`,
    '• Profiles and comparisons: “tell me about segment 1”, “describe the biggest segment”, “compare segment 1 and 2”',
    `• The number of segments: “how many segments?”, “why k = ${analysis.report.kSelection.recommended}?”, “try ${other} segments”, “back to automatic k”`,
    '• Methods: “use k-medoids”, “use a Gaussian mixture”, “compare the methods”',
    '• Charts: “show the elbow”, “show the pair plot”, “show the map”, “show the segment profiles”',
    '• Advice: “campaign ideas”, “who should we upsell?”, “how can we improve support?”',
    `• A new customer: “which segment would a customer with ${median(0)} ${short(0)} and ${median(1)} ${short(1)} be in?”`,
    `• Customers: “export segment 1”, “customers with more than ${median(1)} ${short(1)}”`,
    '• The data: “describe the data”, “summary”',
  ].join('\n');
}

/** The honest reply to a question the deterministic router cannot map: no guess, the list of what it can do. */
export function unknownText(analysis: Analysis): string {
  return `I could not match that question to an analysis I can run, so I will not guess.\n${helpText(analysis)}`;
}
