import type { App } from '@slack/bolt';
import { dispatchMessage, teamOf, UserMessageSchema, type ListenerDeps } from '../route.js';

/** "@Segment Analyst which segment calls support most?" (or a mention with a file attached). */
export function registerAppMention(app: App, deps: ListenerDeps): void {
  app.event('app_mention', async ({ event, body, context, client }) => {
    const message = UserMessageSchema.safeParse(event);
    if (!message.success || message.data.bot_id !== undefined) return;
    await dispatchMessage(deps, { client, teamId: teamOf(body, context), message: message.data, botUserId: context.botUserId, mentioned: true });
  });
}
