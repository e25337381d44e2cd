import type { App, BlockAction, BlockElementAction } from '@slack/bolt';
import type { ExploreAction } from '../../../app/explore.js';
import { ACTION_NOT_A_MEMBER, FEEDBACK_THANKS } from '../../../app/messages.js';
import { errorSummary } from '../../../common/errors.js';
import { decodeValue, EXPLORE, ExploreValueSchema, FEEDBACK, FeedbackValueSchema } from '../../actions.js';
import { SlackThread } from '../../slack-thread.js';
import { isMember } from '../../viewed-channels.js';
import type { ListenerDeps } from '../route.js';

/** Where a press happened: the channel, the reply's message and its thread. */
interface PressPlace {
  readonly teamId: string;
  readonly channel: string;
  readonly userId: string;
  readonly messageTs: string;
  readonly threadTs: string;
}

function placeOf(body: BlockAction): PressPlace | null {
  const channel = body.channel?.id;
  const messageTs = body.message?.ts;
  if (!channel || !messageTs) return null;
  const threadTs = typeof body.message?.thread_ts === 'string' ? body.message.thread_ts : messageTs;
  return { teamId: body.team?.id ?? body.user.team_id ?? 'unknown-team', channel, userId: body.user.id, messageTs, threadTs };
}

/** The value a button or menu option carries. */
function valueOf(action: BlockElementAction): string | undefined {
  if (action.type === 'button') return action.value;
  if (action.type === 'static_select') return action.selected_option?.value;
  return undefined;
}

/**
 * The buttons under replies: explorations answered in the reply's thread as if typed, and 👍/👎
 * stored per channel. Interaction requests are signature-checked by Bolt like events; a person
 * who is not a member of the channel is refused (a DM is its owner's).
 */
export function registerExploreActions(app: App, deps: ListenerDeps): void {
  const allowed = async (place: PressPlace, client: Parameters<typeof isMember>[0]) =>
    place.channel.startsWith('D') || (await isMember(client, place.channel, place.userId, deps.log));

  app.action<BlockAction>(/^explore_/, async ({ ack, body, action, client, respond }) => {
    await ack();
    const element = action as BlockElementAction;
    const place = placeOf(body);
    const value = decodeValue(ExploreValueSchema, valueOf(element));
    const press = value ? exploreAction(element.action_id, value) : null;
    if (!place || !value || !press) return;
    if (!(await allowed(place, client))) {
      await respond({ response_type: 'ephemeral', replace_original: false, text: ACTION_NOT_A_MEMBER });
      return;
    }
    const conversation = new SlackThread({
      client,
      key: { teamId: place.teamId, channelId: place.channel },
      channel: place.channel,
      threadTs: place.threadTs,
      userId: place.userId,
      isPrivate: place.channel.startsWith('D'),
      log: deps.log,
      ...deps.thread,
    });
    try {
      const pressId = `${place.channel}:${place.messageTs}:${element.action_id}:${valueOf(element) ?? ''}:${place.userId}`;
      await deps.app.explore.press(conversation, { pressId, datasetId: value.d, action: press });
    } catch (error) {
      deps.log.error({ err: errorSummary(error) }, 'A button press failed');
    }
  });

  app.action<BlockAction>(new RegExp(`^(${FEEDBACK.up}|${FEEDBACK.down})$`), async ({ ack, body, action, client, respond }) => {
    await ack();
    const element = action as BlockElementAction;
    const place = placeOf(body);
    const value = decodeValue(FeedbackValueSchema, valueOf(element));
    if (!place || !value) return;
    if (!(await allowed(place, client))) {
      await respond({ response_type: 'ephemeral', replace_original: false, text: ACTION_NOT_A_MEMBER });
      return;
    }
    await deps.app.store.recordFeedback(
      { teamId: place.teamId, channelId: place.channel },
      { userId: place.userId, at: new Date().toISOString(), replyId: place.messageTs, vote: element.action_id === FEEDBACK.up ? 'up' : 'down', tools: value.t },
    );
    await respond({ response_type: 'ephemeral', replace_original: false, text: FEEDBACK_THANKS });
  });
}

function exploreAction(actionId: string, value: { readonly k?: number; readonly c?: string }): ExploreAction | null {
  if (actionId.startsWith(EXPLORE.tryK)) return value.k === undefined ? null : { kind: 'try-k', k: value.k };
  switch (actionId) {
    case EXPLORE.compareMethods:
      return { kind: 'compare-methods' };
    case EXPLORE.campaigns:
      return { kind: 'campaigns' };
    case EXPLORE.support:
      return { kind: 'support' };
    case EXPLORE.chart:
      return value.c === undefined ? null : { kind: 'chart', chart: value.c };
    case EXPLORE.exportToMe:
      return { kind: 'export' };
    case EXPLORE.brief:
      return { kind: 'brief' };
    default:
      return null;
  }
}
