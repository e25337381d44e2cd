import type { Analysis } from '../../src/analysis/analysis.js';
import { createAnalysisRunner } from '../../src/app/analysis-runner.js';
import { silentLogger } from '../../src/common/logger.js';
import type { ConversationContext } from '../../src/llm/ask.js';
import type { Settings } from '../../src/analysis/settings.js';

/** Re-analyses in tests go through the application's runner, in this thread. */
const runner = createAnalysisRunner({ workers: 0, log: silentLogger });
const datasetIds = new WeakMap<object, string>();
let tablesSeen = 0;

/** A stable id per table, so the runner's cache never mixes two tests' data. */
function datasetOf(analysis: Analysis): string {
  let id = datasetIds.get(analysis.table);
  if (id === undefined) {
    tablesSeen += 1;
    id = `test-table-${tablesSeen}`;
    datasetIds.set(analysis.table, id);
  }
  return id;
}

/** What `ask` needs for a conversation about `analysis`: its settings and a re-analysis through the runner. */
export function conversationContext(
  analysis: Analysis,
  settings: Settings = { k: null, algorithm: 'kmeans' },
  extra: Partial<Omit<ConversationContext, 'analysis' | 'settings'>> = {},
): ConversationContext {
  return { analysis, settings: { ...settings }, reanalyze: (base, variation) => runner.vary(base, datasetOf(base), variation), ...extra };
}
