import type { Analysis } from '../../analysis/analysis.js';

/**
 * The strings of an analysis that come from the user's file: the file name, column names,
 * segment names (built from column names) and category values. Surfaces show them literally,
 * never as markup, mentions or links.
 */
export function untrustedLiterals(analysis: Analysis): string[] {
  const { report } = analysis;
  const found = new Set<string>([report.source, ...report.columns.map((column) => column.name), ...report.features]);
  for (const segment of report.segments) {
    found.add(segment.name);
    for (const [column, counts] of Object.entries(segment.categorical)) {
      found.add(column);
      for (const value of Object.keys(counts)) found.add(value);
    }
  }
  return [...found].filter((literal) => literal.trim().length > 0);
}
