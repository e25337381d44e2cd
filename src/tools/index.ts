/** Public API of the typed tools: the one API Slack, the CLI and the model all call. */
export { restoreAnalysis, snapshotAnalysis } from './analysis-snapshot.js';
export { buildToolChart } from './charts-adapter.js';
export { analysisFacts, segmentTable } from './facts.js';
export { findTool, runTool, ToolArgumentsError, toolJsonSchemas, TOOL_NAMES, TOOLS, type ToolName, type ToolResult, type ToolRun } from './registry.js';
export { resolveFeature, resolveSegment, type Resolution } from './resolve.js';
export { ToolInputError, type ChartBuilder, type Reanalyze, type ToolSession } from './tool.js';
