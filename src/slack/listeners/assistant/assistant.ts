import { Assistant } from '@slack/bolt';
import { AGENT_GREETING, SUGGESTED_PROMPTS } from '../../../app/messages.js';
import { dispatchMessage, isHumanMessage, UserMessageSchema, type ListenerDeps } from '../route.js';


/** Slack's AI-app surface: a greeting with suggested prompts, then every message answered with a status indicator. */
export function createAssistant(deps: ListenerDeps): Assistant {
  return new Assistant({
    threadStarted: async ({ say, setSuggestedPrompts, event, context }) => {
      await say(AGENT_GREETING);
      await setSuggestedPrompts({ title: 'Try asking', prompts: [...SUGGESTED_PROMPTS] });
      const thread = event.assistant_thread;
      await deps.app.store.claimThread({ teamId: context.teamId ?? 'unknown-team', channelId: thread.channel_id }, thread.thread_ts);
    },
    userMessage: async ({ message, client, context, body }) => {
      const parsed = UserMessageSchema.safeParse(message);
      if (!parsed.success || !isHumanMessage(parsed.data)) return;
      const teamId = (body as { team_id?: string }).team_id ?? context.teamId ?? 'unknown-team';
      await dispatchMessage(deps, { client, teamId, message: parsed.data, botUserId: context.botUserId, assistantThread: true });
    },
  });
}
