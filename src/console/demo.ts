import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { localFile } from '../app/local-file.js';
import { createSegmentApp, type SegmentAppOverrides } from '../app/segment-app.js';
import type { Logger } from '../common/logger.js';
import type { AppConfig } from '../config.js';
import { ConsoleConversation } from './console-conversation.js';
import { transcriptMarkdown, type ReportSection } from './report.js';
import { CONSOLE_KEY } from './session.js';

export const DEMO_CSV = 'data/sample-customers.csv';
export const DEMO_QUESTIONS = ['which segment calls support most?', 'suggest a campaign per segment', 'show the segment map'] as const;

export interface DemoOptions {
  readonly csvPath: string;
  /** Where report.md and the charts go. */
  readonly outDir: string;
  readonly output: Writable;
  readonly config: AppConfig;
  readonly log: Logger;
  /** Parts of the app to replace (tests). */
  readonly overrides?: Omit<SegmentAppOverrides, 'dataDir'>;
}

/**
 * The whole story without Slack, non-interactively: upload the sample CSV, ask the three
 * questions, and write `report.md` with every answer and chart. Uses a throwaway data
 * directory so a demo run never touches the console's or the bot's stored channels.
 */
export async function runDemo(options: DemoOptions): Promise<{ reportPath: string }> {
  const outDir = resolve(options.outDir);
  await mkdir(outDir, { recursive: true });
  const dataDir = await mkdtemp(join(tmpdir(), 'segment-analyst-demo-'));
  const app = await createSegmentApp(options.config, options.log, { ...options.overrides, dataDir });
  try {
    const conversation = new ConsoleConversation({ key: CONSOLE_KEY, threadTs: 'demo', output: options.output, outDir });
    const sections: ReportSection[] = [];
    const step = async (heading: string, run: () => Promise<void>) => {
      options.output.write(`\n== ${heading}\n`);
      const from = conversation.transcript.length;
      await run();
      sections.push({ heading, entries: conversation.transcript.slice(from) });
    };
    const file = localFile(options.csvPath, options.config.maxUploadBytes);
    await step(`Upload: ${file.name}`, async () => {
      await app.uploads.handle(conversation, file);
    });
    for (const question of DEMO_QUESTIONS) await step(`“${question}”`, () => app.questions.handle(conversation, question));
    const reportPath = join(outDir, 'report.md');
    await writeFile(reportPath, transcriptMarkdown(`Segment Analyst demo: ${file.name}`, sections, outDir));
    options.output.write(`\nReport written to ${reportPath}\n`);
    return { reportPath };
  } finally {
    await app.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
