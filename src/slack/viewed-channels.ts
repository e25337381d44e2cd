import type { webApi } from '@slack/bolt';
import { errorSummary } from '../common/errors.js';
import type { Logger } from '../common/logger.js';

/** Pages of conversations.members read before giving up (200 members a page). */
const MAX_MEMBER_PAGES = 50;

/**
 * Which channel each person is looking at while the agent conversation is open, from
 * `app_context_changed` and `app_home_opened` (https://docs.slack.dev/reference/events/app_context_changed).
 * Kept in memory: Slack sends it again whenever the view changes.
 */
export class ViewedChannels {
  private readonly viewing = new Map<string, string>();

  /** Record the first channel among the event's context entities (ordered by relevance), or forget it when there is none. */
  record(teamId: string, userId: string, context: unknown): void {
    const channel = firstChannel(context);
    if (channel) this.viewing.set(`${teamId}/${userId}`, channel);
    else this.viewing.delete(`${teamId}/${userId}`);
  }

  of(teamId: string, userId: string): string | null {
    return this.viewing.get(`${teamId}/${userId}`) ?? null;
  }
}

function firstChannel(context: unknown): string | null {
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
