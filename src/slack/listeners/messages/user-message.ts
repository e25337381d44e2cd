import type { App } from '@slack/bolt';
import { dispatchMessage, isHumanMessage, mentions, teamOf, UserMessageSchema, type ListenerDeps } from '../route.js';

/**
 * Messages the bot sees without being mentioned: files shared where it is (uploads), replies in
 * threads it started, and direct messages (the agent conversation). A message that mentions the
 * bot is left to the app_mention listener so it is handled once.
 */
export function registerUserMessages(app: App, deps: ListenerDeps): void {
  app.event('message', async ({ event, body, context, client }) => {
    const parsed = UserMessageSchema.safeParse(event);
    if (!parsed.success || !isHumanMessage(parsed.data)) return;
    const message = parsed.data;
    const teamId = teamOf(body, context);
    const dispatch = { client, teamId, message, botUserId: context.botUserId, mentioned: false };
    if (message.channel_type === 'im') {
      await dispatchMessage(deps, dispatch);
      return;
    }
    if (mentions(message.text, context.botUserId)) return;
    if ((message.files?.length ?? 0) > 0) {
      await dispatchMessage(deps, dispatch);
      return;
    }
    const inThread = message.thread_ts !== undefined && message.thread_ts !== message.ts;
    if (inThread && (await deps.app.store.ownsThread({ teamId, channelId: message.channel }, message.thread_ts as string))) {
      await dispatchMessage(deps, dispatch);
    }
  });
}
