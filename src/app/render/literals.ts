import type { Analysis } from '../../analysis/analysis.js';
import { featureLabel } from '../../analysis/feature-labels.js';
import { quoted } from '../../tools/format.js';
import type { ComparisonResult } from '../../analysis/migration.js';

/**
 * The strings of an analysis that come from the user's file, in the forms answers quote them:
 * the file name; column names, also shortened as describe_data shows them (`quoted(name, 40)`);
 * feature labels, whose bracketed part ("Income (k$)") is the header's own text; segment names;
 * and the categorical columns and values the report counts. Surfaces show them literally.
 */
export function untrustedLiterals(analysis: Analysis): string[] {
  const { report } = analysis;
  const found = new Set<string>([report.source]);
  for (const { name } of report.columns) {
    found.add(name);
    found.add(quoted(name, 40).slice(1, -1));
    found.add(quoted(name).slice(1, -1));
  }
  for (const feature of report.features) {
    const { label, short } = featureLabel(feature);
    // Sentences also use the label in lower case ("high average credit limit").
    found.add(label).add(label.toLowerCase()).add(short);
  }
  for (const segment of report.segments) {
    found.add(segment.name);
    for (const [column, counts] of Object.entries(segment.categorical)) {
      found.add(column);
      for (const value of Object.keys(counts)) found.add(value);
    }
  }
  return [...found].filter((literal) => literal.trim().length > 0);
}

/** The strings of a comparison from the users' files: the previous file's name, the key column, previous segment names, duplicated keys. */
export function comparisonLiterals(result: ComparisonResult): string[] {
  const c = result.comparison;
  const found = [c.previousSource, c.keyColumn ?? '', ...c.previousSegments.map((s) => s.name), ...c.duplicateKeys.examples, ...c.missingFeatures];
  for (const text of [c.keyColumn, ...c.duplicateKeys.examples, ...c.missingFeatures]) if (text) found.push(quoted(text).slice(1, -1));
  return found.filter((literal) => literal.trim().length > 0);
}
