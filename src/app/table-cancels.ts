import type { ChannelKey } from '../store/channel-store.js';

/** A table analysis registered as running: its signal, and `done` once it ended (either way). */
export interface RunningTable {
  readonly signal: AbortSignal;
  done(): Promise<void>;
}

/**
 * Table analyses running per channel, so `/segments source cancel` reaches the channel's one
 * wherever it was started: in this process (the embedded mode), or in any bot replica sharing
 * Redis (analysis-queue.ts). A newer analysis of the same channel replaces (cancels) a running one,
 * as its result would replace the older one's.
 */
export interface TableCancels {
  start(key: ChannelKey): Promise<RunningTable>;
  /** Cancel the channel's running table analysis; false when none is running. */
  cancel(key: ChannelKey): Promise<boolean>;
  close(): Promise<void>;
}

export const channelName = (key: ChannelKey): string => `${key.teamId}/${key.channelId}`;

/** The analyses this process started, by channel. */
export function localTableCancels(): TableCancels {
  const running = new Map<string, AbortController>();
  return {
    start: async (key) => {
      const name = channelName(key);
      running.get(name)?.abort();
      const controller = new AbortController();
      running.set(name, controller);
      return {
        signal: controller.signal,
        done: async () => {
          if (running.get(name) === controller) running.delete(name);
        },
      };
    },
    cancel: async (key) => {
      const controller = running.get(channelName(key));
      controller?.abort();
      return controller !== undefined;
    },
    close: async () => {
      for (const controller of running.values()) controller.abort();
      running.clear();
    },
  };
}
