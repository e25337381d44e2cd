import type { App, BlockAction, webApi } from '@slack/bolt';
import { ACTION_NOT_A_MEMBER } from '../../../app/messages.js';
import { errorSummary } from '../../../common/errors.js';
import { HOME_SETTINGS_ACTION } from '../../home-view.js';
import { settingsForm, settingsModal, SettingsMetadataSchema, SETTINGS_CALLBACK_ID, type SettingsMetadata } from '../../settings-modal.js';
import { SlackThread } from '../../slack-thread.js';
import { isMember } from '../../viewed-channels.js';
import type { ListenerDeps } from '../route.js';

/** Open the settings dialog for a channel (from `/segments settings` or the App Home's button); false when Slack refused. */
export async function openSettings(client: webApi.WebClient, triggerId: string, teamId: string, channelId: string, deps: ListenerDeps): Promise<boolean> {
  try {
    const choices = await deps.app.settingsDialog.choices({ teamId, channelId });
    await client.views.open({ trigger_id: triggerId, view: settingsModal(choices, { teamId, channelId }) });
    return true;
  } catch (error) {
    deps.log.warn({ err: errorSummary(error) }, 'Could not open the settings dialog');
    return false;
  }
}

function metadataOf(raw: string): SettingsMetadata | null {
  try {
    return SettingsMetadataSchema.parse(JSON.parse(raw));
  } catch {
    return null;
  }
}

/**
 * The settings dialog's submission (`view_submission`): wrong fields are shown in the dialog
 * (response_action "errors"); right ones are kept and the analysis re-runs in the dataset's thread.
 */
export function registerSettingsDialog(app: App, deps: ListenerDeps): void {
  app.view(SETTINGS_CALLBACK_ID, async ({ ack, body, view, client }) => {
    const metadata = metadataOf(view.private_metadata);
    if (!metadata) {
      await ack();
      return;
    }
    const key = { teamId: metadata.teamId, channelId: metadata.channelId };
    const userId = body.user.id;
    if (!key.channelId.startsWith('D') && !(await isMember(client, key.channelId, userId, deps.log))) {
      await ack({ response_action: 'errors', errors: { k: ACTION_NOT_A_MEMBER } });
      return;
    }
    const result = await deps.app.settingsDialog.save(key, settingsForm(view.state.values as Parameters<typeof settingsForm>[0]), userId);
    if (!result.ok) {
      await ack({ response_action: 'errors', errors: result.errors });
      return;
    }
    await ack();
    const threadTs = await deps.app.settingsDialog.threadOf(key);
    const conversation = new SlackThread({ client, key, channel: key.channelId, threadTs, userId, isPrivate: key.channelId.startsWith('D'), log: deps.log, ...deps.thread });
    await deps.app.settingsDialog.rerun(conversation);
  });

  app.action<BlockAction>(HOME_SETTINGS_ACTION, async ({ ack, body, action, client }) => {
    await ack();
    const channelId = action.type === 'button' ? action.value : undefined;
    const teamId = body.team?.id ?? body.user.team_id ?? 'unknown-team';
    if (!channelId || !body.trigger_id) return;
    await openSettings(client, body.trigger_id, teamId, channelId, deps);
  });
}
