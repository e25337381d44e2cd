import { z } from 'zod';
import { campaignSuggestions, serviceActionsTool } from './campaigns.js';
import { segmentChanges } from './changes.js';
import { chart } from './chart.js';
import { compareMethods } from './compare-methods.js';
import { describeData } from './describe-data.js';
import { findCustomers } from './find-customers.js';
import { predictSegment } from './predict.js';
import { compareSegments, profileSegment } from './profile.js';
import { rankSegments } from './rank.js';
import { chooseK, segment } from './segment.js';
import { toolResultSchema, ToolInputError, type ToolDefinition, type ToolOutputBase, type ToolSession } from './tool.js';
import { DomainError } from '../common/errors.js';

/** Every tool, in the order the model sees them. Slack, the CLI and the LLM all run tools through this list. */
export const TOOLS = [
  describeData,
  segment,
  chooseK,
  profileSegment,
  compareSegments,
  rankSegments,
  compareMethods,
  findCustomers,
  predictSegment,
  chart,
  campaignSuggestions,
  serviceActionsTool,
  segmentChanges,
] as const satisfies readonly ToolDefinition[];

export type ToolName = (typeof TOOLS)[number]['name'];
export const TOOL_NAMES = TOOLS.map((t) => t.name) as readonly ToolName[];

export function findTool(name: string): ToolDefinition | undefined {
  return (TOOLS as readonly ToolDefinition[]).find((t) => t.name === name);
}

export type ToolResult = ToolOutputBase & { readonly data: unknown };

export interface ToolRun {
  readonly tool: ToolName;
  /** The arguments after validation (defaults applied), before phrases were resolved to columns. */
  readonly args: Record<string, unknown>;
  readonly result: ToolResult;
}

/** A failed validation, worded so a model (or a person) can correct the call. */
export class ToolArgumentsError extends DomainError {
  override readonly name = 'ToolArgumentsError';
  constructor(message: string) {
    super(message, 'tool-arguments');
  }
}

/**
 * Validate the arguments with the tool's zod schema, run it, and check its result against the
 * result schema. Throws ToolArgumentsError for an unknown tool or bad arguments, ToolInputError
 * when a phrase cannot be resolved (the message asks back).
 */
export async function runTool(name: string, rawArgs: unknown, session: ToolSession): Promise<ToolRun> {
  const tool = findTool(name);
  if (!tool) throw new ToolArgumentsError(`There is no tool named ${JSON.stringify(name)}; the tools are ${TOOL_NAMES.join(', ')}.`);
  const parsed = tool.args.safeParse(rawArgs ?? {});
  if (!parsed.success) throw new ToolArgumentsError(`Invalid arguments for ${tool.name}: ${z.prettifyError(parsed.error)}`);
  const result = await tool.run(parsed.data, session);
  const checked = toolResultSchema(tool.data).parse(result);
  return { tool: tool.name as ToolName, args: parsed.data as Record<string, unknown>, result: checked };
}

/**
 * The tools as the model sees them: name, description and the JSON schema of the arguments
 * (input side, so arguments with defaults are optional).
 */
export function toolJsonSchemas(): { name: string; description: string; parameters: Record<string, unknown> }[] {
  return TOOLS.map((t) => {
    const { $schema: _schema, ...parameters } = z.toJSONSchema(t.args, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
    return { name: t.name, description: t.description, parameters };
  });
}

export { ToolInputError };
