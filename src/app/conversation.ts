import type { ChannelKey } from '../store/channel-store.js';
import type { Answer } from '../tools/answer.js';

/**
 * The port every surface implements: one place the application replies to (a Slack thread, an
 * agent thread, the console). Implementations only format and deliver; they never compute.
 */
export interface Conversation {
  readonly key: ChannelKey;
  /** The thread the replies go to (null for top-level replies, such as slash-command ones). */
  readonly threadTs: string | null;
  readonly userId: string | null;
  /** Show what is happening now ("Trying k = 2..10…"); each call replaces the previous one. */
  progress(text: string): Promise<void>;
  /** Post an answer: its text, table and footnote, then its export files. */
  post(answer: Answer): Promise<void>;
  /** Post charts (after the text they illustrate). */
  postImages(images: readonly RenderedImage[]): Promise<void>;
  /** A short plain reply: a notice or a problem with the user's file. */
  say(text: string): Promise<void>;
  /** Start showing streamed text. */
  openStream(): TextSink;
  /** Clear the progress indicator, leaving `summary` in its place when given. */
  finish(summary?: string): Promise<void>;
}

/** A chart ready to show: PNG bytes plus the names a Slack or console file needs. */
export interface RenderedImage {
  readonly fileName: string;
  readonly title: string;
  readonly png: Buffer;
}

/** Text arriving piece by piece (model output), shown as it comes. */
export interface TextSink {
  append(delta: string): void;
  /** Replace what was streamed with the final, checked answer (or drop it when nothing came). */
  finish(final: Answer): Promise<void>;
  /** True once any text was shown. */
  readonly started: boolean;
}

/** A file the user shared, described before it is downloaded. */
export interface IncomingFile {
  readonly name: string;
  /** Size as reported by the platform (checked before downloading), when known. */
  readonly size: number | null;
  readonly mimetype: string | null;
  readonly filetype: string | null;
  /** Fetch the bytes; throws InputError for permission, host or size problems. */
  readonly download: () => Promise<Buffer>;
}
