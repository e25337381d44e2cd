import { join } from 'node:path';
import type { AppConfig } from '../config.js';
import { ChannelStore } from '../store/channel-store.js';
import { SeenEvents } from '../store/seen-events.js';
import type { SegmentEngine } from './engine.js';
import { SegmentService, type ServiceLogger } from './service.js';

/** The pieces every surface shares: the per-channel store, the seen-event list and the service. */
export interface Runtime {
  readonly store: ChannelStore;
  readonly seenEvents: SeenEvents;
  readonly service: SegmentService;
  /** Stop the engine's workers and flush the seen-event list. */
  close(): Promise<void>;
}

export async function createRuntime(config: AppConfig, engine: SegmentEngine, log: ServiceLogger): Promise<Runtime> {
  const store = new ChannelStore(config.dataDir, log);
  const swept = await store.sweepTemporaryFiles();
  if (swept > 0) log.info({ files: swept }, 'Removed temporary files left by an interrupted write');
  const seenEvents = await new SeenEvents(join(config.dataDir, 'seen-events.json'), log).load();
  const service = new SegmentService(store, engine, log, { maxUploadBytes: config.maxUploadBytes });
  const close = async (): Promise<void> => {
    await engine.close?.();
    await seenEvents.flush();
  };
  return { store, seenEvents, service, close };
}
