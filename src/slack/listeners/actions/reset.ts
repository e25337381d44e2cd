import type { App, BlockButtonAction } from '@slack/bolt';
import { RESET_CANCELLED } from '../../../app/messages.js';
import { errorSummary } from '../../../common/errors.js';
import { textMessage } from '../../format.js';
import { SlackThread } from '../../slack-thread.js';
import type { ListenerDeps } from '../route.js';

export const RESET_CONFIRM_ACTION = 'segments_reset_confirm';
export const RESET_CANCEL_ACTION = 'segments_reset_cancel';

/**
 * The buttons under `/segments reset`. Only the person who uploaded the channel's dataset, or a
 * workspace admin or owner (users.info), may confirm; the app core decides, Slack only says who
 * is asking and whether they are an admin.
 */
export function registerResetActions(app: App, deps: ListenerDeps): void {
  app.action<BlockButtonAction>(RESET_CONFIRM_ACTION, async ({ ack, body, action, client, respond }) => {
    await ack();
    const teamId = body.team?.id ?? body.user.team_id ?? 'unknown-team';
    const channel = action.value ?? body.channel?.id;
    if (!channel) return;
    const conversation = new SlackThread({ client, key: { teamId, channelId: channel }, channel, threadTs: null, userId: body.user.id, isPrivate: false, log: deps.log });
    try {
      const reply = await deps.app.commands.confirmReset(conversation, {
        userId: body.user.id,
        isWorkspaceAdmin: async () => {
          const result = await client.users.info({ user: body.user.id });
          return Boolean(result.user?.is_admin || result.user?.is_owner || result.user?.is_primary_owner);
        },
      });
      const message = textMessage(reply.text, reply.literals);
      await respond({ replace_original: true, text: message.text, blocks: message.blocks });
    } catch (error) {
      deps.log.error({ err: errorSummary(error) }, 'Reset failed');
    }
  });
  app.action<BlockButtonAction>(RESET_CANCEL_ACTION, async ({ ack, respond }) => {
    await ack();
    const message = textMessage(RESET_CANCELLED);
    await respond({ replace_original: true, text: message.text, blocks: message.blocks });
  });
}
