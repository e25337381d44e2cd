import type { webApi } from '@slack/bolt';
import type { AnalysisStep } from '../app/conversation.js';
import { markdownSafe, plainTextSafe } from '../app/render/escape.js';
import { errorSummary } from '../common/errors.js';
import type { Logger } from '../common/logger.js';

type TaskChunk = { type: 'task_update'; id: string; title: string; status: 'pending' | 'in_progress' | 'complete' | 'error' };

export interface TaskPlanOptions {
  readonly client: webApi.WebClient;
  readonly channel: string;
  readonly threadTs: string;
  readonly teamId: string;
  readonly userId: string;
  readonly log: Logger;
}

/**
 * The steps of an analysis as a plan of tasks in one streamed message (chat.startStream with
 * task_display_mode "plan", task_update chunks; https://docs.slack.dev/reference/methods/chat.startStream).
 * Where Slack refuses streaming (older workspaces, a missing scope) it turns itself off and the
 * status line alone shows progress.
 */
export class TaskPlan {
  private ts: string | null = null;
  /** Every task started so far, with its state; each update sends them all, so a lost one heals. */
  private readonly tasks: TaskChunk[] = [];
  private unavailable = false;
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly options: TaskPlanOptions) {}

  /** Complete the running task and start `step`. */
  start(step: { readonly id: AnalysisStep; readonly title: string }): Promise<void> {
    return this.enqueue(async () => {
      for (const task of this.tasks) if (task.status === 'in_progress') task.status = 'complete';
      const existing = this.tasks.find((task) => task.id === step.id);
      if (existing) existing.status = 'in_progress';
      else this.tasks.push({ type: 'task_update', id: step.id, title: plainTextSafe(step.title), status: 'in_progress' });
      await this.send(this.tasks.map((task) => ({ ...task })));
    });
  }

  /** End the plan: the running task complete (or failed), with the one-line summary under it. */
  stop(outcome: 'done' | 'failed', summary?: string): Promise<void> {
    return this.enqueue(async () => {
      if (this.unavailable || !this.ts) return;
      const chunks = this.tasks.map((task) => ({ ...task, status: task.status === 'in_progress' && outcome === 'failed' ? ('error' as const) : ('complete' as const) }));
      const ts = this.ts;
      try {
        await this.options.client.chat.stopStream({
          channel: this.options.channel,
          ts,
          chunks: summary && outcome === 'done' ? [...chunks, { type: 'markdown_text', text: markdownSafe(summary, [summary]) }] : chunks,
        });
      } catch (error) {
        this.options.log.warn({ method: 'chat.stopStream', err: errorSummary(error) }, 'Slack API call failed');
      }
    });
  }

  private async send(chunks: TaskChunk[]): Promise<void> {
    if (this.unavailable) return;
    const { client, channel, threadTs, teamId, userId } = this.options;
    try {
      if (!this.ts) {
        const started = await client.chat.startStream({
          channel,
          thread_ts: threadTs,
          recipient_team_id: teamId,
          recipient_user_id: userId,
          task_display_mode: 'plan',
          chunks: [{ type: 'plan_update', title: 'Analysing the upload' }, ...chunks],
        });
        this.ts = started.ts ?? null;
        if (!this.ts) this.unavailable = true;
        return;
      }
    } catch (error) {
      this.options.log.info({ err: errorSummary(error) }, 'Chat streaming unavailable; progress shows as the status only');
      this.unavailable = true;
      return;
    }
    try {
      await client.chat.appendStream({ channel, ts: this.ts, chunks });
    } catch (error) {
      // The next update sends every task's state again, and stop() still ends the plan.
      this.options.log.warn({ method: 'chat.appendStream', err: errorSummary(error) }, 'Slack API call failed');
    }
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(work);
    return this.queue;
  }
}
