import { AlgorithmSchema, METHOD_NAMES } from '../analysis/report.js';
import { DomainError } from '../common/errors.js';
import { DEFAULT_K_RANGE, SegmentCountSchema } from '../analysis/settings.js';
import type { AuditTrail, ChannelKey, ChannelStore } from '../store/channel-store.js';
import type { ChannelDatasets } from './channel-datasets.js';
import type { Conversation } from './conversation.js';
import type { Delivery } from './delivery.js';
import type { SegmentEngine } from './engine.js';
import type { Uploads } from './uploads.js';
import { chatTable, labelsTarget, warehouseName, type SourceSettings } from './warehouse.js';
import type { WarehouseTable } from '../store/schema.js';
import { plainAnswer } from '../tools/answer.js';
import { describeHistory } from '../tools/history.js';
import {
  AUDIT_EMPTY,
  AUDIT_LINES,
  AUDIT_NOT_ALLOWED,
  auditLines,
  autoKSet,
  COMMAND_HELP,
  exportDone,
  K_USAGE,
  kOutOfRange,
  kSet,
  METHOD_USAGE,
  NO_SOURCE_RUNNING,
  NO_SOURCES_MESSAGE,
  SOURCE_CANCELLED,
  SOURCE_USAGE,
  sourceDone,
  sourceFailed,
  sourceStarted,
  sourcesList,
  methodSet,
  NO_DATASET_MESSAGE,
  NOTHING_TO_RESET,
  RESET_DONE,
  FEEDBACK_ADMINS_ONLY,
  HISTORY_EMPTY,
  KEY_AUTO,
  KEY_USAGE,
  keySet,
  unknownKeyColumn,
  feedbackSummary,
  resetNotAllowed,
  resetQuestion,
  retentionNotice,
  SETTINGS_DIALOG_HINT,
  unknownCommandMessage,
} from './messages.js';

/** The reply to a command, for the person who typed it. */
export interface CommandReply {
  readonly text: string;
  /** Strings in `text` quoted from a file or a person (file names, names), shown literally. */
  readonly literals: readonly string[];
  /**
   * What the surface does next: ask to confirm a reset (buttons, a typed word) before anything is
   * deleted, or open the settings dialog where it has one.
   */
  readonly followUp: 'confirm-reset' | 'settings-dialog' | null;
}

/** Who runs a command: the person, and whether the platform counts them as a workspace admin or owner. */
export interface Actor {
  readonly userId: string;
  readonly isWorkspaceAdmin: () => Promise<boolean>;
}

/**
 * The settings commands (`/segments help|status|k N|method …|export|reset|settings|feedback|audit`), the same on every
 * surface. Each returns the reply to show the person who typed it; files go to the asker alone.
 */
export class Commands {
  constructor(
    private readonly store: ChannelStore,
    private readonly datasets: ChannelDatasets,
    private readonly engine: SegmentEngine,
    private readonly delivery: Delivery,
    private readonly audit: AuditTrail,
    private readonly retentionDays: number,
    /** The warehouse sources an admin configured (SOURCES) and where their analyses run; null where there are none to offer. */
    private readonly warehouse: { readonly settings: SourceSettings; readonly uploads: Uploads } | null = null,
  ) {}

  async handle(conversation: Conversation, text: string, actor?: Actor): Promise<CommandReply> {
    const [verb = 'help', ...args] = text.trim().split(/\s+/).filter((w) => w.length > 0);
    switch (verb.toLowerCase()) {
      case 'help':
        return reply(COMMAND_HELP);
      case 'status':
        return this.status(conversation);
      case 'k':
        await this.audit.record({ ...conversation.key, userId: conversation.userId, action: 'settings', detail: { setting: 'k' } });
        return reply(await this.setK(conversation.key, args[0]));
      case 'method':
        await this.audit.record({ ...conversation.key, userId: conversation.userId, action: 'settings', detail: { setting: 'method' } });
        return reply(await this.setMethod(conversation.key, args[0]));
      case 'export':
        return this.export(conversation);
      case 'history':
        return this.history(conversation);
      case 'key':
        await this.audit.record({ ...conversation.key, userId: conversation.userId, action: 'settings', detail: { setting: 'key' } });
        return this.setKey(conversation.key, args.join(' '));
      case 'reset':
        return this.askToReset(conversation);
      case 'settings':
        return { ...reply(SETTINGS_DIALOG_HINT), followUp: 'settings-dialog' };
      case 'feedback':
        return this.feedback(conversation, actor);
      case 'audit':
        return this.auditTrail(conversation, actor);
      case 'source':
        return this.source(conversation, args);
      default:
        return reply(unknownCommandMessage(verb));
    }
  }

