import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Analysis } from '../analysis/analysis.js';
import { analyze } from '../analysis/pipeline.js';
import { silentLogger } from '../common/logger.js';
import { loadConfig } from '../config.js';
import { RecordingConversation } from '../../test/helpers/recording-conversation.js';
import { MISSION_CSV } from '../../test/helpers/shared.js';
import type { AnalysisJob } from './analysis-job.js';
import { localFile } from './local-file.js';
import { createSegmentApp, type SegmentApp } from './segment-app.js';

/**
 * Issue #20: a k fixed by the channel (`/segments k 4`, the settings dialog, "try 4 segments")
 * does not pay for the evidence for k; "why this k?" gathers it on demand, once, through the runner.
 * Every analysis the app runs is counted, with the report it produced; each test has its own app,
 * so no analysis is cached from another test.
 */

let dataDir: string;
let app: SegmentApp;
const runs: { job: AnalysisJob; analysis: Analysis }[] = [];
let count = 0;
const channel = () => ({ teamId: 'T0FIXK', channelId: `C0FIXK${++count}` });

beforeEach(async () => {
  runs.length = 0;
  dataDir = await mkdtemp(join(tmpdir(), 'fixed-k-'));
  app = await createSegmentApp(loadConfig({ DATA_DIR: dataDir }), silentLogger, {
    analyses: {
      execute: async (job) => {
        const analysis = await analyze(job.table, job.options);
        runs.push({ job, analysis });
        return analysis;
      },
    },
  });
});

afterEach(async () => {
  await app?.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** What a question posted in reply, and the analyses it ran. */
async function ask(key: { teamId: string; channelId: string }, question: string): Promise<{ text: string; charts: string[]; checked: boolean; ran: typeof runs }> {
  const before = runs.length;
  const conversation = new RecordingConversation(key);
  await app.questions.handle(conversation, question);
  const answer = conversation.posts().at(-1);
  return { text: answer?.text ?? conversation.said().join('\n'), charts: answer?.charts.map((c) => c.kind) ?? [], checked: answer?.numbersChecked ?? false, ran: runs.slice(before) };
}

describe('a k fixed by the channel in the app', () => {
  it('analyses an upload without the evidence for k and says so, with no elbow chart', async () => {
    const key = channel();
    await app.commands.handle(new RecordingConversation(key), 'k 4');
    const before = runs.length;
    const conversation = new RecordingConversation(key);
    await app.uploads.handle(conversation, localFile(MISSION_CSV, 50 * 1024 * 1024));
    const ran = runs.slice(before);
    expect(ran).toHaveLength(1);
    expect(ran[0].job.options).toMatchObject({ k: 4, evidence: false });
    expect(ran[0].analysis.report.kSelection).toMatchObject({ gathered: false, byK: [] });
    const summary = conversation.posts()[0];
    expect(summary.text).toContain("*4 segments, fixed by this channel's setting.*");
    expect(summary.text).not.toContain('Recommended');
    expect(summary.charts.map((c) => c.kind)).toEqual(['profile', 'sizes']);
  });

  it('gathers the evidence once when asked "why this k?" and answers with what it recommends', async () => {
    const key = channel();
    await app.commands.handle(new RecordingConversation(key), 'k 4');
    await app.uploads.handle(new RecordingConversation(key), localFile(MISSION_CSV, 50 * 1024 * 1024));
    const first = await ask(key, 'why this k?');
    expect(first.ran).toHaveLength(1);
    expect(first.ran[0].job.options.evidence).toBeUndefined();
    expect(first.ran[0].job.options.k).toBe(4);
    expect(first.ran[0].analysis.report.kSelection.byK.length).toBeGreaterThan(0);
    expect(first.text).toContain('*Recommended: k = 3.*');
    expect(first.text).toContain("The current segmentation uses k = 4, fixed by this channel's setting; the evidence above was gathered on request and recommends k = 3.");
    expect(first.charts).toEqual(['elbow', 'silhouette']);
    expect(first.checked).toBe(true);

    const again = await ask(key, 'how many segments should I use?');
    expect(again.ran).toHaveLength(0);
    expect(again.text).toContain('*Recommended: k = 3.*');
    const elbow = await ask(key, 'show the elbow');
    expect(elbow.ran).toHaveLength(0);
    expect(elbow.charts).toEqual(['elbow']);
  });

  it('skips the evidence for "try 4 segments", points to "why this k?", and gathers it for a k-evidence chart', async () => {
    const key = channel();
    await app.uploads.handle(new RecordingConversation(key), localFile(MISSION_CSV, 50 * 1024 * 1024));
    const tried = await ask(key, 'try 4 segments');
    expect(tried.ran.map((run) => run.job.options.evidence)).toEqual([false]);
    expect(tried.text).toContain('k fixed at 4; ask “why this k?” for the evidence');
    const chart = await ask(key, 'show the silhouette');
    expect(chart.ran.map((run) => [run.job.options.k, run.job.options.evidence])).toEqual([[4, undefined]]);
    expect(chart.charts).toEqual(['silhouette']);
  });

  it('gathers the evidence with automatic k exactly as before', async () => {
    const key = channel();
    const before = runs.length;
    const conversation = new RecordingConversation(key);
    await app.uploads.handle(conversation, localFile(MISSION_CSV, 50 * 1024 * 1024));
    const ran = runs.slice(before);
    expect(ran.map((run) => 'evidence' in run.job.options)).toEqual([false]);
    expect(ran[0].analysis.report.kSelection.gathered).toBeUndefined();
    expect(conversation.posts()[0].text).toContain('*Recommended: 3 segments.*');
    const why = await ask(key, 'why this k?');
    expect(why.ran).toHaveLength(0);
    expect(why.text).not.toContain("fixed by this channel's setting");
  });
});
