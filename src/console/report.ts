import { relative } from 'node:path';
import type { TranscriptEntry } from './console-conversation.js';

export interface ReportSection {
  readonly heading: string;
  readonly entries: readonly TranscriptEntry[];
}

/**
 * A console transcript as a Markdown report: Slack-style *bold* becomes **bold**, tables become
 * Markdown tables, charts are embedded images and exports links, paths relative to the report.
 */
export function transcriptMarkdown(title: string, sections: readonly ReportSection[], reportDir: string): string {
  const out: string[] = [`# ${title}`, ''];
  for (const section of sections) {
    out.push(`## ${section.heading}`, '');
    for (const entry of section.entries) out.push(entryMarkdown(entry, reportDir), '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

function entryMarkdown(entry: TranscriptEntry, reportDir: string): string {
  switch (entry.kind) {
    case 'text':
      return mrkdwnToMarkdown(entry.text);
    case 'note':
      return `_${entry.text}_`;
    case 'table':
      return markdownTable(entry.columns, entry.rows);
    case 'image':
      return `![${entry.title}](${linkPath(entry.path, reportDir)})`;
    case 'file':
      return `[${linkPath(entry.path, reportDir)}](${linkPath(entry.path, reportDir)})`;
  }
}

/** Slack mrkdwn bold (*text*) to Markdown bold; bullets and line breaks kept as Markdown lines. */
export function mrkdwnToMarkdown(text: string): string {
  return text
    .replace(/(^|[\s(“"])\*([^*\n]+?)\*(?=$|[\s.,;:!?)”"])/gm, '$1**$2**')
    .split('\n')
    .map((line) => (line.startsWith('• ') ? `- ${line.slice(2)}` : line))
    .join('\n');
}

function markdownTable(columns: readonly string[], rows: readonly (readonly string[])[]): string {
  const cell = (value: string | undefined) => (value ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [
    `| ${columns.map(cell).join(' | ')} |`,
    `| ${columns.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${columns.map((_, i) => cell(row[i])).join(' | ')} |`),
  ].join('\n');
}

function linkPath(path: string, reportDir: string): string {
  return relative(reportDir, path).split('\\').join('/');
}
