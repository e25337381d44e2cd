import type { webApi } from '@slack/bolt';
import { z } from 'zod';
import { notAMemberMessage } from '../../app/messages.js';
import type { SegmentApp } from '../../app/segment-app.js';
import { isTableFile } from '../../app/uploads.js';
import type { Logger } from '../../common/logger.js';
import type { ChannelKey } from '../../store/channel-store.js';
import { SlackThread } from '../slack-thread.js';
import { SlackFileRefSchema, slackIncomingFile, type FilePolicy, type SlackFileRef } from '../slack-files.js';
import { isMember } from '../viewed-channels.js';

/** What every listener needs; listeners stay thin and hand work to the application core. */
export interface ListenerDeps {
  readonly app: SegmentApp;
  readonly files: FilePolicy;
  readonly log: Logger;
  /** Timing knobs of a thread (status refresh, chart wait); tests shorten them. */
  readonly thread?: { readonly statusRefreshMs?: number; readonly chartsShownTimeoutMs?: number; readonly streamUpdateMs?: number };
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
  /** The bot was @-mentioned: every file gets a reply, not only table files. */
  readonly mentioned: boolean;
}

/**
 * Hand a user's message to the application. Its files are uploads, each answered in the
 * message's thread; in a channel, a file that is not a table gets no reply unless the bot was
 * mentioned. The message's words are a question, answered after its uploads were analysed.
 */
export async function dispatchMessage(deps: ListenerDeps, dispatch: Dispatch): Promise<void> {
  const { client, teamId, message } = dispatch;
  const isPrivate = message.channel_type === 'im';
  const threadTs = message.thread_ts ?? message.ts;
  const thread = (key: ChannelKey) =>
    new SlackThread({ client, key, channel: message.channel, threadTs, userId: message.user ?? null, isPrivate, log: deps.log, ...deps.thread });
  const ownKey = { teamId, channelId: message.channel };
  const question = withoutMention(message.text, dispatch.botUserId);
  const files = (message.files ?? []).filter((file) => isPrivate || dispatch.mentioned || mayBeTable(file));
  if (files.length > 0) {
    let analysed = false;
    for (const file of files) analysed = (await deps.app.uploads.handle(thread(ownKey), slackIncomingFile(client, file, deps.files))) || analysed;
    if (analysed && question.length > 0) await deps.app.questions.handle(thread(ownKey), question);
    return;
  }
  if ((message.files?.length ?? 0) > 0 && question.length === 0) return;
  const key = isPrivate ? await agentKey(deps, dispatch) : ownKey;
  if (key === 'refused') {
    await thread(ownKey).say(notAMemberMessage());
    return;
  }
  await deps.app.store.claimThread(ownKey, threadTs);
  await deps.app.questions.handle(thread(key), question);
}

/**
 * In the agent conversation, a question is about the channel the user is viewing when that
 * channel has a dataset and the user is one of its members; otherwise about the conversation's
 * own uploads. A viewed channel the user is not in is refused.
 */
async function agentKey(deps: ListenerDeps, dispatch: Dispatch): Promise<ChannelKey | 'refused'> {
  const { client, teamId, message } = dispatch;
  const own = { teamId, channelId: message.channel };
  const viewed = message.user ? await deps.app.viewedChannels.of(teamId, message.user) : null;
  if (!viewed || !message.user) return own;
  const viewedKey = { teamId, channelId: viewed };
  if (!(await deps.app.store.state(viewedKey)).active) return own;
  return (await isMember(client, viewed, message.user, deps.log)) ? viewedKey : 'refused';
}

/** A table file, or one the event does not describe (Slack sends some files as an id only; files.info tells later). */
function mayBeTable(file: SlackFileRef): boolean {
  if (file.name === undefined && file.filetype === undefined && file.mimetype === undefined) return true;
  return isTableFile({ name: file.name ?? '', filetype: file.filetype ?? null, mimetype: file.mimetype ?? null });
}

/** The workspace an event belongs to. */
export function teamOf(body: { team_id?: string } | undefined, context: { teamId?: string }): string {
  return body?.team_id ?? context.teamId ?? 'unknown-team';
}
