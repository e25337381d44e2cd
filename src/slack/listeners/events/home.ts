import type { App, webApi } from '@slack/bolt';
import { z } from 'zod';
import { visibleDatasets } from '../../../app/home.js';
import { errorSummary } from '../../../common/errors.js';
import type { Logger } from '../../../common/logger.js';
import { homeView, type HomeEntry } from '../../home-view.js';
import { userName } from '../../people.js';
import { isMember } from '../../viewed-channels.js';
import { teamOf, type ListenerDeps } from '../route.js';

const AppHomeOpenedSchema = z.object({ user: z.string(), tab: z.string().optional() });

/** The App Home tab (`app_home_opened`, tab "home"), published for the person who opened it (views.publish). */
export function registerHomeTab(app: App, deps: ListenerDeps): void {
  app.event('app_home_opened', async ({ event, body, context, client }) => {
    const opened = AppHomeOpenedSchema.safeParse(event);
    if (!opened.success || opened.data.tab !== 'home') return;
    await publishHome(client, teamOf(body, context), opened.data.user, deps);
  });
}

export async function publishHome(client: webApi.WebClient, teamId: string, userId: string, deps: ListenerDeps): Promise<void> {
  try {
    const ownDm = await client.conversations.open({ users: userId }).then((r) => r.channel?.id ?? null, () => null);
    // A DM's data is its person's; a channel's, its members' (conversations.members).
    const visible = (channelId: string) => (channelId.startsWith('D') ? Promise.resolve(channelId === ownDm) : isMember(client, channelId, userId, deps.log));
    const datasets = await visibleDatasets(deps.app.store, teamId, (key) => visible(key.channelId));
    const entries: HomeEntry[] = [];
    for (const dataset of datasets) {
      entries.push({
        dataset,
        uploader: dataset.uploadedBy ? await userName(client, dataset.uploadedBy, deps.log) : null,
        threadLink: dataset.threadTs ? await permalink(client, dataset.channelId, dataset.threadTs, deps.log) : null,
      });
    }
    await client.views.publish({ user_id: userId, view: homeView(entries, deps.app.retentionDays) });
  } catch (error) {
    deps.log.warn({ err: errorSummary(error) }, 'Could not publish the App Home');
  }
}


async function permalink(client: webApi.WebClient, channel: string, ts: string, log: Logger): Promise<string | null> {
  try {
    return (await client.chat.getPermalink({ channel, message_ts: ts })).permalink ?? null;
  } catch (error) {
    log.info({ method: 'chat.getPermalink', err: errorSummary(error) }, 'Thread link unavailable');
    return null;
  }
}
