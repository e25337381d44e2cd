import { readFile, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { InputError } from '../common/errors.js';
import { COMMAND_HELP, tooLargeMessage, type IncomingFile, type SegmentService } from '../slack/service.js';
import type { ChannelKey } from '../store/channel-store.js';
import { ConsoleConversation } from './console-conversation.js';

/** The console's one "channel": its state lives under DATA_DIR like any Slack channel's. */
export const CONSOLE_KEY: ChannelKey = { teamId: 'local', channelId: 'console' };
const CONSOLE_THREAD = 'console';

export const CONSOLE_HELP = [
  'Segment Analyst, local console (no Slack credentials found).',
  '  /upload path/to/customers.csv   analyse a CSV',
  '  /segments help|status|k N|method kmeans|kmedoids|gmm|export|reset',
  '  /quit                           leave',
  'Anything else is a question about the data, e.g. "which segment calls support most?"',
].join('\n');

export interface ConsoleSessionOptions {
  readonly service: SegmentService;
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
      await options.service.handleUpload(conversation, localFile(unquote(argument), options.maxUploadBytes));
      return;
    case '/segments': {
      const reply = await options.service.handleCommand(conversation, argument);
      if (reply) await conversation.say(reply);
      return;
    }
    default:
      if (verb.startsWith('/')) {
        await conversation.say(`Unknown command ${verb}.\n${CONSOLE_HELP}\n${COMMAND_HELP}`);
        return;
      }
      await options.service.handleQuestion(conversation, line);
  }
}

function unquote(text: string): string {
  return text.replace(/^(["'])(.*)\1$/, '$2');
}

/** A file on this machine, described like a shared Slack file (size checked before reading). */
export function localFile(path: string, maxUploadBytes: number): IncomingFile {
  const absolute = resolve(path);
  return {
    name: basename(absolute),
    size: null,
    mimetype: null,
    filetype: null,
    download: async () => {
      const info = await stat(absolute).catch(() => {
        throw new InputError(`There is no file at ${path}; check the path and try again.`, 'no-file');
      });
      if (!info.isFile()) throw new InputError(`${path} is a folder, not a file; give the path of a CSV file.`, 'not-a-file');
      if (info.size > maxUploadBytes) {
        throw new InputError(tooLargeMessage(basename(absolute), maxUploadBytes), 'file-too-large');
      }
      return readFile(absolute);
    },
  };
}
