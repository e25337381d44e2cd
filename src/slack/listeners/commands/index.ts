import type { App } from '@slack/bolt';
import type { ListenerDeps } from '../route.js';
import { registerSegmentsCommand } from './segments.js';

export function registerCommands(app: App, deps: ListenerDeps): void {
  registerSegmentsCommand(app, deps);
}
