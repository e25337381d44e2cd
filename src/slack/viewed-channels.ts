import type { webApi } from '@slack/bolt';
import { errorSummary } from '../common/errors.js';
import type { Logger } from '../common/logger.js';

/** Pages of conversations.members read before giving up (200 members a page). */
const MAX_MEMBER_PAGES = 50;

/**
 * The channel a context event (`app_context_changed`, `app_home_opened`) says the person is
 * viewing: the first channel among its entities, ordered by relevance
 * (https://docs.slack.dev/reference/events/app_context_changed); null when there is none.
 */
export function viewedChannelOf(context: unknown): string | null {
  const entities = (context as { entities?: { type?: unknown; value?: unknown }[] } | undefined)?.entities ?? [];
  for (const entity of entities) {
    if (entity.type === 'slack#/types/channel_id' && typeof entity.value === 'string' && /^[CG][A-Z0-9]+$/.test(entity.value)) return entity.value;
  }
  return null;
}

/**
 * Whether `userId` is a member of `channel` (conversations.members, paginated). A channel the
 * bot cannot read counts as no: no data crosses to someone outside a channel.
 */
export async function isMember(client: webApi.WebClient, channel: string, userId: string, log: Logger): Promise<boolean> {
  let cursor: string | undefined;
  try {
    for (let page = 0; page < MAX_MEMBER_PAGES; page++) {
      const result = await client.conversations.members({ channel, limit: 200, cursor });
      if (result.members?.includes(userId)) return true;
      cursor = result.response_metadata?.next_cursor || undefined;
      if (!cursor) return false;
    }
  } catch (error) {
    log.info({ method: 'conversations.members', err: errorSummary(error) }, 'Membership check failed; treating as not a member');
  }
  return false;
}
