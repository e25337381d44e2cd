import type { App, RespondFn, webApi } from '@slack/bolt';
import { SlackThread } from '../../slack-thread.js';
import { COMMAND_FAILED_MESSAGE } from '../../../app/messages.js';
import { errorSummary } from '../../../common/errors.js';
import type { ListenerDeps } from '../route.js';

/** `/segments help|status|k N|method …|export|reset`: acknowledged at once, answered privately. */
export function registerSegmentsCommand(app: App, deps: ListenerDeps): void {
  app.command('/segments', async ({ command, ack, client, respond }) => {
    await ack();
    const key = { teamId: command.team_id, channelId: command.channel_id };
    const conversation = new SlackThread({
      client,
      key,
      channel: command.channel_id,
      threadTs: null,
      userId: command.user_id,
      assistantThread: false,
      progressStyle: 'replace',
      log: deps.log,
    });
    let reply: string;
    try {
      reply = await deps.app.commands.handle(conversation, command.text ?? '');
    } catch (error) {
      deps.log.error({ err: errorSummary(error) }, 'Slash command failed');
      reply = COMMAND_FAILED_MESSAGE;
    }
    await replyPrivately(client, respond, command.channel_id, command.user_id, reply, deps);
  });
}

/** An ephemeral message in the channel; through the response URL when the bot is not a member there. */
async function replyPrivately(
  client: webApi.WebClient,
  respond: RespondFn,
  channel: string,
  user: string,
  text: string,
  deps: ListenerDeps,
): Promise<void> {
  try {
    await client.chat.postEphemeral({ channel, user, text });
  } catch (error) {
    deps.log.info({ err: errorSummary(error) }, 'postEphemeral refused; replying through the response URL');
    await respond({ response_type: 'ephemeral', text }).catch((fallbackError: unknown) =>
      deps.log.warn({ err: errorSummary(fallbackError) }, 'Could not reply to the slash command'),
    );
  }
}
