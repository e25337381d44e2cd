import { z } from 'zod';

/** The action ids of the buttons the bot posts, one place for the blocks and the listeners. */
export const EXPLORE = {
  /** Followed by the k: `explore_try_k_4` (action ids are unique within a block). */
  tryK: 'explore_try_k_',
  compareMethods: 'explore_compare_methods',
  campaigns: 'explore_campaigns',
  support: 'explore_support',
  chart: 'explore_chart',
  exportToMe: 'explore_export',
  brief: 'explore_brief',
} as const;

export const FEEDBACK = { up: 'feedback_up', down: 'feedback_down' } as const;

export const RESET = { confirm: 'segments_reset_confirm', cancel: 'segments_reset_cancel' } as const;

/** Button and option values are small JSON objects (at most 2,000 and 150 characters in Block Kit). */
export function encodeValue(value: Record<string, unknown>): string {
  return JSON.stringify(value);
}

export const ExploreValueSchema = z.object({ d: z.string().min(1), k: z.number().int().optional(), c: z.string().optional() });
export const FeedbackValueSchema = z.object({ t: z.array(z.string()) });

/** Parse a value the bot itself wrote; anything else (a forged or truncated payload) is null. */
export function decodeValue<T>(schema: z.ZodType<T>, raw: string | undefined): T | null {
  if (raw === undefined) return null;
  try {
    const parsed = schema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
