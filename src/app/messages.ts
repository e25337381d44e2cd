import type { AuditEntry } from '../store/channel-store.js';
import { METHOD_NAMES, type Algorithm } from '../analysis/report.js';
import { MAX_SEGMENTS } from '../analysis/settings.js';
import type { ProgressUpdate } from './conversation.js';

/**
 * Every sentence the application says to a person, whatever the surface: the conversation's
 * notices, refusals and command replies. Surfaces render them; they do not write their own.
 * Text uses the neutral light markup of answers (*bold*, • bullets, `code`).
 */

export const GREETING =
  'Hi! Upload a CSV of customers (or mention me with one) and I will segment it; then ask me things like "which segment calls support most?" in the thread. Type `/segments help` for settings.';

export const AGENT_GREETING =
  'Hi! Upload a CSV of customers here (one row per customer, numeric columns) and I will find the segments, chart them and answer questions about them.';

export const SUGGESTED_PROMPTS = [
  { title: 'Which segment calls support most?', message: 'Which segment calls support most?' },
  { title: 'Suggest a campaign per segment', message: 'Suggest a campaign per segment' },
  { title: 'Show the segment map', message: 'Show the segment map' },
] as const;

export const NO_DATASET_MESSAGE =
  'There is no dataset in this channel yet. Upload a CSV of customers here (or mention me with one) and I will segment it.';

export const PREVIOUS_DATASET_GONE = 'The previous dataset is no longer stored.';

export const COMMAND_HELP = [
  '*/segments* commands:',
  '• `/segments status`: this channel’s dataset, its number of segments, its method and when it was uploaded',
  '• `/segments k 4` (or `k auto`): fix the number of segments, or let me choose it',
  '• `/segments method kmeans|kmedoids|gmm`: choose the segmentation method',
  '• `/segments export`: a CSV with the segment of every customer',
  '• `/segments history`: the last uploads here (date, size, k, method) and a chart of segment shares over them',
  '• `/segments key <column>` (or `key auto`): the column that follows customers from one upload to the next',
  '• `/segments settings`: a dialog for the number of segments, the method, the features and log transforms',
  '• `/segments reset`: delete this channel’s data (asks first)',
  '• `/segments feedback`: the 👍/👎 counts on the answers (admins)',
  '• `/segments audit`: who uploaded, asked, exported, reset or changed settings, and when (admins)',
  '• `/segments source`: the warehouse sources an admin configured; `/segments source <name> <schema.table> [save <schema.table>]` segments a table where it lives in a thread (and saves the segments next to it); `/segments source cancel` stops it',
  'Upload a CSV to this channel (or mention me with one) to start; then ask questions in the thread.',
].join('\n');

export const NO_SOURCES_MESSAGE = 'No warehouse sources are configured; an admin adds them to SOURCES (see the README, "Warehouse tables").';

export const SOURCE_USAGE =
  'Use `/segments source <name> <schema.table>`, and add `save <schema.table>` to save the segments next to the customers; `/segments source cancel` stops a running one.';

/** The message everyone in the channel sees, whose thread the table's analysis answers in. */
export function sourceStarted(name: string): string {
  return `Segmenting *${name}* where it lives (K-Means as SQL; no customer rows leave the warehouse). The results follow in this thread.`;
}

export function sourceDone(name: string): string {
  return `The segments of *${name}* are in the thread; ask questions there, or say "save the segments" to write them next to the customers.`;
}

export function sourceFailed(name: string): string {
  return `*${name}* was not segmented; the thread says why.`;
}

export const SOURCE_CANCELLED = 'Cancelled: the running query on the warehouse was stopped.';
export const NO_SOURCE_RUNNING = 'No table analysis of this channel is running here to cancel.';

/** Why customer rows of a warehouse table are not exported, and what to do instead. */
export function warehouseRowsRefused(name: string): string {
  return `The customers of ${name} stay in the warehouse, so their rows are not exported; say "save the segments" to write each customer's segment to a table next to them.`;
}

/** The configured sources and the tables each allows. */
export function sourcesList(sources: readonly { readonly name: string; readonly tables: readonly string[] }[]): string {
  return `Warehouse sources: ${sources.map((s) => `*${s.name}* (${s.tables.join(', ')})`).join('; ')}. ${SOURCE_USAGE}`;
}

/** Where the saved segments are, and how to use them: a table name and a query, never customer rows. */
export function labelsSaved(name: string, rows: number, query: string): string {
  return `Saved the segments of ${rows.toLocaleString('en-US')} customers to *${name}* (they stay in the warehouse). Use them with:\n\`\`\`${query}\`\`\``;
}

