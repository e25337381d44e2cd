import type { webApi } from '@slack/bolt';
import { z } from 'zod';
import type { SegmentApp } from '../../app/segment-app.js';
import type { Logger } from '../../common/logger.js';
import { SlackThread } from '../slack-thread.js';
import { SlackFileRefSchema, slackIncomingFile, type FilePolicy } from '../slack-files.js';

/** What every listener needs; listeners stay thin and hand work to the application core. */
export interface ListenerDeps {
  readonly app: SegmentApp;
  readonly files: FilePolicy;
  readonly log: Logger;
}

/** The fields of a user's message (message or app_mention event) the bot acts on. */
export const UserMessageSchema = z.object({
  channel: z.string(),
  user: z.string().optional(),
  text: z.string().optional(),
  ts: z.string(),
  thread_ts: z.string().optional(),
  channel_type: z.string().optional(),
  subtype: z.string().optional(),
  bot_id: z.string().optional(),
  files: z.array(SlackFileRefSchema).optional(),
});
export type UserMessage = z.infer<typeof UserMessageSchema>;

/** Message subtypes that are a person talking (everything else is edits, joins, bots...). */
const HUMAN_SUBTYPES = new Set([undefined, 'file_share', 'thread_broadcast']);

export function isHumanMessage(message: UserMessage): boolean {
  return HUMAN_SUBTYPES.has(message.subtype) && message.bot_id === undefined && message.user !== undefined;
}

export function mentions(text: string | undefined, botUserId: string | undefined): boolean {
  return botUserId !== undefined && (text ?? '').includes(`<@${botUserId}`);
}

/** The question without the bot's @-mention. */
export function withoutMention(text: string | undefined, botUserId: string | undefined): string {
  const mention = botUserId ? new RegExp(`<@${botUserId}(\\|[^>]*)?>`, 'g') : /$^/;
  return (text ?? '').replace(mention, '').replace(/\s+/g, ' ').trim();
}

export interface Dispatch {
  readonly client: webApi.WebClient;
  readonly teamId: string;
  readonly message: UserMessage;
  readonly botUserId: string | undefined;
  /** An AI-app thread: progress shows as the assistant status. */
  readonly assistantThread: boolean;
}

/**
 * Hand a user's message to the application: its files as uploads (each replied to in the file's
 * thread), otherwise its text as a question in the message's thread.
 */
export async function dispatchMessage(deps: ListenerDeps, dispatch: Dispatch): Promise<void> {
  const { client, teamId, message, assistantThread } = dispatch;
  const key = { teamId, channelId: message.channel };
  const threadTs = message.thread_ts ?? message.ts;
  const thread = (progressStyle: 'keep' | 'replace') =>
    new SlackThread({ client, key, channel: message.channel, threadTs, userId: message.user ?? null, assistantThread, progressStyle, log: deps.log });
  const files = message.files ?? [];
  if (files.length > 0) {
    for (const file of files) await deps.app.uploads.handle(thread('keep'), slackIncomingFile(client, file, deps.files));
    return;
  }
  await deps.app.store.claimThread(key, threadTs);
  await deps.app.questions.handle(thread('replace'), withoutMention(message.text, dispatch.botUserId));
}

/** The workspace an event belongs to. */
export function teamOf(body: { team_id?: string } | undefined, context: { teamId?: string }): string {
  return body?.team_id ?? context.teamId ?? 'unknown-team';
}
