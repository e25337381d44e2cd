import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { localFile } from '../app/local-file.js';
import { COMMAND_HELP } from '../app/messages.js';
import type { SegmentApp } from '../app/segment-app.js';
import type { ChannelKey } from '../store/channel-store.js';
import { ConsoleConversation } from './console-conversation.js';

/** The console's one "channel": its state lives under DATA_DIR like any Slack channel's. */
export const CONSOLE_KEY: ChannelKey = { teamId: 'local', channelId: 'console' };
const CONSOLE_THREAD = 'console';

export const CONSOLE_HELP = [
  'Segment Analyst, local console (no Slack credentials found).',
  '  /upload path/to/customers.csv   analyse a CSV',
  '  /segments help|status|k N|method kmeans|kmedoids|gmm|export|reset',
  '  /confirm-reset                  confirm a /segments reset',
  '  /quit                           leave',
  'Anything else is a question about the data, e.g. "which segment calls support most?"',
].join('\n');

const CONFIRM_RESET_HINT = 'Type /confirm-reset to delete it.';

export interface ConsoleSessionOptions {
  readonly app: SegmentApp;
  readonly input: Readable;
  readonly output: Writable;
  readonly outDir: string;
  readonly maxUploadBytes: number;
  /** Show the prompt (off when input is not a terminal). */
  readonly prompt?: boolean;
}

/**
 * The embedded default when no Slack credentials are set: the same service and tools as the
 * bot, driven by lines typed at a prompt. Resolves when input ends or the user types /quit.
 */
export async function runConsoleSession(options: ConsoleSessionOptions): Promise<void> {
  const { output } = options;
  const conversation = new ConsoleConversation({ key: CONSOLE_KEY, threadTs: CONSOLE_THREAD, output, outDir: options.outDir });
  const lines = createInterface({ input: options.input, terminal: false });
  const showPrompt = options.prompt ?? false;
  output.write(`${CONSOLE_HELP}\n`);
  if (showPrompt) output.write('segments> ');
  for await (const raw of lines) {
    const line = raw.trim();
    if (line === '/quit' || line === '/exit') break;
    if (line.length > 0) await handleLine(line, conversation, options);
    if (showPrompt) output.write('segments> ');
  }
  lines.close();
}

/** One typed line: an upload, a /segments command, help, or a question. */
export async function handleLine(line: string, conversation: ConsoleConversation, options: ConsoleSessionOptions): Promise<void> {
  const [verb, ...rest] = line.split(/\s+/);
  const argument = line.slice(verb.length).trim();
  switch (verb) {
    case '/help':
      options.output.write(`${CONSOLE_HELP}\n`);
      return;
    case '/upload':
      if (rest.length === 0) {
        await conversation.say('Give the path of a CSV file, e.g. /upload data/sample-customers.csv');
        return;
      }
      await options.app.uploads.handle(conversation, localFile(unquote(argument), options.maxUploadBytes));
      return;
    case '/segments': {
      const reply = await options.app.commands.handle(conversation, argument);
      await conversation.say(reply.followUp === 'confirm-reset' ? `${reply.text}\n${CONFIRM_RESET_HINT}` : reply.text);
      return;
    }
    case '/confirm-reset': {
      const reply = await options.app.commands.confirmReset(conversation, { userId: conversation.userId, isWorkspaceAdmin: async () => true });
      await conversation.say(reply.text);
      return;
    }
    default:
      if (verb.startsWith('/')) {
        await conversation.say(`Unknown command ${verb}.\n${CONSOLE_HELP}\n${COMMAND_HELP}`);
        return;
      }
      await options.app.questions.handle(conversation, line);
  }
}

function unquote(text: string): string {
  return text.replace(/^(["'])(.*)\1$/, '$2');
}