  /**
   * Delete the channel's data once confirmed by the person who uploaded the dataset, or a
   * workspace admin or owner; anyone else is told who can.
   */
  async confirmReset(conversation: Conversation, actor: Actor): Promise<CommandReply> {
    const state = await this.store.state(conversation.key);
    const uploader = state.active?.uploadedBy ?? null;
    if (actor.userId !== uploader && !(await actor.isWorkspaceAdmin())) {
      const name = uploader ? await conversation.displayName(uploader) : null;
      return reply(resetNotAllowed(name === null ? null : `@${name}`), name === null ? [] : [name]);
    }
    await this.datasets.forget(conversation.key);
    await this.store.reset(conversation.key);
    await this.audit.record({ ...conversation.key, userId: actor.userId, action: 'reset', detail: {} });
    return reply(RESET_DONE);
  }

  /**
   * `/segments audit`: the workspace's latest audited actions (who uploaded, asked, exported,
   * reset or changed settings, when, where), for workspace admins and owners only.
   */
  async auditTrail(conversation: Conversation, actor: Actor | undefined): Promise<CommandReply> {
    if (!actor || !(await actor.isWorkspaceAdmin())) return reply(AUDIT_NOT_ALLOWED);
    const entries = await this.audit.recent(conversation.key.teamId, AUDIT_LINES);
    if (entries.length === 0) return reply(AUDIT_EMPTY);
    return reply(auditLines(entries));
  }

  /**
   * `/segments source`: the configured sources; `/segments source <name> <schema.table> [save
   * <schema.table>]`: the table segmented where it lives (K-Means as SQL, the channel's settings)
   * in a thread of its own that everyone in the channel sees, kept as the channel's dataset so
   * questions, charts and "save the segments" work on it; with `save`, the segments written next
   * to the customers. `/segments source cancel` stops the channel's running one.
   */
  private async source(conversation: Conversation, args: readonly string[]): Promise<CommandReply> {
    if (this.warehouse === null || this.warehouse.settings.sources.length === 0) return reply(NO_SOURCES_MESSAGE);
    if (args.length === 0) return reply(sourcesList(this.warehouse.settings.sources));
    if (args.length === 1 && args[0].toLowerCase() === 'cancel') return reply((await this.warehouse.uploads.cancelTable(conversation.key)) ? SOURCE_CANCELLED : NO_SOURCE_RUNNING);
    const [name, table, save, target] = args;
    if (table === undefined || (save !== undefined && (save.toLowerCase() !== 'save' || target === undefined)) || args.length > 4) return reply(SOURCE_USAGE);
    let checked: WarehouseTable;
    try {
      checked = chatTable(this.warehouse.settings, name, table);
      // A labels table the source does not allow is refused before the analysis, not after it.
      if (target !== undefined) labelsTarget(this.warehouse.settings, checked, target);
    } catch (error) {
      if (error instanceof DomainError) return reply(error.message, [name, table, ...(target ? [target] : [])]);
      throw error;
    }
    const shown = warehouseName(checked);
    const thread = await conversation.startThread(sourceStarted(shown), [shown]);
    const done = await this.warehouse.uploads.handleTable(thread, checked, target ?? null);
    return reply(done ? sourceDone(shown) : sourceFailed(shown), [shown]);
  }

  private async askToReset(conversation: Conversation): Promise<CommandReply> {
    const state = await this.store.state(conversation.key);
    if (!state.active && !state.previous) return reply(NOTHING_TO_RESET);
    const uploader = state.active?.uploadedBy ? await conversation.displayName(state.active.uploadedBy) : null;
    const fileName = state.active?.fileName ?? null;
    const literals = [fileName, uploader].filter((value): value is string => value !== null);
    return { text: resetQuestion(fileName, uploader === null ? null : `@${uploader}`), literals, followUp: 'confirm-reset' };
  }

