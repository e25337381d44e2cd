import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import type { Conversation, ProgressUpdate, RenderedImage, TextSink } from '../app/conversation.js';
import { plainText, tableAsText } from '../app/render/plain-text.js';
import type { ChannelKey } from '../store/channel-store.js';
import type { Answer } from '../tools/answer.js';

/** Everything shown in a console conversation, in order, for the demo's report. */
export type TranscriptEntry =
  | { readonly kind: 'text'; readonly text: string; readonly literals: readonly string[] }
  | { readonly kind: 'table'; readonly columns: readonly string[]; readonly rows: readonly (readonly string[])[]; readonly literals: readonly string[] }
  | { readonly kind: 'note'; readonly text: string; readonly literals: readonly string[] }
  | { readonly kind: 'image'; readonly title: string; readonly path: string }
  | { readonly kind: 'file'; readonly path: string };

export interface ConsoleConversationOptions {
  readonly key: ChannelKey;
  readonly threadTs: string;
  readonly output: Writable;
  /** Where charts and exported files are written. */
  readonly outDir: string;
  /** Print progress lines (off for quiet runs). */
  readonly showProgress?: boolean;
}

/**
 * The console as a Conversation: answers printed as plain text (tables aligned), charts and
 * exports written to files whose paths are printed, model text printed as it streams.
 */
export class ConsoleConversation implements Conversation {
  readonly key: ChannelKey;
  readonly threadTs: string;
  readonly userId = 'console-user';
  /** One person at a terminal: exports are written here. */
  readonly isPrivate = true;
  readonly transcript: TranscriptEntry[] = [];
  private written = new Map<string, number>();

  constructor(private readonly options: ConsoleConversationOptions) {
    this.key = options.key;
    this.threadTs = options.threadTs;
  }

  async progress(update: ProgressUpdate): Promise<void> {
    if (this.options.showProgress ?? true) this.print(`… ${update.text}`);
  }

  async post(answer: Answer): Promise<void> {
    if (answer.text.trim().length > 0) this.showText(answer.text, answer.literals ?? []);
    this.showRest(answer);
    await this.writeFiles(answer);
  }

  async postImages(images: readonly RenderedImage[]): Promise<void> {
    for (const image of images) {
      const path = await this.writeOut(image.fileName, image.png);
      this.transcript.push({ kind: 'image', title: image.title, path });
      this.print(`[chart] ${image.title}: ${path}`);
    }
  }

  async postToAsker(answer: Answer): Promise<string> {
    await this.post(answer);
    return 'you';
  }

  async say(text: string): Promise<void> {
    this.showText(text, []);
  }

  /** The console is one thread already. */
  async startThread(text: string, literals: readonly string[]): Promise<Conversation> {
    this.showText(text, literals);
    return this;
  }

  /** A document is a Markdown file in the output folder; making it again overwrites the same file. */
  async publishDocument(document: { readonly title: string; readonly markdown: string }, replaces: string | null): Promise<{ id: string; where: string }> {
    const name = replaces ?? `${document.title.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').toLowerCase() || 'document'}.md`;
    const path = join(resolve(this.options.outDir), name);
    await mkdir(resolve(this.options.outDir), { recursive: true });
    await writeFile(path, `${document.markdown}\n`);
    this.transcript.push({ kind: 'file', path });
    return { id: name, where: path };
  }

  /** The charts written so far in this session, as file links. */
  async chartLinks(): Promise<{ title: string; url: string }[]> {
    return this.transcript.flatMap((entry) => (entry.kind === 'image' ? [{ title: entry.title, url: `file://${entry.path}` }] : []));
  }

  async displayName(userId: string): Promise<string> {
    return userId === this.userId ? 'you' : userId;
  }

  openStream(): TextSink {
    let streamed = '';
    const output = this.options.output;
    return {
      get started() {
        return streamed.length > 0;
      },
      append: (delta: string) => {
        streamed += delta;
        output.write(delta);
      },
      finish: async (final: Answer) => {
        output.write('\n');
        if (final.text.trim() !== streamed.trim()) {
          this.print('(final, checked version)');
          this.print(plainText(final.text));
        }
        this.transcript.push({ kind: 'text', text: final.text, literals: final.literals ?? [] });
        this.showRest(final);
        await this.writeFiles(final);
      },
    };
  }

  async finish(summary?: string, outcome: 'done' | 'failed' = 'done'): Promise<void> {
    if (summary && outcome === 'done' && (this.options.showProgress ?? true)) this.print(`✓ ${summary}`);
  }

  private showText(text: string, literals: readonly string[]): void {
    this.transcript.push({ kind: 'text', text, literals });
    this.print(plainText(text));
  }

  private showRest(answer: Answer): void {
    if (answer.table && answer.table.columns.length > 0) {
      this.transcript.push({ kind: 'table', columns: answer.table.columns, rows: answer.table.rows, literals: answer.literals ?? [] });
      this.print(tableAsText(answer.table.columns, answer.table.rows));
    }
    if (answer.footnote) {
      this.transcript.push({ kind: 'note', text: answer.footnote, literals: answer.literals ?? [] });
      this.print(`(${answer.footnote})`);
    }
  }

  private async writeFiles(answer: Answer): Promise<void> {
    for (const file of answer.files) {
      const path = await this.writeOut(file.fileName, file.content);
      this.transcript.push({ kind: 'file', path });
      this.print(`[file] ${path}`);
    }
  }

  /** Write into the output folder; a name used twice in one session gets a numeric suffix. */
  private async writeOut(fileName: string, data: string | Buffer): Promise<string> {
    const dir = resolve(this.options.outDir);
    await mkdir(dir, { recursive: true });
    const safe = fileName.replace(/[^A-Za-z0-9._-]/g, '_') || 'output';
    const count = (this.written.get(safe) ?? 0) + 1;
    this.written.set(safe, count);
    const name = count === 1 ? safe : safe.replace(/(\.[^.]*)?$/, (ext) => `-${count}${ext}`);
    const path = join(dir, name);
    await writeFile(path, data);
    return path;
  }

  private print(text: string): void {
    this.options.output.write(`${text}\n`);
  }
}
