import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalysisJob } from './analysis-job.js';
import { runAnalysis } from './analysis-job.js';
import type { Conversation, IncomingFile, RenderedImage, TextSink } from './conversation.js';
import { localFile } from './local-file.js';
import { CHARTS_FAILED_MESSAGE, COMMAND_HELP, NO_DATASET_MESSAGE, RESET_DONE } from './messages.js';
import { createSegmentApp, type SegmentApp } from './segment-app.js';
import { silentLogger } from '../common/logger.js';
import { loadConfig } from '../config.js';
import type { ChannelKey } from '../store/channel-store.js';
import type { Answer } from '../tools/answer.js';
import { MALL_CSV, MISSION_CSV } from '../../test/helpers/shared.js';

/**
 * The conversation logic itself (src/app), with no surface in between: what an upload, a question
 * and a settings command do, in which order, what they store, and how they fail. The surfaces'
 * own tests check only how they carry these to Slack or the terminal.
 */

type Event =
  | { readonly kind: 'progress'; readonly text: string }
  | { readonly kind: 'post'; readonly answer: Answer }
  | { readonly kind: 'images'; readonly titles: readonly string[] }
  | { readonly kind: 'say'; readonly text: string }
  | { readonly kind: 'finish'; readonly summary: string | undefined };

/** A Conversation that records what the application did with it. */
class RecordingConversation implements Conversation {
  readonly events: Event[] = [];
  readonly userId = 'U0TEST';

  constructor(
    readonly key: ChannelKey,
    readonly threadTs: string | null = '1700000000.000100',
    private readonly refuseImages = false,
  ) {}

  async progress(text: string): Promise<void> {
    this.events.push({ kind: 'progress', text });
  }
  async post(answer: Answer): Promise<void> {
    this.events.push({ kind: 'post', answer });
  }
  async postImages(images: readonly RenderedImage[]): Promise<void> {
    if (this.refuseImages) throw new Error('the surface refused the images');
    this.events.push({ kind: 'images', titles: images.map((image) => image.title) });
  }
  async say(text: string): Promise<void> {
    this.events.push({ kind: 'say', text });
  }
  openStream(): TextSink {
    return { started: false, append: () => {}, finish: async () => {} };
  }
  async finish(summary?: string): Promise<void> {
    this.events.push({ kind: 'finish', summary });
  }

  kinds(): string[] {
    return this.events.map((e) => e.kind);
  }
  posts(): Answer[] {
    return this.events.flatMap((e) => (e.kind === 'post' ? [e.answer] : []));
  }
  said(): string[] {
    return this.events.flatMap((e) => (e.kind === 'say' ? [e.text] : []));
  }
}

function fileOf(name: string, content: string): IncomingFile {
  return { name, size: Buffer.byteLength(content), mimetype: 'text/csv', filetype: 'csv', download: async () => Buffer.from(content) };
}

let dataDir: string;
let app: SegmentApp;
const jobs: AnalysisJob[] = [];
let channelCount = 0;
const channel = (): ChannelKey => ({ teamId: 'T0CONV', channelId: `C0CONV${++channelCount}` });

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'conversation-'));
  app = await createSegmentApp(loadConfig({ DATA_DIR: dataDir }), silentLogger, {
    analyses: {
      execute: (job) => {
        jobs.push(job);
        return runAnalysis(job);
      },
    },
  });
});

