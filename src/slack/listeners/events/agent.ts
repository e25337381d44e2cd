import type { App } from '@slack/bolt';
import { z } from 'zod';
import { AGENT_GREETING, SUGGESTED_PROMPTS } from '../../../app/messages.js';
import { errorSummary } from '../../../common/errors.js';
import { textMessage } from '../../format.js';
import { teamOf, type ListenerDeps } from '../route.js';
import { viewedChannelOf } from '../../viewed-channels.js';

const AppHomeOpenedSchema = z.object({ user: z.string(), channel: z.string(), tab: z.string().optional(), context: z.unknown().optional() });
const AppContextChangedSchema = z.object({ user: z.string(), context: z.unknown().optional() });

/**
 * The agent surface (`features.agent_view`; https://docs.slack.dev/ai/migrating-to-agent-messaging/):
 * opening the app's Messages tab (`app_home_opened`, tab "messages") greets the person once and
 * sets the suggested prompts, without a thread_ts (with one, Slack silently ignores the call under
 * agent_view); `app_context_changed` says which channel they are looking at.
 */
export function registerAgentEvents(app: App, deps: ListenerDeps): void {
  app.event('app_home_opened', async ({ event, body, context, client }) => {
    const opened = AppHomeOpenedSchema.safeParse(event);
    if (!opened.success || opened.data.tab !== 'messages') return;
    const { user, channel } = opened.data;
    const teamId = teamOf(body, context);
    try {
      if (opened.data.context !== undefined) await deps.app.viewedChannels.record(teamId, user, viewedChannelOf(opened.data.context));
      // Once per person, across replicas and restarts: the seen-event log is shared like events are.
      if (await deps.app.seenEvents.firstTime(`greeting:${teamId}/${user}`)) {
        const greeting = textMessage(AGENT_GREETING);
        await client.chat.postMessage({ channel, text: greeting.text, blocks: greeting.blocks });
      }
      await client.assistant.threads.setSuggestedPrompts({ channel_id: channel, title: 'Try asking', prompts: [...SUGGESTED_PROMPTS] });
    } catch (error) {
      deps.log.warn({ err: errorSummary(error) }, 'Could not greet in the agent conversation');
    }
  });
  app.event('app_context_changed', async ({ event, body, context }) => {
    const changed = AppContextChangedSchema.safeParse(event);
    if (!changed.success) return;
    try {
      await deps.app.viewedChannels.record(teamOf(body, context), changed.data.user, viewedChannelOf(changed.data.context));
    } catch (error) {
      deps.log.warn({ err: errorSummary(error) }, 'Could not remember the viewed channel');
    }
  });
}
