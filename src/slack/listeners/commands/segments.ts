import type { App, RespondFn, types, webApi } from '@slack/bolt';
import type { CommandReply } from '../../../app/commands.js';
import { COMMAND_FAILED_MESSAGE } from '../../../app/messages.js';
import { errorSummary } from '../../../common/errors.js';
import { RESET } from '../../actions.js';
import { textMessage, type SlackMessage } from '../../format.js';
import { slackActor } from '../../people.js';
import { SlackThread } from '../../slack-thread.js';
import { openSettings } from '../views/settings.js';
import type { ListenerDeps } from '../route.js';

/** `/segments help|status|k N|method …|export|reset`: acknowledged at once, answered privately. */
export function registerSegmentsCommand(app: App, deps: ListenerDeps): void {
  app.command('/segments', async ({ command, ack, client, respond }) => {
    await ack();
    const conversation = new SlackThread({
      client,
      key: { teamId: command.team_id, channelId: command.channel_id },
      channel: command.channel_id,
      threadTs: null,
      userId: command.user_id,
      isPrivate: command.channel_id.startsWith('D'),
      log: deps.log,
    });
    let reply: SlackMessage;
    try {
      const result = await deps.app.commands.handle(conversation, command.text ?? '', slackActor(client, command.user_id));
      if (result.followUp === 'settings-dialog' && (await openSettings(client, command.trigger_id, command.team_id, command.channel_id, deps))) return;
      reply = commandMessage(result, command.channel_id);
    } catch (error) {
      deps.log.error({ err: errorSummary(error) }, 'Slash command failed');
      reply = textMessage(COMMAND_FAILED_MESSAGE);
    }
    await replyPrivately(client, respond, command.channel_id, command.user_id, reply, deps);
  });
}

/** A command's reply as Block Kit; a reset waits for the buttons. */
function commandMessage(reply: CommandReply, channel: string): SlackMessage {
  const message = textMessage(reply.text, reply.literals);
  if (reply.followUp !== 'confirm-reset') return message;
  const buttons: types.KnownBlock = {
    type: 'actions',
    elements: [
      { type: 'button', action_id: RESET.confirm, style: 'danger', text: { type: 'plain_text', text: 'Delete everything' }, value: channel },
      { type: 'button', action_id: RESET.cancel, text: { type: 'plain_text', text: 'Cancel' }, value: channel },
    ],
  };
  return { text: message.text, blocks: [...message.blocks, buttons] };
}

/** An ephemeral message in the channel; through the response URL when the bot is not a member there. */
async function replyPrivately(client: webApi.WebClient, respond: RespondFn, channel: string, user: string, message: SlackMessage, deps: ListenerDeps): Promise<void> {
  try {
    await client.chat.postEphemeral({ channel, user, text: message.text, blocks: message.blocks });
  } catch (error) {
    deps.log.info({ err: errorSummary(error) }, 'postEphemeral refused; replying through the response URL');
    await respond({ response_type: 'ephemeral', text: message.text, blocks: message.blocks }).catch((fallbackError: unknown) =>
      deps.log.warn({ err: errorSummary(fallbackError) }, 'Could not reply to the slash command'),
    );
  }
}
