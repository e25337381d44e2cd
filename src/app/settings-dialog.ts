import { METHOD_NAMES } from '../analysis/report.js';
import { MAX_SEGMENTS, SettingsSchema, type Settings } from '../analysis/settings.js';
import type { AuditTrail, ChannelKey, ChannelStore } from '../store/channel-store.js';
import { summarize, type ChannelDatasets } from './channel-datasets.js';
import type { Conversation } from './conversation.js';
import type { Delivery } from './delivery.js';
import type { SegmentEngine } from './engine.js';
import { withExplore } from './explore.js';
import { reanalysedIntro, REANALYSING_STEP } from './messages.js';

/** What the settings dialog offers for a channel: its settings, the columns it may cluster on and why, the suggested transforms. */
export interface SettingsChoices {
  readonly settings: Settings;
  readonly fileName: string | null;
  readonly maxK: number;
  /** Every column of the dataset with its role and the reason for it; only `feature` columns can be chosen. */
  readonly columns: readonly { readonly name: string; readonly role: string; readonly reason: string }[];
  /** Features the cleaning report suggests log-transforming (skewed, non-negative). */
  readonly logSuggested: readonly string[];
  /** Categorical columns that may also define the segments (the cleaning report's suggestion). */
  readonly categoricalSuggested: readonly string[];
}

/** The dialog's fields as the person left them. */
export interface SettingsForm {
  readonly k: number | null;
  readonly algorithm: string;
  /** The features ticked; null when the dataset has none to choose from. */
  readonly features: readonly string[] | null;
  readonly log1p: readonly string[];
  /** The categorical columns ticked to segment on as well; absent for none. */
  readonly categorical?: readonly string[];
}

export type SettingsField = 'k' | 'algorithm' | 'features' | 'log1p' | 'categorical';
export type SettingsSaveResult = { readonly ok: true } | { readonly ok: false; readonly errors: Partial<Record<SettingsField, string>> };

/**
 * The settings dialog (the same settings as `/segments k` and `method`, plus the features and
 * their log transforms), validated with the one settings schema. Saving re-runs the analysis in
 * the dataset's thread.
 */
export class SettingsDialog {
  constructor(
    private readonly store: ChannelStore,
    private readonly datasets: ChannelDatasets,
    private readonly engine: SegmentEngine,
    private readonly delivery: Delivery,
    private readonly audit: AuditTrail,
  ) {}

  async choices(key: ChannelKey): Promise<SettingsChoices> {
    const state = await this.store.state(key);
    const loaded = state.active ? await this.datasets.active(key) : null;
    const report = loaded?.analysis.report;
    return {
      settings: state.settings,
      fileName: state.active?.fileName ?? null,
      maxK: report ? Math.min(MAX_SEGMENTS, report.rowsUsed - 1) : MAX_SEGMENTS,
      columns: report?.columns.map(({ name, role, reason }) => ({ name, role, reason })) ?? [],
      logSuggested: report?.cleaning.logSuggested ?? [],
      categoricalSuggested: report?.cleaning.categoricalSuggested ?? report?.columns.filter((c) => c.role === 'categorical').map((c) => c.name) ?? [],
    };
  }

  /** Check the form; when it is right, keep the settings for the channel (then `rerun` in `threadOf`). `userId` is audited. */
  async save(key: ChannelKey, form: SettingsForm, userId: string | null = null): Promise<SettingsSaveResult> {
    const choices = await this.choices(key);
    const usable = choices.columns.filter((column) => column.role === 'feature').map((column) => column.name);
    const allChosen = form.features === null || (usable.length > 0 && usable.every((name) => form.features?.includes(name)));
    const categorical = [...(form.categorical ?? [])];
    const parsed = SettingsSchema.safeParse({ k: form.k, algorithm: form.algorithm, features: allChosen ? null : form.features, log1p: [...form.log1p], categorical });
    const errors: Partial<Record<SettingsField, string>> = {};
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = issue.path[0];
        if ((field === 'k' || field === 'algorithm' || field === 'features' || field === 'log1p' || field === 'categorical') && !errors[field]) errors[field] = issue.message;
      }
    }
    if (form.k !== null && form.k > choices.maxK) errors.k = `At most ${choices.maxK} segments for this dataset.`;
    const unknown = (form.features ?? []).filter((name) => !usable.includes(name));
    if (unknown.length > 0) errors.features = `${unknown.join(', ')} cannot be clustered on; pick among the feature columns.`;
    const chosen = form.features ?? usable;
    const badLog = form.log1p.filter((name) => !choices.logSuggested.includes(name) || !chosen.includes(name));
    if (badLog.length > 0) errors.log1p = `Only the suggested, chosen features can be log-transformed (not ${badLog.join(', ')}).`;
    const notOffered = categorical.filter((name) => !choices.categoricalSuggested.includes(name));
    if (notOffered.length > 0) errors.categorical = `Only the listed categories can define segments (not ${notOffered.join(', ')}).`;
    if (!parsed.success || Object.keys(errors).length > 0) return { ok: false, errors };
    await this.store.updateSettings(key, {
      k: parsed.data.k,
      algorithm: parsed.data.algorithm,
      features: parsed.data.features ?? null,
      log1p: parsed.data.log1p ?? [],
      categorical: categorical.length > 0 ? categorical : undefined,
    });
    await this.audit.record({ ...key, userId, action: 'settings', detail: { setting: 'dialog' } });
    return { ok: true };
  }

  /** Where a re-analysis of the channel's dataset is posted: the thread its upload was answered in. */
  async threadOf(key: ChannelKey): Promise<string | null> {
    return (await this.store.state(key)).active?.threadTs ?? null;
  }

  /** Analyse the channel's dataset again with its settings and post the new summary and charts. */
  async rerun(conversation: Conversation): Promise<void> {
    try {
      const state = await this.store.state(conversation.key);
      const loaded = state.active ? await this.datasets.active(conversation.key) : null;
      if (!state.active || !loaded) return;
      await conversation.progress(REANALYSING_STEP);
      const settings = state.settings;
      const summary = withExplore(await this.engine.uploadSummary(loaded.analysis, null), loaded.analysis, state.active.sha256);
      const intro = reanalysedIntro(METHOD_NAMES[settings.algorithm], settings.k, settings.features ?? null, settings.log1p ?? [], settings.categorical ?? []);
      const literals = [...(summary.literals ?? []), ...(settings.features ?? []), ...(settings.log1p ?? []), ...(settings.categorical ?? [])];
      await conversation.post({ ...summary, text: `${intro}\n\n${summary.text}`, literals });
      await this.delivery.postCharts(conversation, summary);
      await this.store.saveSummary(conversation.key, state.active.sha256, summarize(loaded.analysis));
      await conversation.finish();
    } catch (error) {
      await this.delivery.replyToFailure(conversation, error, 'analysing with the new settings');
    }
  }
}
