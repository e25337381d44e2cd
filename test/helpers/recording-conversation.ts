import type { Conversation, ProgressUpdate, RenderedImage, TextSink } from '../../src/app/conversation.js';
import type { ChannelKey } from '../../src/store/channel-store.js';
import type { Answer } from '../../src/tools/answer.js';

/** A Conversation that records what the application did with it, for tests of src/app without a surface. */
export type RecordedEvent =
  | { readonly kind: 'progress'; readonly update: ProgressUpdate }
  | { readonly kind: 'post'; readonly answer: Answer }
  | { readonly kind: 'private'; readonly answer: Answer }
  | { readonly kind: 'images'; readonly titles: readonly string[] }
  | { readonly kind: 'say'; readonly text: string; readonly literals: readonly string[] }
  | { readonly kind: 'document'; readonly title: string; readonly markdown: string; readonly replaces: string | null }
  | { readonly kind: 'finish'; readonly summary: string | undefined; readonly outcome: 'done' | 'failed' };

export class RecordingConversation implements Conversation {
  constructor(
    readonly key: ChannelKey,
    readonly threadTs: string | null = '1700000000.000100',
    private readonly refuseImages = false,
    readonly isPrivate = false,
    readonly userId: string = 'U0TEST',
    /** Shared with the thread `startThread` opens, so one list holds the whole exchange in order. */
    readonly events: RecordedEvent[] = [],
  ) {}

  async progress(update: ProgressUpdate): Promise<void> {
    this.events.push({ kind: 'progress', update });
  }
  async post(answer: Answer): Promise<void> {
    this.events.push({ kind: 'post', answer });
  }
  async postToAsker(answer: Answer): Promise<string> {
    this.events.push({ kind: 'private', answer });
    return 'Ana';
  }
  private documents = 0;
  async publishDocument(document: { title: string; markdown: string }, replaces: string | null): Promise<{ id: string; where: string }> {
    this.events.push({ kind: 'document', ...document, replaces });
    return { id: replaces ?? `DOC${++this.documents}`, where: 'the channel canvas' };
  }
  async chartLinks(): Promise<{ title: string; url: string }[]> {
    return [{ title: 'Segment profiles', url: 'https://example.test/charts/profile' }];
  }
  async displayName(userId: string): Promise<string> {
    return userId === 'U0TEST' ? 'Ana' : 'Bo';
  }
  async postImages(images: readonly RenderedImage[]): Promise<void> {
    if (this.refuseImages) throw new Error('the surface refused the images');
    this.events.push({ kind: 'images', titles: images.map((image) => image.title) });
  }
  async say(text: string, literals: readonly string[] = []): Promise<void> {
    this.events.push({ kind: 'say', text, literals });
  }
  /** The thread a top-level conversation starts, recording into the same events. */
  async startThread(text: string, literals: readonly string[]): Promise<Conversation> {
    this.events.push({ kind: 'say', text, literals });
    if (this.threadTs !== null) return this;
    return new RecordingConversation(this.key, '1700000000.000200', this.refuseImages, this.isPrivate, this.userId, this.events);
  }
  openStream(): TextSink {
    return { started: false, append: () => {}, finish: async () => {} };
  }
  async finish(summary?: string, outcome: 'done' | 'failed' = 'done'): Promise<void> {
    this.events.push({ kind: 'finish', summary, outcome });
  }
  steps(): string[] {
    return this.events.flatMap((e) => (e.kind === 'progress' && e.update.step ? [e.update.step.id] : []));
  }

  kinds(): string[] {
    return this.events.map((e) => e.kind);
  }
  posts(): Answer[] {
    return this.events.flatMap((e) => (e.kind === 'post' ? [e.answer] : []));
  }
  said(): string[] {
    return this.events.flatMap((e) => (e.kind === 'say' ? [e.text] : []));
  }
}

