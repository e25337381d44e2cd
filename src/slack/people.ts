import type { webApi } from '@slack/bolt';
import type { Actor } from '../app/commands.js';
import { errorSummary } from '../common/errors.js';
import type { Logger } from '../common/logger.js';

/** A person's name as Slack shows it (users.info: display name, else real name, else handle); the id when Slack will not say. */
export async function userName(client: webApi.WebClient, userId: string, log: Logger): Promise<string> {
  try {
    const user = (await client.users.info({ user: userId })).user;
    return user?.profile?.display_name || user?.real_name || user?.name || userId;
  } catch (error) {
    log.info({ method: 'users.info', err: errorSummary(error) }, 'Name unavailable');
    return userId;
  }
}

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
