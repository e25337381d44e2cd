import type { Algorithm } from '../analysis/report.js';
import type { ChannelKey, ChannelStore } from '../store/channel-store.js';

/** One dataset a person can see, as the App Home lists it. */
export interface VisibleDataset {
  readonly channelId: string;
  readonly fileName: string;
  readonly uploadedAt: string;
  readonly uploadedBy: string | null;
  /** The last analysis, when one finished. */
  readonly analysed: { readonly rows: number; readonly k: number; readonly algorithm: Algorithm; readonly at: string | null } | null;
  /** The thread its upload was answered in. */
  readonly threadTs: string | null;
}

/**
 * The datasets of a workspace one person may see: only those of conversations they are a member
 * of (the surface says who is a member). Newest upload first.
 */
export async function visibleDatasets(store: ChannelStore, teamId: string, isMember: (key: ChannelKey) => Promise<boolean>): Promise<VisibleDataset[]> {
  const found: VisibleDataset[] = [];
  for (const key of await store.channels()) {
    const state = await store.state(key);
    if (state.teamId !== teamId || !state.active) continue;
    if (!(await isMember({ teamId: state.teamId, channelId: state.channelId }))) continue;
    const { active } = state;
    found.push({
      channelId: state.channelId,
      fileName: active.fileName,
      uploadedAt: active.uploadedAt,
      uploadedBy: active.uploadedBy,
      analysed: active.summary ? { rows: active.summary.rowsUsed, k: active.summary.k, algorithm: active.summary.algorithm, at: active.summary.analysedAt ?? null } : null,
      threadTs: active.threadTs ?? null,
    });
  }
  return found.sort((a, b) => b.uploadedAt.localeCompare(a.uploadedAt));
}
