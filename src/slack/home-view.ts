import type { types } from '@slack/bolt';
import { METHOD_NAMES } from '../analysis/report.js';
import type { VisibleDataset } from '../app/home.js';
import { HOME_EMPTY, HOME_INTRO, retentionNote } from '../app/messages.js';
import { mrkdwnSafe } from '../app/render/escape.js';

type KnownBlock = types.KnownBlock;

export const HOME_SETTINGS_ACTION = 'home_open_settings';

/** A home tab holds at most 100 blocks (https://docs.slack.dev/surfaces/app-home); each dataset takes two. */
const MAX_DATASETS = 45;

export interface HomeEntry {
  readonly dataset: VisibleDataset;
  /** The uploader's name as Slack shows it. */
  readonly uploader: string | null;
  /** A link to the dataset's thread (chat.getPermalink), when it has one. */
  readonly threadLink: string | null;
}

/**
 * The App Home tab for one person: the datasets they can see, each with its file, who uploaded it
 * and when, rows, k and method, a link to its thread and its settings; then how long data is kept
 * (`retentionDays`, RETENTION_DAYS; null when data is kept until reset).
 */
export function homeView(entries: readonly HomeEntry[], retentionDays: number | null): types.HomeView {
  const blocks: KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text: HOME_INTRO } }, { type: 'divider' }];
  if (entries.length === 0) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: HOME_EMPTY } });
  for (const { dataset, uploader, threadLink } of entries.slice(0, MAX_DATASETS)) {
    const literals = [dataset.fileName, ...(uploader ? [uploader] : [])];
    const when = (iso: string) => `${iso.replace('T', ' ').slice(0, 16)} UTC`;
    const analysed = dataset.analysed
      ? `${dataset.analysed.rows} rows in ${dataset.analysed.k} segments (${METHOD_NAMES[dataset.analysed.algorithm]})${dataset.analysed.at ? `, last analysed ${when(dataset.analysed.at)}` : ''}`
      : 'not analysed yet';
    const text = mrkdwnSafe(`*${dataset.fileName}*\nUploaded ${when(dataset.uploadedAt)}${uploader ? ` by ${uploader}` : ''}; ${analysed}.`, literals);
    // The channel mention is ours, added after escaping; a channel id is only letters and digits.
    const where = /^[CDG][A-Z0-9]+$/.test(dataset.channelId) ? (dataset.channelId.startsWith('D') ? 'Your DM with the bot' : `<#${dataset.channelId}>`) : '';
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `${where}\n${text}` } });
    blocks.push({
      type: 'actions',
      block_id: `home_${dataset.channelId}`,
      elements: [
        ...(threadLink ? [{ type: 'button' as const, action_id: 'home_open_thread', text: { type: 'plain_text' as const, text: 'Open the thread' }, url: threadLink }] : []),
        { type: 'button', action_id: HOME_SETTINGS_ACTION, text: { type: 'plain_text', text: 'Settings' }, value: dataset.channelId },
      ],
    });
  }
  blocks.push({ type: 'divider' }, { type: 'context', elements: [{ type: 'mrkdwn', text: retentionNote(retentionDays) }] });
  return { type: 'home', blocks };
}
