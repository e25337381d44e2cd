import { expect } from 'vitest';

/** User-facing sentences: one line, one sentence, ends with a full stop, nothing that looks like a crash. */
export function expectOneSentence(message: string): void {
  expect(message).not.toMatch(/[\r\n]/);
  expect(message.endsWith('.')).toBe(true);
  expect(message.length).toBeLessThan(300);
  expect(message).not.toMatch(/\bat \S+:\d+|Error:|undefined|NaN|\[object|papaparse|node_modules/);
  const withoutQuotes = message.replace(/"[^"]*"/g, '""').replace(/\d\.\d/g, '0');
  expect(withoutQuotes.slice(0, -1)).not.toMatch(/[.!?]\s+[A-Z]/);
}
