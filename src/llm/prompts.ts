import { readFileSync } from 'node:fs';

/**
 * The prompts are plain files in prompts/ so they can be read and edited without touching code.
 * Strings from the uploaded file reach a prompt only inside `dataBlock`: JSON-encoded and fenced
 * by markers the system prompt explains, never spliced into the instructions.
 */
const PROMPTS_DIR = new URL('../../prompts/', import.meta.url);
const cache = new Map<string, string>();

export type PromptName = 'router-system' | 'insights-system' | 'number-retry';

export function loadPrompt(name: PromptName): string {
  const cached = cache.get(name);
  if (cached !== undefined) return cached;
  const text = readFileSync(new URL(`${name}.md`, PROMPTS_DIR), 'utf8').trim();
  cache.set(name, text);
  return text;
}

/** Fill {{name}} placeholders; the values are our own text (lists of numbers), never file content. */
export function fillPrompt(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => values[key] ?? whole);
}

export const DATA_START = '<<<DATA';
export const DATA_END = 'DATA>>>';

/**
 * Data for the model: JSON (so every string from the file is quoted and escaped) between the
 * markers. A string that tries to close the block early is defused by escaping the marker.
 */
export function dataBlock(data: unknown): string {
  const json = JSON.stringify(data, null, 1).replaceAll(DATA_END, 'DATA\\u003e\\u003e\\u003e').replaceAll(DATA_START, '\\u003c\\u003c\\u003cDATA');
  return `${DATA_START}\n${json}\n${DATA_END}`;
}
