import type { webApi } from '@slack/bolt';
import type { Actor } from '../app/commands.js';

/** The person behind a command or a click, with Slack's admin and owner flags (users.info, users:read). */
export function slackActor(client: webApi.WebClient, userId: string): Actor {
  return {
    userId,
    isWorkspaceAdmin: async () => {
      const result = await client.users.info({ user: userId });
      return Boolean(result.user?.is_admin || result.user?.is_owner || result.user?.is_primary_owner);
    },
  };
}