export const KEY_USAGE = 'Name the column that identifies customers, e.g. `/segments key customer_id`, or `/segments key auto` to let me find it.';
export const KEY_AUTO = 'I will find the customer key myself again (a customer, client or account id, never a row number).';
export const HISTORY_EMPTY = 'No uploads in this channel yet; share a CSV here to start its history.';

/** After `/segments key <column>`: what the next comparison follows. */
export function keySet(column: string): string {
  return `Customers are now followed by their "${column}" from one upload to the next.`;
}

/** `/segments key` naming a column the active dataset does not have. */
export function unknownKeyColumn(column: string, fileName: string, columns: readonly string[]): string {
  return `${fileName} has no column named "${column}"; its columns are ${columns.map((c) => `"${c}"`).join(', ')}.`;
}

export const CHARTS_FAILED_MESSAGE = "I couldn't upload the charts; here are the figures instead.";

/** An export the surface would not take: said in the conversation instead of failing the whole reply. */
export function fileRefusedMessage(fileName: string): string {
  return `I couldn't upload ${fileName}; Slack refused the file. Ask again in a minute.`;
}

export const INSIGHTS_FAILED_MESSAGE = 'I could not finish the written insights; the figures above stand.';

export const RESET_DONE = 'Deleted this channel’s datasets, settings and conversation history. Upload a CSV to start again.';

export const RESET_CANCELLED = 'Reset cancelled; nothing was deleted.';

export const NOTHING_TO_RESET = 'This channel has no dataset, settings or history to delete.';

/** The question before `/segments reset` deletes anything, with who may confirm it. */
export function resetQuestion(fileName: string | null, uploader: string | null): string {
  const what = fileName ? `this channel’s dataset *${fileName}*, its earlier versions, settings and conversation history` : 'this channel’s settings and conversation history';
  const who = uploader ? `${uploader} (who uploaded it) or a workspace admin` : 'a workspace admin';
  return `Delete ${what}? This cannot be undone. Only ${who} can confirm.`;
}

/** Someone else pressed the reset button. */
export function resetNotAllowed(uploader: string | null): string {
  return uploader
    ? `Only ${uploader}, who uploaded this channel’s dataset, or a workspace admin or owner can reset it. Nothing was deleted.`
    : 'Only a workspace admin or owner can reset this channel. Nothing was deleted.';
}

/** A press on the buttons of a reply about a dataset the channel no longer uses. */
export function staleDatasetMessage(oldFileName: string | null, currentFileName: string | null): string {
  const old = oldFileName ? `an earlier dataset (${oldFileName})` : 'an earlier dataset';
  const now = currentFileName ? ` The channel now uses ${currentFileName}; ask about it, or use the buttons under its summary.` : ' This channel has no dataset now; upload a CSV to start again.';
  return `Those buttons are about ${old}, which is no longer active, so I did not answer from other data.${now}`;
}

export const SETTINGS_DIALOG_HINT =
  'The settings dialog sets the number of segments, the method, the features and their log transforms. Where there is no dialog, use `/segments k 4` or `/segments method gmm`.';

export const FEEDBACK_ADMINS_ONLY = 'Only workspace admins and owners can see the feedback on this channel’s answers.';

/** The 👍/👎 counts, in total and by the kind of answer (the tools that made it). */
export function feedbackSummary(entries: readonly { readonly vote: 'up' | 'down'; readonly tools: readonly string[] }[]): string {
  if (entries.length === 0) return 'No feedback on this channel’s answers yet.';
  const up = entries.filter((e) => e.vote === 'up').length;
  const byKind = new Map<string, { up: number; down: number }>();
  for (const entry of entries) {
    const kind = entry.tools.length > 0 ? entry.tools.join(' + ') : 'other';
    const counts = byKind.get(kind) ?? { up: 0, down: 0 };
    counts[entry.vote] += 1;
    byKind.set(kind, counts);
  }
  const lines = [...byKind.entries()].sort((a, b) => b[1].up + b[1].down - (a[1].up + a[1].down)).map(([kind, c]) => `• \`${kind}\`: ${c.up} 👍, ${c.down} 👎`);
  return [`Feedback on this channel’s answers: ${up} 👍, ${entries.length - up} 👎 (${entries.length} votes).`, ...lines].join('\n');
}

export const ACTION_NOT_A_MEMBER = 'Only members of this channel can use its buttons; join the channel first.';

export const FEEDBACK_THANKS = 'Thanks, noted. Admins see the counts with `/segments feedback`.';

export const HOME_INTRO = '*Segment Analyst* groups customers into segments from a CSV shared in a channel or here. These are the datasets you can see (in conversations you are a member of).';

export const HOME_EMPTY = 'No datasets yet in conversations you are a member of. Share a CSV of customers in a channel with the bot, or in its Messages tab.';

/** How long data is kept, and how to delete it. */
/**
 * How long data is kept, for the App Home: with retention on (RETENTION_DAYS), datasets, analyses
 * and conversation history are deleted that many days after they were made; anything sooner with
 * `/segments reset`.
 */
