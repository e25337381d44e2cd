import type { ChartKind } from '../charts/types.js';
import type { ChartOutput } from './answer.js';
import type { ChartParams, ToolSession } from './tool.js';

/**
 * A chart to go with a tool's answer when charts are available. A chart is a bonus: if it cannot
 * be drawn the answer still stands, so the failure is logged and the chart left out.
 */
export function chartIfAvailable(session: ToolSession, kind: ChartKind, params: ChartParams): ChartOutput[] {
  if (!session.charts) return [];
  try {
    return [session.charts(kind, session.analysis, params)];
  } catch (error) {
    session.log.warn({ kind, err: error instanceof Error ? error.message : String(error) }, 'chart could not be drawn');
    return [];
  }
}
