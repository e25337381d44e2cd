import { relative } from 'node:path';
import { markdownSafe } from '../app/render/escape.js';
import { markdownTable } from '../app/render/markdown.js';
import type { TranscriptEntry } from './console-conversation.js';

export interface ReportSection {
  readonly heading: string;
  readonly entries: readonly TranscriptEntry[];
}

/**
 * A console transcript as a Markdown report (the Markdown renderer's text and tables), charts as
 * embedded images and exports as links, paths relative to the report.
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
      return markdownSafe(entry.text, entry.literals);
    case 'note':
      return `_${markdownSafe(entry.text, entry.literals)}_`;
    case 'table':
      return markdownTable(entry.columns, entry.rows, entry.literals);
    case 'image':
      return `![${markdownSafe(entry.title, [])}](${linkPath(entry.path, reportDir)})`;
    case 'file':
      return `[${linkPath(entry.path, reportDir)}](${linkPath(entry.path, reportDir)})`;
  }
}

function linkPath(path: string, reportDir: string): string {
  return relative(reportDir, path).split('\\').join('/');
}
