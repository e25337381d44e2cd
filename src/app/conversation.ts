import type { ChannelKey } from '../store/channel-store.js';
import type { Answer } from '../tools/answer.js';

/**
 * The port every surface implements: one place the application replies to (a Slack thread, an
 * agent thread, the console). Implementations only format and deliver; they never compute.
 */
export interface Conversation {
  /** Whose data the conversation reads and changes (may be a channel the user is viewing from the agent conversation). */
  readonly key: ChannelKey;
  /** The thread the replies go to (null for top-level replies, such as slash-command ones). */
  readonly threadTs: string | null;
  readonly userId: string | null;
  /**
   * True where only the person who asked reads the replies (a DM, the agent conversation, the
   * console): customer-level files are posted here; elsewhere they go to that person privately.
   */
  readonly isPrivate: boolean;
  /** Show what is happening now; each call replaces the previous status and, with a step, completes the previous step. */
  progress(update: ProgressUpdate): Promise<void>;
  /** Post an answer: its text, table and footnote, then its files. */
  post(answer: Answer): Promise<void>;
  /** Post an answer to the asker alone (a DM); resolves to the name to tell the others, e.g. "Ana". */
  postToAsker(answer: Answer): Promise<string>;
  /** Post charts (after the text they illustrate); resolves once they are shown, so later words land below them. */
  postImages(images: readonly RenderedImage[]): Promise<void>;
  /** A short plain reply: a notice or a problem with the user's file; `literals` are quoted from the file or the user. */
  say(text: string, literals?: readonly string[]): Promise<void>;
  /**
   * Post `text` where everyone in the conversation sees it and continue in its thread (a slash
   * command's work that others may follow up on); surfaces that are one thread already continue here.
   */
  startThread(text: string, literals: readonly string[]): Promise<Conversation>;
  /** A person's name as the surface shows it (for "uploaded by Ana"), never a mention that pings. */
  displayName(userId: string): Promise<string>;
  /**
   * Publish a document for the conversation (a canvas in Slack, a Markdown file in the console).
   * `replaces` is the id of the bot's own earlier version, to be replaced in place where it still
   * exists; resolves to the document's id and where people find it.
   */
  publishDocument(document: { readonly title: string; readonly markdown: string }, replaces: string | null): Promise<{ readonly id: string; readonly where: string }>;
  /** Links to the charts already shown in this conversation, for documents that point back to them. */
  chartLinks(): Promise<readonly { readonly title: string; readonly url: string }[]>;
  /** Start showing streamed text. */
  openStream(literals: readonly string[]): TextSink;
  /** Clear the progress indicator, leaving `summary` where the surface keeps one; a failed outcome marks the current step failed. */
  finish(summary?: string, outcome?: 'done' | 'failed'): Promise<void>;
}

/** The steps of an analysis, in order; surfaces that can show a plan of tasks show these. */
export const ANALYSIS_STEPS = ['read', 'clean', 'choose-k', 'fit', 'charts', 'insights'] as const;
export type AnalysisStep = (typeof ANALYSIS_STEPS)[number];

export interface ProgressUpdate {
  /** The status line: "Cleaning 660 rows…". */
  readonly text: string;
  /** The analysis step this starts, when it is one ("Reading", "Cleaning 660 rows", "Choosing k"…). */
  readonly step?: { readonly id: AnalysisStep; readonly title: string };
}

/** A chart ready to show: PNG bytes plus the names a Slack or console file needs. */
export interface RenderedImage {
  readonly fileName: string;
  readonly title: string;
  readonly png: Buffer;
}

/** Text arriving piece by piece (checked model output), shown as it comes. */
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