export function retentionNote(days: number | null): string {
  const reset = '`/segments reset` (the uploader or a workspace admin confirms)';
  const kept =
    days === null
      ? `Each channel’s datasets, settings and conversation history are kept until someone deletes them with ${reset}.`
      : `Each channel’s datasets, analyses and conversation history are kept for ${days} day${days === 1 ? '' : 's'}, then deleted automatically; delete them sooner, with its settings, with ${reset}.`;
  return `${kept} Exports are sent to the person who asked and are not kept.`;
}

/** Where the campaign brief went. */
export function briefPublished(where: string, replaced: boolean): string {
  return `${replaced ? 'Updated the campaign brief' : 'Made a campaign brief'}: ${where}. It holds the segment table, each segment’s profile, a campaign per segment, the support actions and links to the charts; every figure comes from the analysis.`;
}

export const UNKNOWN_CHOICE_MESSAGE = 'I do not know that choice; pick one from the menu, or ask in your own words.';

/** The channel's notice when customer-level files went to the asker alone. */
export function sentPrivatelyMessage(name: string): string {
  return `Sent to @${name} privately: the file lists individual customers, so it is not posted in the channel.`;
}

export const K_USAGE = 'Give a number of segments, e.g. `/segments k 4`, or `/segments k auto` to let me choose.';

export const METHOD_USAGE = 'Choose one of `/segments method kmeans`, `kmedoids` or `gmm`.';

export function notACsvMessage(fileName: string): string {
  return `${fileName} is not a table file. Upload the customer data as a .csv (or .tsv) export or an Excel workbook (.xlsx) (one row per customer, a header row, numeric columns) and I will segment it.`;
}

/** A new upload took the place of a dataset whose analysis could not be compared. */
export function replacedDatasetMessage(previousFileName: string): string {
  return `This upload replaces ${previousFileName} as this channel’s dataset.`;
}

/** In the agent conversation, asked while viewing a channel the user is not a member of. */
export function notAMemberMessage(): string {
  return 'You are viewing a channel you are not a member of, so I cannot answer from its data. Join the channel, ask there, or upload a CSV here.';
}

/** The reply to a file over the upload limit (MAX_UPLOAD_MB). */
export function tooLargeMessage(fileName: string, maxBytes: number): string {
  const mb = maxBytes / (1024 * 1024);
  return `${fileName} is larger than the ${Number.isInteger(mb) ? mb : mb.toFixed(1)} MB limit; upload a smaller extract (fewer rows, or only the columns to segment).`;
}

/** Shown while an upload waits for other channels' analyses. */
export function queuedMessage(position: number): string {
  return `I'm busy with other analyses — yours is queued as #${position}. I will start as soon as one finishes.`;
}

export function analysisQueueFullMessage(maxQueue: number): string {
  return `I'm busy with ${maxQueue} other analyses waiting their turn; upload the file again in a few minutes.`;
}

/** The apology for a failure that is not the user's (the details go to the log). */
export function failureMessage(doing: string): string {
  return `Something went wrong while ${doing}; it has been logged. Try again, or upload the file again if it keeps happening.`;
}

export const COMMAND_FAILED_MESSAGE = 'Something went wrong with that command; it has been logged. Try again in a moment.';

export function unknownCommandMessage(verb: string): string {
  return `I do not know "/segments ${verb}". ${COMMAND_HELP}`;
}

/* The steps of an analysis, as the status line and as the title of a task in a plan. */

export function readingStep(fileName: string): ProgressUpdate {
  return { text: `Reading ${fileName}…`, step: { id: 'read', title: `Reading ${fileName}` } };
}

/** A warehouse table's analysis, which reads, cleans and fits in one run where the table lives. */
export function warehouseStep(name: string): ProgressUpdate {
  return { text: `Segmenting ${name} where it lives (K-Means as SQL)…`, step: { id: 'read', title: `Segmenting ${name} where it lives` } };
}

export function cleaningStep(rows: number): ProgressUpdate {
  return { text: `Cleaning ${rows} rows…`, step: { id: 'clean', title: `Cleaning ${rows} rows` } };
}

export function choosingKStep(kRange: readonly [number, number]): ProgressUpdate {
  return { text: `Choosing k: trying ${kRange[0]} to ${kRange[1]} segments…`, step: { id: 'choose-k', title: `Choosing k (${kRange[0]}–${kRange[1]})` } };
}

export function fittingStep(k: number, algorithm: Algorithm): ProgressUpdate {
  return { text: `Fitting ${k} segments…`, step: { id: 'fit', title: `Fitting ${k} segments with ${METHOD_NAMES[algorithm]}` } };
}