afterAll(async () => {
  await app?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('an upload', () => {
  it('shows progress, then the summary, its charts, the insights, and ends with a one-line summary', async () => {
    const conversation = new RecordingConversation(channel());
    await app.uploads.handle(conversation, localFile(MISSION_CSV, 50 * 1024 * 1024));
    const kinds = conversation.kinds();
    expect(kinds.slice(0, 2)).toEqual(['progress', 'progress']);
    expect(kinds.indexOf('post')).toBeLessThan(kinds.indexOf('images'));
    expect(kinds.at(-1)).toBe('finish');
    const [summary, insights] = conversation.posts();
    expect(summary.text).toContain('*Recommended: 3 segments.*');
    expect(summary.table?.rows.map((row) => row[2])).toEqual(['386', '224', '50']);
    expect(insights.numbersChecked).toBe(true);
    expect(conversation.events.at(-1)).toEqual({ kind: 'finish', summary: 'Analysed credit-card-customer-data.csv: 660 rows, 3 segments.' });
    const state = await app.store.state(conversation.key);
    expect(state.active?.summary?.segments.map((s) => s.size)).toEqual([386, 224, 50]);
    expect(await app.store.ownsThread(conversation.key, '1700000000.000100')).toBe(true);
  });

  it('refuses a file that is not a CSV in one sentence, without reading it', async () => {
    const conversation = new RecordingConversation(channel());
    let downloaded = false;
    await app.uploads.handle(conversation, { name: 'photo.png', size: 10, mimetype: 'image/png', filetype: 'png', download: async () => ((downloaded = true), Buffer.alloc(0)) });
    expect(conversation.said()).toEqual([expect.stringMatching(/^photo\.png is not a CSV file\./)]);
    expect(downloaded).toBe(false);
  });

  it('keeps the stored dataset when a later file is unreadable, and says why in one sentence', async () => {
    const key = channel();
    await app.uploads.handle(new RecordingConversation(key), localFile(MALL_CSV, 50 * 1024 * 1024));
    const conversation = new RecordingConversation(key);
    await app.uploads.handle(conversation, fileOf('broken.csv', 'a,b\n"1,2\n3,4\n'));
    expect(conversation.said()).toHaveLength(1);
    expect(conversation.said()[0]).not.toMatch(/Something went wrong/);
    expect((await app.store.state(key)).active?.fileName).toBe('mall-customers.csv');
  });

  it('compares a new upload with the dataset it replaces', async () => {
    const key = channel();
    await app.uploads.handle(new RecordingConversation(key), localFile(MALL_CSV, 50 * 1024 * 1024));
    const conversation = new RecordingConversation(key);
    await app.uploads.handle(conversation, localFile(MISSION_CSV, 50 * 1024 * 1024));
    expect(conversation.posts()[0].text).toContain('Compared with the previous dataset (mall-customers.csv)');
    expect((await app.store.state(key)).previous?.fileName).toBe('mall-customers.csv');
  });

  it('sends the figures as text when the surface will not take the chart images', async () => {
    const conversation = new RecordingConversation(channel(), '1700000000.000200', true);
    await app.uploads.handle(conversation, localFile(MISSION_CSV, 50 * 1024 * 1024));
    const fallback = conversation.said().find((text) => text.startsWith(CHARTS_FAILED_MESSAGE));
    expect(fallback).toContain('386');
    expect(conversation.kinds()).not.toContain('images');
  });
});

describe('a question', () => {
  it('in a channel without data gets the no-dataset message', async () => {
    const conversation = new RecordingConversation(channel());
    await app.questions.handle(conversation, 'which segment calls support most?');
    expect(conversation.said()).toEqual([NO_DATASET_MESSAGE]);
  });

  it('is answered from the upload’s analysis without analysing again, and remembered in its thread', async () => {
    const key = channel();
    await app.uploads.handle(new RecordingConversation(key), localFile(MISSION_CSV, 50 * 1024 * 1024));
    const before = jobs.length;
    const conversation = new RecordingConversation(key);
    await app.questions.handle(conversation, 'which segment calls support most?');
    expect(conversation.posts()[0].text).toContain('6.87');
    expect(jobs.length).toBe(before);
    const turns = await app.store.recentTurns(key, '1700000000.000100');
    expect(turns.slice(-2).map((t) => t.role)).toEqual(['user', 'assistant']);
  });

  it('"try 4 segments" re-analyses once through the runner and keeps k = 4 for the channel', async () => {
    const key = channel();
    await app.uploads.handle(new RecordingConversation(key), localFile(MISSION_CSV, 50 * 1024 * 1024));
    const before = jobs.length;
    const conversation = new RecordingConversation(key);
    await app.questions.handle(conversation, 'try 4 segments');
    expect(jobs.length - before).toBe(1);
    expect(jobs.at(-1)?.options.k).toBe(4);
    const state = await app.store.state(key);
    expect(state.settings.k).toBe(4);
    expect(state.active?.summary?.k).toBe(4);
  });
});

describe('settings commands', () => {
  it('status, k, method and help answer in sentences and change only what they name', async () => {
    const key = channel();
    const conversation = new RecordingConversation(key, null);
    expect(await app.commands.handle(conversation, 'help')).toBe(COMMAND_HELP);
    expect(await app.commands.handle(conversation, 'k 21')).toMatch(/whole number from 2 to 20/);
    expect(await app.commands.handle(conversation, 'k 4')).toMatch(/uses 4 segments/);
    expect(await app.commands.handle(conversation, 'method gmm')).toMatch(/Gaussian mixture/);
    expect(await app.commands.handle(conversation, 'method magic')).toMatch(/Choose one of/);
    expect((await app.store.state(key)).settings).toEqual({ k: 4, algorithm: 'gmm' });
    expect(await app.commands.handle(conversation, 'k auto')).toMatch(/k = 2\.\.10/);
    expect(await app.commands.handle(conversation, 'status')).toContain(NO_DATASET_MESSAGE);
    expect(await app.commands.handle(conversation, 'frobnicate')).toMatch(/^I do not know "\/segments frobnicate"/);
  });

  it('export posts the segment of every customer; reset deletes the channel’s data', async () => {
    const key = channel();
    await app.uploads.handle(new RecordingConversation(key), localFile(MISSION_CSV, 50 * 1024 * 1024));
    const conversation = new RecordingConversation(key, null);
    expect(await app.commands.handle(conversation, 'export')).toBe('Exported the segment of each of the 660 rows of credit-card-customer-data.csv.');
    const file = conversation.posts()[0].files[0];
    expect(file.fileName).toBe('credit-card-customer-data-segments.csv');
    expect(file.content.trim().split(/\r?\n/)).toHaveLength(661);
    expect(await app.commands.handle(conversation, 'reset')).toBe(RESET_DONE);
    expect((await app.store.state(key)).active).toBeNull();
    const after = new RecordingConversation(key);
    await app.questions.handle(after, 'which segment calls support most?');
    expect(after.said()).toEqual([NO_DATASET_MESSAGE]);
  });
});
