import type { App, BlockButtonAction } from '@slack/bolt';
import { RESET_CANCELLED } from '../../../app/messages.js';
import { errorSummary } from '../../../common/errors.js';
import { RESET } from '../../actions.js';
import { textMessage } from '../../format.js';
import { slackActor } from '../../people.js';
import { SlackThread } from '../../slack-thread.js';
import type { ListenerDeps } from '../route.js';


/**
 * The buttons under `/segments reset`. Only the person who uploaded the channel's dataset, or a
 * workspace admin or owner (users.info), may confirm; the app core decides, Slack only says who
 * is asking and whether they are an admin.
 */
export function registerResetActions(app: App, deps: ListenerDeps): void {
  app.action<BlockButtonAction>(RESET.confirm, async ({ ack, body, action, client, respond }) => {
    await ack();
    const teamId = body.team?.id ?? body.user.team_id ?? 'unknown-team';
    const channel = action.value ?? body.channel?.id;
    if (!channel) return;
    const conversation = new SlackThread({ client, key: { teamId, channelId: channel }, channel, threadTs: null, userId: body.user.id, isPrivate: false, log: deps.log });
    try {
      const reply = await deps.app.commands.confirmReset(conversation, slackActor(client, body.user.id));
      const message = textMessage(reply.text, reply.literals);
      await respond({ replace_original: true, text: message.text, blocks: message.blocks });
    } catch (error) {
      deps.log.error({ err: errorSummary(error) }, 'Reset failed');
    }
  });
  app.action<BlockButtonAction>(RESET.cancel, async ({ ack, respond }) => {
    await ack();
    const message = textMessage(RESET_CANCELLED);
    await respond({ replace_original: true, text: message.text, blocks: message.blocks });
  });
}
