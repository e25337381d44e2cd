import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalysisJob } from './analysis-job.js';
import { runAnalysis } from './analysis-job.js';
import type { IncomingFile } from './conversation.js';
import { RecordingConversation } from '../../test/helpers/recording-conversation.js';
import { localFile } from './local-file.js';
import { AUDIT_NOT_ALLOWED, CHARTS_FAILED_MESSAGE, COMMAND_HELP, NO_DATASET_MESSAGE, RESET_DONE } from './messages.js';
import { isTableFile } from './uploads.js';
import { createSegmentApp, type SegmentApp } from './segment-app.js';
import { silentLogger } from '../common/logger.js';
import { loadConfig } from '../config.js';
import type { ChannelKey } from '../store/channel-store.js';
import type { Answer } from '../tools/answer.js';
import { MALL_CSV, MISSION_CSV } from '../../test/helpers/shared.js';
import { missionWorkbook, workbookBytes } from '../../test/helpers/workbooks.js';
import { mrkdwnSafe } from './render/escape.js';

/**
 * The conversation logic itself (src/app), with no surface in between: what an upload, a question
 * and a settings command do, in which order, what they store, and how they fail. The surfaces'
 * own tests check only how they carry these to Slack or the terminal.
 */

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
  it('shows each step, then the summary, its charts, the insights, and ends with a one-line summary', async () => {
    const conversation = new RecordingConversation(channel());
    expect(await app.uploads.handle(conversation, localFile(MISSION_CSV, 50 * 1024 * 1024))).toBe(true);
    const kinds = conversation.kinds();
    expect(conversation.steps()).toEqual(['read', 'clean', 'choose-k', 'fit', 'charts', 'insights']);
    const cleaning = conversation.events.find((e) => e.kind === 'progress' && e.update.step?.id === 'clean');
    expect(cleaning).toMatchObject({ update: { text: 'Cleaning 660 rows…' } });
    expect(kinds.indexOf('post')).toBeLessThan(kinds.indexOf('images'));
    expect(kinds.lastIndexOf('images')).toBeLessThan(kinds.lastIndexOf('post'));
    expect(kinds.at(-1)).toBe('finish');
    const [summary, insights] = conversation.posts();
    expect(summary.text).toContain('*Recommended: 3 segments.*');
    expect(summary.table?.rows.map((row) => row[2])).toEqual(['386', '224', '50']);
    expect(insights.numbersChecked).toBe(true);
    expect(conversation.events.at(-1)).toEqual({ kind: 'finish', summary: 'Analysed credit-card-customer-data.csv: 660 rows, 3 segments.', outcome: 'done' });
    const state = await app.store.state(conversation.key);
    expect(state.active?.summary?.segments.map((s) => s.size)).toEqual([386, 224, 50]);
    expect(await app.store.ownsThread(conversation.key, '1700000000.000100')).toBe(true);
  });

  it('refuses a file that is not a table in one sentence, without reading it', async () => {
    const conversation = new RecordingConversation(channel());
    let downloaded = false;
    await app.uploads.handle(conversation, { name: 'photo.png', size: 10, mimetype: 'image/png', filetype: 'png', download: async () => ((downloaded = true), Buffer.alloc(0)) });
    expect(conversation.said()).toEqual([expect.stringMatching(/^photo\.png is not a table file\./)]);
    expect(downloaded).toBe(false);
  });

  it('counts .csv, .tsv and .xlsx files as tables, and screenshots or PDFs not', () => {
    const table = (name: string, filetype: string | null = null, mimetype: string | null = null) => isTableFile({ name, filetype, mimetype });
    expect([table('a.csv'), table('A.TSV'), table('export', 'csv'), table('x', null, 'text/tab-separated-values')]).toEqual([true, true, true, true]);
    expect([table('Book1.XLSX'), table('export', 'xlsx'), table('x', null, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')]).toEqual([true, true, true]);
    expect([table('shot.png', 'png', 'image/png'), table('deck.pdf', 'pdf'), table('notes.txt', 'text', 'text/plain')]).toEqual([false, false, false]);
  });

  it('analyses an Excel workbook exactly like the CSV it holds', async () => {
    const conversation = new RecordingConversation(channel());
    const bytes = await missionWorkbook();
    const file: IncomingFile = { name: 'customers.xlsx', size: bytes.length, mimetype: null, filetype: 'xlsx', download: async () => bytes };
    expect(await app.uploads.handle(conversation, file)).toBe(true);
    expect(conversation.posts()[0].table?.rows.map((row) => row[2])).toEqual(['386', '224', '50']);
  });

  it('reads another sheet of the stored workbook on "use sheet NAME", and lists the sheets when there is no such one', async () => {
    const csvRows = (path: string) => readFileSync(path, 'utf8').trim().split(/\r?\n/).map((line, i) => (i === 0 ? line.split(',') : line.split(',').map((cell) => (Number.isNaN(Number(cell)) ? cell : Number(cell)))));
    const bytes = await workbookBytes((workbook) => {
      workbook.addWorksheet('Notes').addRows([['Exported from the CRM']]);
      workbook.addWorksheet('Customers').addRows(csvRows(MISSION_CSV));
      workbook.addWorksheet('Mall_<!here>').addRows(csvRows(MALL_CSV));
    });
    const key = channel();
    const file: IncomingFile = { name: 'bank.xlsx', size: bytes.length, mimetype: null, filetype: 'xlsx', download: async () => bytes };
    expect(await app.uploads.handle(new RecordingConversation(key), file)).toBe(true);

    const unknown = new RecordingConversation(key);
    await app.questions.handle(unknown, 'use sheet Branches');
    expect(unknown.said()).toEqual(['bank.xlsx has no sheet called “Branches”; its sheets are “Notes” (0 rows), “Customers” (660 rows), “Mall_<!here>” (200 rows).']);
    // As Slack shows it: the sheet name from the file is text, not an @here mention.
    const reply = unknown.events.find((e) => e.kind === 'say');
    expect(reply?.kind === 'say' && mrkdwnSafe(reply.text, reply.literals)).toContain('&lt;!here&gt;” (200 rows)');

    const mall = new RecordingConversation(key);
    await app.questions.handle(mall, 'use sheet mall_<!HERE>');
    const [summary] = mall.posts();
    expect(summary.text.startsWith('*Now reading sheet “Mall_<!here>”* of bank.xlsx (3 sheets)')).toBe(true);
    expect(mrkdwnSafe(summary.text, summary.literals ?? [])).not.toContain('<!here>');
    expect(summary.literals).toContain('Mall_<!here>');
    expect((await app.store.state(key)).settings.sheet).toBe('Mall_<!here>');
    const active = await app.settingsDialog.choices(key);
    expect(active.columns.map((c) => c.name)).toContain('Spending Score (1-100)');

    const empty = new RecordingConversation(key);
    await app.questions.handle(empty, 'use sheet Notes');
    expect(empty.said()).toEqual([expect.stringContaining('Sheet "Notes" has no header row with data below it')]);
    expect((await app.store.state(key)).settings.sheet).toBe('Mall_<!here>');
  });

  it('keeps the stored dataset when a workbook is password-protected, and says so in one sentence', async () => {
    const key = channel();
    await app.uploads.handle(new RecordingConversation(key), localFile(MALL_CSV, 50 * 1024 * 1024));
    const protectedBook = Buffer.alloc(4096);
    Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(protectedBook);
    Buffer.from('EncryptionInfo', 'utf16le').copy(protectedBook, 1024);
    const conversation = new RecordingConversation(key);
    await app.uploads.handle(conversation, { name: 'locked.xlsx', size: protectedBook.length, mimetype: null, filetype: 'xlsx', download: async () => protectedBook });
    expect(conversation.said()).toEqual([expect.stringContaining('protected with a password')]);
    expect((await app.store.state(key)).active?.fileName).toBe('mall-customers.csv');
  });

  it('marks the step it was on as failed when the file cannot be read', async () => {
    const conversation = new RecordingConversation(channel());
    expect(await app.uploads.handle(conversation, fileOf('broken.csv', 'a,b\n"1,2\n3,4\n'))).toBe(false);
    expect(conversation.events.at(-1)).toMatchObject({ kind: 'finish', outcome: 'failed' });
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
    expect(conversation.posts()[0].text).toMatch(/^\*What changed since the previous upload \(mall-customers.csv\)\*/);
    expect(conversation.posts()[0].text).toContain('cannot be placed in the previous segments');
    expect(conversation.posts()[0].text).toContain('No customer key was found in both files');
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
  it('"include gender" re-runs on Gender too and keeps it for the channel; a new file without Gender drops it', async () => {
    const key = channel();
    await app.uploads.handle(new RecordingConversation(key), localFile(MALL_CSV, 50 * 1024 * 1024));
    const conversation = new RecordingConversation(key);
    await app.questions.handle(conversation, 'include gender');
    expect(conversation.posts()[0].text).toContain('on the numeric features and Gender):');
    expect((await app.store.state(key)).settings.categorical).toEqual(['Gender']);
    const loaded = await app.settingsDialog.choices(key);
    expect(loaded.settings.categorical).toEqual(['Gender']);

    const next = new RecordingConversation(key);
    expect(await app.uploads.handle(next, localFile(MISSION_CSV, 50 * 1024 * 1024))).toBe(true);
    expect(next.posts()[0].table?.rows.map((row) => row[2])).toEqual(['386', '224', '50']);
    expect((await app.store.state(key)).settings.categorical).toEqual([]);
  });

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
    const text = async (command: string) => (await app.commands.handle(conversation, command)).text;
    expect(await text('help')).toBe(COMMAND_HELP);
    expect(await text('k 21')).toMatch(/whole number from 2 to 20/);
    expect(await text('k 4')).toMatch(/uses 4 segments/);
    expect(await text('method gmm')).toMatch(/Gaussian mixture/);
    expect(await text('method magic')).toMatch(/Choose one of/);
    expect((await app.store.state(key)).settings).toEqual({ k: 4, algorithm: 'gmm' });
    expect(await text('k auto')).toMatch(/k = 2\.\.10/);
    expect(await text('status')).toContain(NO_DATASET_MESSAGE);
    expect(await text('frobnicate')).toMatch(/^I do not know "\/segments frobnicate"/);
  });

  it('export sends the segment of every customer to the asker alone, and tells the channel', async () => {
    const key = channel();
    await app.uploads.handle(new RecordingConversation(key), localFile(MISSION_CSV, 50 * 1024 * 1024));
    const conversation = new RecordingConversation(key, null);
    const reply = await app.commands.handle(conversation, 'export');
    expect(reply.text).toBe('Exported the segment of each of the 660 rows of credit-card-customer-data.csv; sent to @Ana privately, as it lists individual customers.');
    expect(conversation.posts()).toEqual([]);
    const sent = conversation.events.flatMap((e) => (e.kind === 'private' ? [e.answer] : []));
    const file = sent[0].files[0];
    expect(file.fileName).toBe('credit-card-customer-data-segments.csv');
    expect(file.content.trim().split(/\r?\n/)).toHaveLength(661);
  });

  it('export in a private conversation posts the file right there', async () => {
    const key = channel();
    await app.uploads.handle(new RecordingConversation(key), localFile(MISSION_CSV, 50 * 1024 * 1024));
    const conversation = new RecordingConversation(key, null, false, true);
    expect((await app.commands.handle(conversation, 'export')).text).toBe('Exported the segment of each of the 660 rows of credit-card-customer-data.csv.');
    expect(conversation.posts()[0].files).toHaveLength(1);
    expect(conversation.kinds()).not.toContain('private');
  });

  it('"export segment 2" asked in a channel goes to the asker by DM, and the channel is told', async () => {
    const key = channel();
    await app.uploads.handle(new RecordingConversation(key), localFile(MISSION_CSV, 50 * 1024 * 1024));
    const conversation = new RecordingConversation(key);
    await app.questions.handle(conversation, 'export segment 2');
    expect(conversation.posts().every((answer) => answer.files.length === 0)).toBe(true);
    const sent = conversation.events.flatMap((e) => (e.kind === 'private' ? [e.answer] : []));
    expect(sent).toHaveLength(1);
    expect(sent[0].files[0].content.trim().split(/\r?\n/)).toHaveLength(225);
    expect(conversation.said()).toContain('Sent to @Ana privately: the file lists individual customers, so it is not posted in the channel.');
  });

  it('reset asks first; only the uploader or a workspace admin can confirm it', async () => {
    const key = channel();
    await app.uploads.handle(new RecordingConversation(key), localFile(MISSION_CSV, 50 * 1024 * 1024));
    const asked = await app.commands.handle(new RecordingConversation(key, null), 'reset');
    expect(asked.followUp).toBe('confirm-reset');
    expect(asked.text).toBe(
      'Delete this channel’s dataset *credit-card-customer-data.csv*, its earlier versions, settings and conversation history? This cannot be undone. Only @Ana (who uploaded it) or a workspace admin can confirm.',
    );
    expect((await app.store.state(key)).active).not.toBeNull();

    const stranger = new RecordingConversation(key, null, false, false, 'U0OTHER');
    let adminChecks = 0;
    const refused = await app.commands.confirmReset(stranger, { userId: 'U0OTHER', isWorkspaceAdmin: async () => (adminChecks++, false) });
    expect(refused.text).toMatch(/^Only @Ana, who uploaded this channel’s dataset, or a workspace admin or owner can reset it\. Nothing was deleted\./);
    expect(adminChecks).toBe(1);
    expect((await app.store.state(key)).active).not.toBeNull();

    const admin = await app.commands.confirmReset(stranger, { userId: 'U0OTHER', isWorkspaceAdmin: async () => true });
    expect(admin.text).toBe(RESET_DONE);
    expect((await app.store.state(key)).active).toBeNull();
    const after = new RecordingConversation(key);
    await app.questions.handle(after, 'which segment calls support most?');
    expect(after.said()).toEqual([NO_DATASET_MESSAGE]);
  });

  it('the uploader confirms a reset without an admin check', async () => {
    const key = channel();
    await app.uploads.handle(new RecordingConversation(key), localFile(MALL_CSV, 50 * 1024 * 1024));
    const reply = await app.commands.confirmReset(new RecordingConversation(key, null), {
      userId: 'U0TEST',
      isWorkspaceAdmin: async () => {
        throw new Error('not asked for the uploader');
      },
    });
    expect(reply.text).toBe(RESET_DONE);
  });
});

describe('the audit trail and retention', () => {
  it('records who uploaded, asked, changed settings, exported and reset, with sizes only, and shows it to admins alone', async () => {
    const key: ChannelKey = { teamId: 'T0AUDIT', channelId: 'C0AUDIT1' };
    await app.uploads.handle(new RecordingConversation(key), localFile(MALL_CSV, 50 * 1024 * 1024));
    const question = 'which segment has the highest spending score?';
    await app.questions.handle(new RecordingConversation(key), question);
    // An export asked for in words is audited like the `/segments export` command.
    const asked = new RecordingConversation(key);
    await app.questions.handle(asked, 'export segment 1');
    const sent = asked.events.find((event) => event.kind === 'private');
    const exportedRows = sent?.kind === 'private' ? sent.answer.files[0].content.trim().split('\n').length - 1 : 0;
    await app.commands.handle(new RecordingConversation(key, null), 'export');
    await app.commands.handle(new RecordingConversation(key, null), 'k 4');
    await app.commands.confirmReset(new RecordingConversation(key, null), { userId: 'U0TEST', isWorkspaceAdmin: async () => false });
    const entries = await app.audit.recent('T0AUDIT', 10);
    expect(entries.map((e) => [e.action, e.userId, e.channelId])).toEqual([
      ['reset', 'U0TEST', 'C0AUDIT1'],
      ['settings', 'U0TEST', 'C0AUDIT1'],
      ['export', 'U0TEST', 'C0AUDIT1'],
      ['export', 'U0TEST', 'C0AUDIT1'],
      ['question', 'U0TEST', 'C0AUDIT1'],
      ['question', 'U0TEST', 'C0AUDIT1'],
      ['upload', 'U0TEST', 'C0AUDIT1'],
    ]);
    expect(entries[2].detail).toEqual({ files: 1, rows: 200 });
    expect(exportedRows).toBeGreaterThan(0);
    expect(entries[3].detail).toEqual({ files: 1, rows: exportedRows });
    expect(entries[5].detail).toEqual({ chars: question.length });
    expect(JSON.stringify(entries)).not.toContain('spending');
    const refused = await app.commands.auditTrail(new RecordingConversation(key, null), { userId: 'U0TEST', isWorkspaceAdmin: async () => false });
    expect(refused.text).toBe(AUDIT_NOT_ALLOWED);
    const shown = await app.commands.auditTrail(new RecordingConversation(key, null), { userId: 'U0ADMIN', isWorkspaceAdmin: async () => true });
    expect(shown.text.split('\n')).toHaveLength(7);
    expect(shown.text.split('\n')[0]).toMatch(/UTC: <@U0TEST> reset the channel in <#C0AUDIT1>$/);
    // The same through the `/segments audit` verb, which passes the actor on.
    expect((await app.commands.handle(new RecordingConversation(key, null), 'audit', { userId: 'U0ADMIN', isWorkspaceAdmin: async () => true })).text).toBe(shown.text);
    expect((await app.commands.handle(new RecordingConversation(key, null), 'audit', { userId: 'U0TEST', isWorkspaceAdmin: async () => false })).text).toBe(AUDIT_NOT_ALLOWED);
    expect((await app.commands.handle(new RecordingConversation(key, null), 'audit')).text).toBe(AUDIT_NOT_ALLOWED);
  });

  it('status says how long data is kept, and data older than RETENTION_DAYS is deleted at start-up', async () => {
    const key: ChannelKey = { teamId: 'T0RET', channelId: 'C0RET1' };
    const dir = await mkdtemp(join(tmpdir(), 'retention-'));
    try {
      const first = await createSegmentApp(loadConfig({ DATA_DIR: dir, RETENTION_DAYS: '7' }), silentLogger, { analyses: { workers: 0 } });
      await first.store.saveUpload(key, { fileName: 'old.csv', bytes: Buffer.from('a,b\n1,2\n'), uploadedBy: 'U0TEST', uploadedAt: new Date(Date.now() - 8 * 86_400_000) });
      const status = await first.commands.handle(new RecordingConversation(key, null), 'status');
      expect(status.text).toContain('Data is kept for 7 days, then deleted.');
      await first.close();
      const restarted = await createSegmentApp(loadConfig({ DATA_DIR: dir, RETENTION_DAYS: '7' }), silentLogger, { analyses: { workers: 0 } });
      expect((await restarted.store.state(key)).active).toBeNull();
      await restarted.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