  /** The 👍/👎 counts on the channel's replies, for workspace admins (how a bank reviews answer quality). */
  private async feedback(conversation: Conversation, actor: Actor | undefined): Promise<CommandReply> {
    if (!actor || !(await actor.isWorkspaceAdmin())) return reply(FEEDBACK_ADMINS_ONLY);
    return reply(feedbackSummary(await this.store.feedback(conversation.key)));
  }

  private async status(conversation: Conversation): Promise<CommandReply> {
    const state = await this.store.state(conversation.key);
    const settings = `${METHOD_NAMES[state.settings.algorithm]}, k ${state.settings.k === null ? 'chosen automatically' : `fixed at ${state.settings.k}`}`;
    if (!state.active) return reply(`${NO_DATASET_MESSAGE} Settings: ${settings}. ${retentionNotice(this.retentionDays)}`);
    const active = state.active;
    const summary = active.summary;
    const uploader = active.uploadedBy ? await conversation.displayName(active.uploadedBy) : null;
    const uploaded = `uploaded ${active.uploadedAt.replace('T', ' ').slice(0, 16)} UTC${uploader ? ` by @${uploader}` : ''}`;
    const result = summary
      ? `last analysis: ${summary.rowsUsed} rows in ${summary.k} segments (${METHOD_NAMES[summary.algorithm]})`
      : 'not analysed yet';
    const previous = `${state.previous ? ` Previous dataset: ${state.previous.fileName}.` : ''} ${retentionNotice(this.retentionDays)}`;
    const literals = [active.fileName, uploader, state.previous?.fileName ?? null].filter((value): value is string => value !== null);
    return reply(`Dataset: *${active.fileName}*, ${uploaded}; ${result}. Settings: ${settings}.${previous}`, literals);
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

  /** `/segments history`: the channel's last uploads, and the chart of segment shares over them posted in the conversation. */
  private async history(conversation: Conversation): Promise<CommandReply> {
    const uploads = await this.store.history(conversation.key);
    if (uploads.length === 0) return reply(HISTORY_EMPTY);
    const { text, charts } = describeHistory(uploads);
    const literals = [...uploads.map((u) => u.fileName), ...uploads.flatMap((u) => u.summary?.segments.map((s) => s.name) ?? [])];
    if (charts.length > 0) await this.delivery.postCharts(conversation, plainAnswer(text, { charts, literals }));
    return reply(text, literals);
  }

  /** `/segments key <column>`: the customer key the comparisons follow; cached analyses are dropped so they read it. */
  private async setKey(key: ChannelKey, column: string): Promise<CommandReply> {
    if (column.length === 0) return reply(KEY_USAGE);
    const state = await this.store.state(key);
    if (column.toLowerCase() === 'auto') {
      await this.store.updateSettings(key, { key: undefined });
      await this.datasets.forget(key);
      return reply(KEY_AUTO);
    }
    const loaded = state.active ? await this.datasets.active(key).catch(() => null) : null;
    const names = loaded?.analysis.report.columns.map((c) => c.name) ?? [];
    if (loaded && !names.includes(column)) return reply(unknownKeyColumn(column, loaded.record.fileName, names), [column, loaded.record.fileName, ...names]);
    await this.store.updateSettings(key, { key: column });
    await this.datasets.forget(key);
    return reply(keySet(column), [column]);
  }

  private async export(conversation: Conversation): Promise<CommandReply> {
    const loaded = await this.datasets.active(conversation.key);
    if (!loaded) return reply(NO_DATASET_MESSAGE);
    // A warehouse table's customers are refused in a sentence (they stay where they live).
    const exported = await this.engine.exportSegments(loaded.analysis).catch((error: unknown) => (error instanceof DomainError ? error : Promise.reject(error)));
    if (exported instanceof DomainError) return reply(exported.message, [loaded.record.fileName]);
    const sentTo = await this.delivery.postFiles(conversation, exported);
    return reply(exportDone(loaded.analysis.report.rowsUsed, loaded.record.fileName, sentTo), [loaded.record.fileName, ...(sentTo ? [sentTo] : [])]);
  }
}

function reply(text: string, literals: readonly string[] = []): CommandReply {
  return { text, literals, followUp: null };
}
