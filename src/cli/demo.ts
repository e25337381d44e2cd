import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { loadConfigOrExit, type AppConfig } from '../config.js';
import { ConsoleConversation } from '../console/console-conversation.js';
import { transcriptMarkdown, type ReportSection } from '../console/report.js';
import { CONSOLE_KEY, localFile } from '../console/session.js';
import { logger } from '../log.js';
import { createEngine } from '../slack/default-engine.js';
import type { SegmentEngine } from '../slack/engine.js';
import { createRuntime } from '../slack/runtime.js';

export const DEMO_CSV = 'data/sample-customers.csv';
export const DEMO_QUESTIONS = ['which segment calls support most?', 'suggest a campaign per segment', 'show the segment map'] as const;

export interface DemoOptions {
  readonly csvPath: string;
  /** Where report.md and the charts go. */
  readonly outDir: string;
  readonly output: Writable;
  readonly config: AppConfig;
  /** Defaults to the real engine. */
  readonly engine?: SegmentEngine;
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
  try {
    const config: AppConfig = { ...options.config, dataDir, outDir };
    const engine = options.engine ?? createEngine(config, logger);
    const { service } = await createRuntime(config, engine, logger);
    const conversation = new ConsoleConversation({ key: CONSOLE_KEY, threadTs: 'demo', output: options.output, outDir });
    const sections: ReportSection[] = [];
    const step = async (heading: string, run: () => Promise<void>) => {
      options.output.write(`\n== ${heading}\n`);
      const from = conversation.transcript.length;
      await run();
      sections.push({ heading, entries: conversation.transcript.slice(from) });
    };
    const file = localFile(options.csvPath, config.maxUploadBytes);
    await step(`Upload: ${file.name}`, () => service.handleUpload(conversation, file));
    for (const question of DEMO_QUESTIONS) await step(`“${question}”`, () => service.handleQuestion(conversation, question));
    const reportPath = join(outDir, 'report.md');
    await writeFile(reportPath, transcriptMarkdown(`Segment Analyst demo: ${file.name}`, sections, outDir));
    options.output.write(`\nReport written to ${reportPath}\n`);
    return { reportPath };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  if (!config) return;
  if (!process.env.LOG_LEVEL) logger.level = 'warn';
  await runDemo({ csvPath: process.argv[2] ?? DEMO_CSV, outDir: config.outDir, output: process.stdout, config });
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`The demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
