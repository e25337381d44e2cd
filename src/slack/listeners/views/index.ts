import type { App } from '@slack/bolt';
import type { ListenerDeps } from '../route.js';
import { registerSettingsDialog } from './settings.js';

export function registerViews(app: App, deps: ListenerDeps): void {
  registerSettingsDialog(app, deps);
}
