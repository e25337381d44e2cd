import type { types } from '@slack/bolt';
import { z } from 'zod';
import { AlgorithmSchema, METHOD_NAMES } from '../analysis/report.js';
import type { SettingsChoices, SettingsForm } from '../app/settings-dialog.js';
import { plainTextSafe } from '../app/render/escape.js';

type View = types.ModalView;
type KnownBlock = types.KnownBlock;

export const SETTINGS_CALLBACK_ID = 'segments_settings';

/** Checkboxes take at most 10 options (https://docs.slack.dev/reference/block-kit/block-elements/checkboxes-element); beyond, a multi-select. */
const MAX_CHECKBOXES = 10;
/** A multi-select takes at most 100 options (https://docs.slack.dev/reference/block-kit/block-elements/multi-select-menu-element). */
const MAX_SELECT_OPTIONS = 100;

/** Which channel a dialog is about, carried in the view's private_metadata (at most 3,000 characters). */
export const SettingsMetadataSchema = z.object({ teamId: z.string(), channelId: z.string() });
export type SettingsMetadata = z.infer<typeof SettingsMetadataSchema>;

const option = (text: string, value: string, description?: string) => ({
  text: { type: 'plain_text' as const, text: plainTextSafe(text, 75) },
  value,
  ...(description ? { description: { type: 'plain_text' as const, text: plainTextSafe(description, 75) } } : {}),
});

/**
 * The settings dialog as a modal (https://docs.slack.dev/surfaces/modals): the number of
 * segments, the method, the features to cluster on (with the reason for each column's role)
 * the suggested log transforms and the categorical columns that may define segments as well.
 * Every string from the file goes through plainTextSafe.
 */
export function settingsModal(choices: SettingsChoices, metadata: SettingsMetadata): View {
  const kOptions = [option('Choose from the evidence', 'auto'), ...Array.from({ length: choices.maxK - 1 }, (_, i) => option(`${i + 2} segments`, String(i + 2)))];
  const currentK = choices.settings.k === null ? kOptions[0] : kOptions.find((o) => o.value === String(choices.settings.k)) ?? kOptions[0];
  const methods = AlgorithmSchema.options.map((algorithm) => option(METHOD_NAMES[algorithm], algorithm));
  const blocks: KnownBlock[] = [
    {
      type: 'input',
      block_id: 'k',
      label: { type: 'plain_text', text: 'Number of segments' },
      element: { type: 'static_select', action_id: 'k', options: kOptions, initial_option: currentK },
    },
    {
      type: 'input',
      block_id: 'algorithm',
      label: { type: 'plain_text', text: 'Method' },
      element: { type: 'static_select', action_id: 'algorithm', options: methods, initial_option: methods.find((o) => o.value === choices.settings.algorithm) ?? methods[0] },
    },
  ];
  const features = choices.columns.filter((column) => column.role === 'feature');
  if (features.length > 0) {
    const chosen = choices.settings.features ?? features.map((f) => f.name);
    const featureOptions = features.map((f) => option(f.name, f.name, f.reason));
    const initial = featureOptions.filter((o) => chosen.includes(o.value));
    blocks.push({
      type: 'input',
      block_id: 'features',
      label: { type: 'plain_text', text: 'Features to cluster on' },
      element:
        features.length <= MAX_CHECKBOXES
          ? { type: 'checkboxes', action_id: 'features', options: featureOptions, ...(initial.length > 0 ? { initial_options: initial } : {}) }
          : { type: 'multi_static_select', action_id: 'features', options: featureOptions.map(({ text, value }) => ({ text, value })), ...(initial.length > 0 ? { initial_options: initial.map(({ text, value }) => ({ text, value })) } : {}) },
    });
    const others = choices.columns.filter((column) => column.role !== 'feature');
    if (others.length > 0) {
      blocks.push({ type: 'context', elements: [{ type: 'plain_text', text: plainTextSafe(`Not clustered on: ${others.map((c) => `${c.name} (${c.reason})`).join('; ')}`, 2000) }] });
    }
  }
  if (choices.logSuggested.length > 0) {
    const logOptions = choices.logSuggested.slice(0, MAX_CHECKBOXES).map((name) => option(name, name, 'skewed: log(1 + x) evens it out'));
    const initial = logOptions.filter((o) => choices.settings.log1p?.includes(o.value));
    blocks.push({
      type: 'input',
      block_id: 'log1p',
      optional: true,
      label: { type: 'plain_text', text: 'Log-transform before clustering' },
      element: { type: 'checkboxes', action_id: 'log1p', options: logOptions, ...(initial.length > 0 ? { initial_options: initial } : {}) },
    });
  }
  if (choices.categoricalSuggested.length > 0) {
    const reasons = new Map(choices.columns.map((c) => [c.name, c.reason]));
    const categoryOptions = choices.categoricalSuggested.slice(0, MAX_SELECT_OPTIONS).map((name) => option(name, name, reasons.get(name)));
    const initial = categoryOptions.filter((o) => choices.settings.categorical?.includes(o.value));
    blocks.push({
      type: 'input',
      block_id: 'categorical',
      optional: true,
      label: { type: 'plain_text', text: 'Categories to segment on as well' },
      element:
        categoryOptions.length <= MAX_CHECKBOXES
          ? { type: 'checkboxes', action_id: 'categorical', options: categoryOptions, ...(initial.length > 0 ? { initial_options: initial } : {}) }
          : { type: 'multi_static_select', action_id: 'categorical', options: categoryOptions.map(({ text, value }) => ({ text, value })), ...(initial.length > 0 ? { initial_options: initial.map(({ text, value }) => ({ text, value })) } : {}) },
    });
  }
  return {
    type: 'modal',
    callback_id: SETTINGS_CALLBACK_ID,
    private_metadata: JSON.stringify(metadata),
    title: { type: 'plain_text', text: 'Segment settings' },
    submit: { type: 'plain_text', text: 'Save and re-run' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks,
  };
}

type StateValues = Record<string, Record<string, { selected_option?: { value: string } | null; selected_options?: { value: string }[] }>>;

/** The form as the person left it, read from the view's state. */
export function settingsForm(values: StateValues): SettingsForm {
  const k = values.k?.k?.selected_option?.value;
  const features = values.features?.features?.selected_options;
  return {
    k: k === undefined || k === 'auto' ? null : Number(k),
    algorithm: values.algorithm?.algorithm?.selected_option?.value ?? '',
    features: features ? features.map((o) => o.value) : null,
    log1p: (values.log1p?.log1p?.selected_options ?? []).map((o) => o.value),
    categorical: (values.categorical?.categorical?.selected_options ?? []).map((o) => o.value),
  };
}
