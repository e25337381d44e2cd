/** Public API of the routing and writing layer, for Slack, the console and the CLI. */
export { answerDeterministically, ask, createSession, MAX_QUESTION_CHARS, questionLengthProblem, reanalyzeTable, type AskDeps, type ConversationContext } from './ask.js';
export { createLlmClient, type LlmClient } from './client.js';
export { LlmConfigError, LlmEnvSchema, loadLlmConfig, type LlmConfig } from './config.js';
export { writeInsights, type InsightDeps } from './insights.js';
export { checkNumbers, checkContextFor, type NumberCheckContext, type NumberCheckResult } from './number-check.js';
export { routeQuestion, type RoutePlan } from './router.js';
export type { HistoryTurn } from './tool-loop.js';
export { summarizeUpload, type UploadSummaryDeps } from './upload-summary.js';
export { writeInsightsText } from './writer.js';
