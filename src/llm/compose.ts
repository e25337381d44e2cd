import type { Analysis } from '../analysis/analysis.js';
import type { Answer, Fact } from '../tools/answer.js';
import type { ToolRun } from '../tools/registry.js';
import { checkContextFor, checkNumbers, type NumberCheckResult } from './number-check.js';

/** Footnote of an answer whose figures all passed the number check. */
export const CHECKED_NOTE = 'Figures checked against the analysis.';

/** Facts of the runs, without repeats. */
export function runFacts(runs: readonly ToolRun[]): Fact[] {
  const seen = new Set<string>();
  const out: Fact[] = [];
  for (const f of runs.flatMap((r) => r.result.facts)) {
    const key = `${f.label}\u0000${f.value}\u0000${f.unit}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(f);
    }
  }
  return out;
}

/** Passages the runs produced verbatim that may hold digits and are not claims: chart titles, file names. */
export function runTrusted(runs: readonly ToolRun[]): string[] {
  return runs.flatMap((r) => [...r.result.charts.map((c) => c.title), ...r.result.files.map((f) => f.fileName)]);
}

export function checkText(text: string, analysis: Analysis, facts: readonly Fact[], runs: readonly ToolRun[]): NumberCheckResult {
  return checkNumbers(text, checkContextFor(analysis, facts, runTrusted(runs)));
}

/** The Answer for a set of tool runs and the text that explains them. */
export function composeAnswer(runs: readonly ToolRun[], text: string, check: NumberCheckResult, extra: Partial<Answer> = {}): Answer {
  const tables = runs.map((r) => r.result.table).filter((t) => t !== null);
  const settings = runs.map((r) => r.result.settings).filter((s) => s !== null);
  return {
    text,
    table: tables.length > 0 ? tables[tables.length - 1] : null,
    charts: runs.flatMap((r) => r.result.charts),
    files: runs.flatMap((r) => r.result.files),
    facts: runFacts(runs),
    toolsUsed: runs.map((r) => r.tool),
    numbersChecked: check.ok,
    footnote: check.ok && check.checked > 0 ? CHECKED_NOTE : null,
    settings: settings.length > 0 ? settings[settings.length - 1] : null,
    ...extra,
  };
}

/** The tools' own texts, one after the other: the deterministic reply to a set of runs. */
export function runsText(runs: readonly ToolRun[]): string {
  return runs.map((r) => r.result.text).join('\n\n');
}
