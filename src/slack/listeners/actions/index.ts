import type { App } from '@slack/bolt';
import type { ListenerDeps } from '../route.js';
import { registerExploreActions } from './explore.js';
import { registerResetActions } from './reset.js';

export function registerActions(app: App, deps: ListenerDeps): void {
  registerResetActions(app, deps);
  registerExploreActions(app, deps);
}
