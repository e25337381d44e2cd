import { Assistant } from '@slack/bolt';
import { dispatchMessage, isHumanMessage, UserMessageSchema, type ListenerDeps } from '../route.js';

export const ASSISTANT_GREETING =
  'Hi! Upload a CSV of customers here (one row per customer, numeric columns) and I will find the segments, chart them and answer questions about them.';

export const SUGGESTED_PROMPTS = [
  { title: 'Which segment calls support most?', message: 'Which segment calls support most?' },
  { title: 'Suggest a campaign per segment', message: 'Suggest a campaign per segment' },
  { title: 'Show the segment map', message: 'Show the segment map' },
] as const;

/** Slack's AI-app surface: a greeting with suggested prompts, then every message answered with a status indicator. */
export function createAssistant(deps: ListenerDeps): Assistant {
  return new Assistant({
    threadStarted: async ({ say, setSuggestedPrompts, event, context }) => {
      await say(ASSISTANT_GREETING);
      await setSuggestedPrompts({ title: 'Try asking', prompts: [...SUGGESTED_PROMPTS] });
      const thread = event.assistant_thread;
      await deps.store.claimThread({ teamId: context.teamId ?? 'unknown-team', channelId: thread.channel_id }, thread.thread_ts);
    },
    userMessage: async ({ message, client, context, body }) => {
      const parsed = UserMessageSchema.safeParse(message);
      if (!parsed.success || !isHumanMessage(parsed.data)) return;
      const teamId = (body as { team_id?: string }).team_id ?? context.teamId ?? 'unknown-team';
      await dispatchMessage(deps, { client, teamId, message: parsed.data, botUserId: context.botUserId, assistantThread: true });
    },
  });
}