export const REANALYSING_STEP: ProgressUpdate = { text: 'Analysing again with the new settings…', step: { id: 'fit', title: 'Analysing with the new settings' } };

/** The answer to "use sheet NAME" when the dataset has no such sheet (or is not a workbook). */
export function noSuchSheetMessage(fileName: string, wanted: string, sheets: readonly { readonly name: string; readonly rows: number }[] | null): string {
  if (sheets === null) return `${fileName} is a CSV file, which has no sheets; upload the workbook (.xlsx) to choose one of its sheets.`;
  const listed = sheets.map((s) => `“${s.name}” (${s.rows.toLocaleString('en-US')} ${s.rows === 1 ? 'row' : 'rows'})`).join(', ');
  return `${fileName} has no sheet called “${wanted}”; its sheets are ${listed}.`;
}

/** The first line of the analysis of another sheet of the channel's workbook. */
export function sheetIntro(sheet: string, fileName: string, sheets: number): string {
  return `*Now reading sheet “${sheet}”* of ${fileName} (${sheets} sheets); the features are this sheet's own columns.`;
}

/** The first line of a re-analysis after the settings dialog was saved. */
export function reanalysedIntro(method: string, k: number | null, features: readonly string[] | null, log1p: readonly string[], categorical: readonly string[] = []): string {
  const parts = [method, k === null ? 'k chosen from the evidence' : `${k} segments`, features ? `on ${features.join(', ')}` : 'on every feature'];
  if (categorical.length > 0) parts.push(`also on ${categorical.join(', ')}`);
  if (log1p.length > 0) parts.push(`log of ${log1p.join(', ')}`);
  return `*Analysed again with the new settings* (${parts.join('; ')}).`;
}

export const CHARTS_STEP: ProgressUpdate = { text: 'Rendering charts…', step: { id: 'charts', title: 'Charts' } };
export const INSIGHTS_STEP: ProgressUpdate = { text: 'Writing the insights…', step: { id: 'insights', title: 'Insights' } };
export const LOOKING_PROGRESS: ProgressUpdate = { text: 'Looking at the data…' };
/** Rotated by surfaces that show several loading messages while one step takes long. */
export const STILL_WORKING = 'Still working: large files and queued analyses take a little longer…';

export function uploadDoneSummary(fileName: string, rows: number, k: number): string {
  return `Analysed ${fileName}: ${rows} rows, ${k} segments.`;
}

export function autoKSet(kRange: readonly [number, number]): string {
  return `From now on I will choose the number of segments from the evidence (k = ${kRange[0]}..${kRange[1]}).`;
}

export function kOutOfRange(value: string): string {
  return `The number of segments must be a whole number from 2 to ${MAX_SEGMENTS} (got "${value}").`;
}

export function kSet(k: number): string {
  return `From now on this channel uses ${k} segments. Ask a question (or \`/segments status\`) to see them.`;
}

export function methodSet(algorithm: Algorithm): string {
  return `From now on this channel’s segments come from ${METHOD_NAMES[algorithm]}.`;
}

export function exportDone(rows: number, fileName: string, sentTo: string | null): string {
  return `Exported the segment of each of the ${rows} rows of ${fileName}${sentTo ? `; sent to @${sentTo} privately, as it lists individual customers` : ''}.`;
}

export function exportIntro(rows: number, source: string): string {
  return `The segment of each of the ${rows} rows of ${source}.`;
}

/** How long data is kept (RETENTION_DAYS), for `/segments status` and the App Home. */
export function retentionNotice(days: number): string {
  return `Data is kept for ${days} day${days === 1 ? '' : 's'}, then deleted.`;
}

/** Audit entries shown by `/segments audit`. */
export const AUDIT_LINES = 20;
export const AUDIT_NOT_ALLOWED = 'Only workspace admins and owners can see the audit trail.';
export const AUDIT_EMPTY = 'Nothing has been audited in this workspace yet.';

const AUDIT_VERBS: Readonly<Record<AuditEntry['action'], string>> = {
  upload: 'uploaded a dataset',
  question: 'asked a question',
  export: 'exported segments',
  reset: 'reset the channel',
  settings: 'changed a setting',
};

/** One line per entry, newest first: when, who (as a mention), what, where. No content, only sizes. */
export function auditLines(entries: readonly AuditEntry[]): string {
  return entries
    .map((entry) => {
      const who = entry.userId ? `<@${entry.userId}>` : 'someone';
      const sizes = Object.entries(entry.detail)
        .map(([name, value]) => `${name} ${String(value)}`)
        .join(', ');
      return `${entry.at.replace('T', ' ').slice(0, 16)} UTC: ${who} ${AUDIT_VERBS[entry.action]} in <#${entry.channelId}>${sizes ? ` (${sizes})` : ''}`;
    })
    .join('\n');
}
