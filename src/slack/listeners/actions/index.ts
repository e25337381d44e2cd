import type { App } from '@slack/bolt';
import type { ListenerDeps } from '../route.js';
import { registerResetActions } from './reset.js';

export function registerActions(app: App, deps: ListenerDeps): void {
  registerResetActions(app, deps);
}
