/**
 * Load on the Slack app: the real app (HTTP mode, worker pool) against the loopback fake Slack.
 * Twenty channels upload twenty different CSVs at the same moment, then 200 questions arrive
 * across those channels, spread over 30 seconds (well within a minute). Prints p50/p95/max of
 * upload replies (event sent -> the summary with its segment table) and of answers (event sent -> first reply),
 * whether everything was answered, and the event-loop delay while it all ran.
 *
 * Usage: npm run bench:load                 (one process, the in-process worker pool)
 *        npm run bench:load -- --replicas    (two bot replicas and two `npm run worker` processes
 *                                             sharing PostgreSQL and Redis; events alternate between
 *                                             the replicas; the event-loop delay is the bench's own)
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { availableParallelism } from 'node:os';
import { loadDatasets } from '../test/helpers/load-datasets.js';
import { startReplicaCluster } from '../test/helpers/replica-cluster.js';
import { fileShareEvent, startHarness, summarySizes, unresolvedProgress } from '../test/helpers/slack-harness.js';
import { userTs } from '../test/helpers/fake-slack.js';

const QUESTIONS = 200;
const SPREAD_MS = 30_000;
const PHRASES = [
  'how many customers are in segment 1?',
  'which segment calls support most?',
  'describe segment 2',
  'what is the average of each column per segment?',
  'which segment is the largest?',
];

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

function line(name: string, values: readonly number[]): string {
  const f = (v: number) => `${Math.round(v)} ms`.padStart(9);
  return `${name.padEnd(18)} n=${String(values.length).padStart(3)}  p50 ${f(percentile(values, 50))}  p95 ${f(percentile(values, 95))}  max ${f(Math.max(...values))}`;
}

async function main(): Promise<void> {
  const datasets = loadDatasets(20);
  const replicas = process.argv.includes('--replicas');
  const workers = replicas ? 2 : Math.min(4, availableParallelism());
  const h = replicas ? await startReplicaCluster({ replicas: 2, workers }) : await startHarness({ analyses: { workers } });
  const delay = monitorEventLoopDelay({ resolution: 10 });
  const started = Date.now();
  try {
    delay.enable();
    const uploads = datasets.map((d) => {
      const event = fileShareEvent(d.channel, h.fake.addFile({ name: d.fileName, content: d.csv }));
      return { d, thread: String(event.ts), event, sentAt: 0, doneAt: 0 };
    });
    await Promise.all(
      uploads.map(async (u) => {
        u.sentAt = Date.now();
        await h.sendEvent(u.event);
      }),
    );
    await Promise.all(
      uploads.map(async (u) => {
        await h.fake.waitFor(`${u.d.channel} upload`, () => summarySizes(h.fake, u.d.channel, u.thread), 180_000);
        u.doneAt = Date.now();
      }),
    );
    const uploadsDone = Date.now();
    const uploadPhase = { p99: delay.percentile(99) / 1e6, max: delay.max / 1e6 };
    delay.reset();

    const questions = Array.from({ length: QUESTIONS }, (_, i) => ({ channel: datasets[i % datasets.length].channel, text: PHRASES[i % PHRASES.length], ts: '', sentAt: 0, answeredAt: 0 }));
    // The first reply that is not the plan of analysis steps (questions show their progress as a status).
    const answered = (q: (typeof questions)[number]) => () => h.fake.botMessages(q.channel, q.ts).find((m) => m.taskDisplayMode !== 'plan');
    await Promise.all(
      questions.map(async (q, i) => {
        await new Promise((resolve) => setTimeout(resolve, (i * SPREAD_MS) / QUESTIONS));
        q.ts = userTs();
        q.sentAt = Date.now();
        await h.sendEvent({ type: 'app_mention', channel: q.channel, user: 'U0ANA', text: `<@${h.fake.botUserId}> ${q.text}`, ts: q.ts, event_ts: q.ts });
        await h.fake.waitFor(`question ${i}`, answered(q), 120_000);
        q.answeredAt = Date.now();
      }),
    );
    const questionsDone = Date.now();
    delay.disable();

    const unresolved = uploads.reduce((n, u) => n + unresolvedProgress(h.fake, u.d.channel, u.thread).length, 0) +
      questions.reduce((n, q) => n + unresolvedProgress(h.fake, q.channel, q.ts).length, 0);
    const queuedNotices = h.fake.statuses.filter((status) => /queued as #\d+/.test(status.status)).length;
    const out = [
      `bench:load${replicas ? ' --replicas (2 bot replicas, PostgreSQL, Redis)' : ''} — ${datasets.length} channels, ${QUESTIONS} questions over ${SPREAD_MS / 1000} s, ${workers} analysis ${replicas ? 'worker processes' : 'workers'}, ${availableParallelism()} CPUs, Node ${process.version}`,
      line('upload replies', uploads.map((u) => u.doneAt - u.sentAt)),
      line('question answers', questions.map((q) => q.answeredAt - q.sentAt)),
      ...PHRASES.map((phrase) => line(`  "${phrase.slice(0, 14)}…"`, questions.filter((q) => q.text === phrase).map((q) => q.answeredAt - q.sentAt))),
      `answered           ${questions.filter((q) => q.answeredAt > 0).length}/${QUESTIONS} questions, ${uploads.filter((u) => u.doneAt > 0).length}/${uploads.length} uploads; progress lines left: ${unresolved}; "queued as #N" notices: ${queuedNotices}`,
      `event-loop delay   uploads: p99 ${uploadPhase.p99.toFixed(1)} ms  max ${uploadPhase.max.toFixed(1)} ms; questions: p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms  max ${(delay.max / 1e6).toFixed(1)} ms`,
      `wall time          uploads ${((uploadsDone - started) / 1000).toFixed(1)} s, questions ${((questionsDone - uploadsDone) / 1000).toFixed(1)} s`,
    ];
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    await h.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:load failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
