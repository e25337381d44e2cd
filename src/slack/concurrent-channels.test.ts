import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AnalysisJob } from '../app/analysis-job.js';
import { AnalysisPool, type QueuedCallback } from '../app/analysis-pool.js';
import type { Analysis } from '../analysis/analysis.js';
import { silentLogger } from '../common/logger.js';
import { directSegmentSizes, loadDatasets, type LoadDataset } from '../../test/helpers/load-datasets.js';
import { fileShareEvent, finishedLine, startHarness, summarySizes, threadQuestion, unresolvedProgress, type Harness } from '../../test/helpers/slack-harness.js';

/**
 * Twenty channels upload twenty different CSVs at the same moment. Each channel gets the
 * segments of its own file (checked against a direct analysis of that file), a question in each
 * channel is answered from that channel's data only, and the event loop stays responsive because
 * every analysis runs on the worker pool: none runs on the test's (the app's) own thread.
 *
 * The twenty analyses are handed to the pool together (held until the last upload reaches its
 * analysis), so with two workers eighteen of them must wait and be told so, whatever the
 * machine's speed. The event-loop delay is printed for information, not asserted: it measures
 * the machine as much as the app.
 */

/** Analyses run on this thread (the app's event loop): the pipeline's entry point, counted. */
const thisThread = vi.hoisted(() => ({ analyses: 0 }));
vi.mock('../analysis/pipeline.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../analysis/pipeline.js')>();
  return {
    ...actual,
    analyze: (...args: Parameters<typeof actual.analyze>) => {
      thisThread.analyses += 1;
      return actual.analyze(...args);
    },
  };
});

const WORKERS = 2;
const datasets = loadDatasets(20);
const expected = new Map<string, { rows: number; sizes: number[] }>();
const threads = new Map<string, string>();
let h: Harness;

type Execute = (job: AnalysisJob, onQueued?: QueuedCallback) => Promise<Analysis>;

/** Holds every analysis until `count` have been asked for, then hands them all to the pool at once. */
function analysesTogether(count: number): { wrap: (execute: Execute) => Execute; readonly asked: number } {
  let asked = 0;
  let release: () => void = () => {};
  const allAsked = new Promise<void>((resolve) => (release = resolve));
  return {
    wrap: (execute) => async (job, onQueued) => {
      asked += 1;
      if (asked === count) release();
      await allAsked;
      return execute(job, onQueued);
    },
    get asked() {
      return asked;
    },
  };
}
const together = analysesTogether(datasets.length);
/** The app's analysis pool, as ANALYSIS_WORKERS=2 makes it, behind the hold above. */
const pool = new AnalysisPool({ size: WORKERS, maxQueue: 50, log: silentLogger });

beforeAll(async () => {
  for (const dataset of datasets) expected.set(dataset.channel, await directSegmentSizes(dataset));
  h = await startHarness({ analyses: { execute: together.wrap((job, onQueued) => pool.run(job, onQueued)) } });
}, 120_000);

afterAll(async () => {
  await h?.stop();
  await pool.close();
});


describe('20 channels at once', () => {
  it('gives every channel its own segments and answers, with every analysis on a worker thread', async () => {
    // Distinct datasets, or the isolation check would prove nothing.
    expect(new Set([...expected.values()].map((e) => e.rows)).size).toBe(datasets.length);
    const analysedHere = thisThread.analyses;
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const events = datasets.map((d) => {
      const event = fileShareEvent(d.channel, h.fake.addFile({ name: d.fileName, content: d.csv }));
      threads.set(d.channel, String(event.ts));
      return event;
    });
    const responses = await Promise.all(events.map((event) => h.sendEvent(event)));
    expect(responses.map((r) => r.status)).toEqual(datasets.map(() => 200));
    await h.activity.idle();
    expect(together.asked).toBe(datasets.length);

    for (const d of datasets) {
      const thread = threads.get(d.channel) ?? '';
      const want = expected.get(d.channel);
      expect(summarySizes(h.fake, d.channel, thread), d.channel).toEqual(want?.sizes);
      expect(finishedLine(h.fake, d.channel, thread), d.channel).toContain(`${want?.rows} rows`);
    }

    await Promise.all(datasets.map((d) => h.sendEvent(threadQuestion(d.channel, threads.get(d.channel) ?? '', 'how many customers are in segment 1?'))));
    await h.activity.idle();
    for (const d of datasets) {
      const thread = threads.get(d.channel) ?? '';
      const answer = h.fake.botMessages(d.channel, thread).find((m) => m.text.startsWith('*Segment 1:'));
      expect(answer, `${d.channel} answer`).toBeDefined();
      const size = expected.get(d.channel)?.sizes[0];
      expect(answer?.text, d.channel).toContain(`${size} customers`);
      // No figure of another channel's segment 1 appears in this channel's thread.
      for (const other of datasets) {
        const otherSize = expected.get(other.channel)?.sizes[0];
        if (otherSize !== size) expect(answer?.text).not.toContain(`${otherSize} customers`);
      }
      expect(unresolvedProgress(h.fake, d.channel, thread)).toEqual([]);
    }
    delay.disable();

    // Every analysis ran on a worker thread, so none held up the event loop.
    expect(thisThread.analyses - analysedHere).toBe(0);
    // All twenty reached the pool together: all but the two the workers took had to wait, and were told so.
    const queued = h.fake.statuses.filter((status) => /queued as #\d+/.test(status.status));
    expect(queued).toHaveLength(datasets.length - WORKERS);
    expect(h.fake.rejectionsOf()).toEqual([]);
    process.stdout.write(`event-loop delay p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms, max ${(delay.max / 1e6).toFixed(1)} ms; queued notices ${queued.length}\n`);
  }, 240_000);
});
