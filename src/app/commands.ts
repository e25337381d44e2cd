import { AlgorithmSchema, METHOD_NAMES } from '../analysis/report.js';
import { DEFAULT_K_RANGE, SegmentCountSchema } from '../analysis/settings.js';
import type { ChannelKey, ChannelStore } from '../store/channel-store.js';
import type { ChannelDatasets } from './channel-datasets.js';
import type { Conversation } from './conversation.js';
import type { SegmentEngine } from './engine.js';
import {
  autoKSet,
  COMMAND_HELP,
  exportDone,
  K_USAGE,
  kOutOfRange,
  kSet,
  METHOD_USAGE,
  methodSet,
  NO_DATASET_MESSAGE,
  RESET_DONE,
  unknownCommandMessage,
} from './messages.js';

/**
 * The settings commands (`/segments help|status|k N|method …|export|reset`), the same on every
 * surface. Each returns the reply to show the person who typed it; files go to the conversation.
 */
export class Commands {
  constructor(
    private readonly store: ChannelStore,
    private readonly datasets: ChannelDatasets,
    private readonly engine: SegmentEngine,
  ) {}

  async handle(conversation: Conversation, text: string): Promise<string> {
    const [verb = 'help', ...args] = text.trim().split(/\s+/).filter((w) => w.length > 0);
    switch (verb.toLowerCase()) {
      case 'help':
        return COMMAND_HELP;
      case 'status':
        return this.status(conversation.key);
      case 'k':
        return this.setK(conversation.key, args[0]);
      case 'method':
        return this.setMethod(conversation.key, args[0]);
      case 'export':
        return this.export(conversation);
      case 'reset':
        await this.datasets.forget(conversation.key);
        await this.store.reset(conversation.key);
        return RESET_DONE;
      default:
        return unknownCommandMessage(verb);
    }
  }

  private async status(key: ChannelKey): Promise<string> {
    const state = await this.store.state(key);
    const settings = `${METHOD_NAMES[state.settings.algorithm]}, k ${state.settings.k === null ? 'chosen automatically' : `fixed at ${state.settings.k}`}`;
    if (!state.active) return `${NO_DATASET_MESSAGE} Settings: ${settings}.`;
    const active = state.active;
    const summary = active.summary;
    const uploaded = `uploaded ${active.uploadedAt.replace('T', ' ').slice(0, 16)} UTC${active.uploadedBy ? ` by <@${active.uploadedBy}>` : ''}`;
    const result = summary
      ? `last analysis: ${summary.rowsUsed} rows in ${summary.k} segments (${METHOD_NAMES[summary.algorithm]})`
      : 'not analysed yet';
    const previous = state.previous ? ` Previous dataset: ${state.previous.fileName}.` : '';
    return `Dataset: *${active.fileName}*, ${uploaded}; ${result}. Settings: ${settings}.${previous}`;
  }

  private async setK(key: ChannelKey, value: string | undefined): Promise<string> {
    if (value === undefined) return K_USAGE;
    if (value.toLowerCase() === 'auto') {
      await this.store.updateSettings(key, { k: null });
      return autoKSet(DEFAULT_K_RANGE);
    }
    const k = SegmentCountSchema.safeParse(Number(value));
    if (!k.success) return kOutOfRange(value);
    await this.store.updateSettings(key, { k: k.data });
    return kSet(k.data);
  }

  private async setMethod(key: ChannelKey, value: string | undefined): Promise<string> {
    const parsed = AlgorithmSchema.safeParse(value?.toLowerCase());
    if (!parsed.success) return METHOD_USAGE;
    await this.store.updateSettings(key, { algorithm: parsed.data });
    return methodSet(parsed.data);
  }

  private async export(conversation: Conversation): Promise<string> {
    const loaded = await this.datasets.active(conversation.key);
    if (!loaded) return NO_DATASET_MESSAGE;
    await conversation.post(await this.engine.exportSegments(loaded.analysis));
    return exportDone(loaded.analysis.report.rowsUsed, loaded.record.fileName);
  }
}
