import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directSegmentSizes, loadDatasets, type LoadDataset } from './helpers/load-datasets.js';
import { fileShareEvent, startHarness, summarySizes, threadQuestion, unresolvedProgress, type Harness } from './helpers/slack-harness.js';

/**
 * Twenty channels upload twenty different CSVs at the same moment. Each channel gets the
 * segments of its own file (checked against a direct analysis of that file), a question in each
 * channel is answered from that channel's data only, and the event loop stays responsive because
 * analyses run on the worker pool (p99 delay under 1 s while everything runs).
 */

const datasets = loadDatasets(20);
const expected = new Map<string, { rows: number; sizes: number[] }>();
const threads = new Map<string, string>();
let h: Harness;

beforeAll(async () => {
  for (const dataset of datasets) expected.set(dataset.channel, await directSegmentSizes(dataset));
  h = await startHarness({ analyses: { workers: 2, maxQueued: 50 } });
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

const finished = (d: LoadDataset) => () =>
  h.fake.botMessages(d.channel, threads.get(d.channel)).find((m) => m.text.startsWith(`Analysed ${d.fileName}`));

describe('20 channels at once', () => {
  it('gives every channel its own segments and answers, with the event loop responsive', async () => {
    // Distinct datasets, or the isolation check would prove nothing.
    expect(new Set([...expected.values()].map((e) => e.rows)).size).toBe(datasets.length);
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const events = datasets.map((d) => {
      const event = fileShareEvent(d.channel, h.fake.addFile({ name: d.fileName, content: d.csv }));
      threads.set(d.channel, String(event.ts));
      return event;
    });
    const responses = await Promise.all(events.map((event) => h.sendEvent(event)));
    expect(responses.map((r) => r.status)).toEqual(datasets.map(() => 200));
    for (const d of datasets) await h.fake.waitFor(`${d.channel} to finish`, finished(d), 120_000);

    for (const d of datasets) {
      const thread = threads.get(d.channel) ?? '';
      const want = expected.get(d.channel);
      expect(summarySizes(h.fake, d.channel, thread), d.channel).toEqual(want?.sizes);
      expect(finished(d)()?.text).toContain(`${want?.rows} rows`);
    }

    await Promise.all(datasets.map((d) => h.sendEvent(threadQuestion(d.channel, threads.get(d.channel) ?? '', 'how many customers are in segment 1?'))));
    for (const d of datasets) {
      const thread = threads.get(d.channel) ?? '';
      const answer = await h.fake.waitFor(`${d.channel} answer`, () => h.fake.botMessages(d.channel, thread).find((m) => m.text.startsWith('*Segment 1:')), 60_000);
      const size = expected.get(d.channel)?.sizes[0];
      expect(answer.text, d.channel).toContain(`${size} customers`);
      // No figure of another channel's segment 1 appears in this channel's thread.
      for (const other of datasets) {
        const otherSize = expected.get(other.channel)?.sizes[0];
        if (otherSize !== size) expect(answer.text).not.toContain(`${otherSize} customers`);
      }
      expect(unresolvedProgress(h.fake, d.channel, thread)).toEqual([]);
    }
    delay.disable();

    // Some uploads had to wait for a worker, and were told so.
    const queued = h.fake.callsTo('chat.update').filter((c) => /queued as #\d+/.test(String(c.args.text)));
    expect(queued.length).toBeGreaterThan(0);
    const p99Ms = delay.percentile(99) / 1e6;
    process.stdout.write(`event-loop delay p99 ${p99Ms.toFixed(1)} ms, max ${(delay.max / 1e6).toFixed(1)} ms; queued notices ${queued.length}\n`);
    expect(p99Ms).toBeLessThan(1000);
  }, 240_000);
});
