import { z } from 'zod';
import { requireSegment } from './lookup.js';
import { planningFacts } from './playbook/facts.js';
import { campaignFor, campaigns, serviceActions, upsellTargets, type Campaign } from './playbook/playbook.js';
import { campaignText, serviceText } from './playbook/render.js';
import { SegmentRefSchema } from './profile.js';
import { defineTool, fact, output } from './tool.js';

const CampaignSchema = z.object({
  segmentId: z.number().int(),
  segmentName: z.string(),
  kind: z.string(),
  title: z.string(),
  audience: z.string(),
  offer: z.string(),
  channel: z.string(),
  message: z.string(),
  measure: z.string(),
  upsell: z.boolean(),
});

export const CampaignSuggestionsArgs = z.object({
  segment: SegmentRefSchema.optional().describe('One segment; omit for a campaign per segment.'),
  goal: z.enum(['any', 'upsell']).default('any').describe('"upsell" to find who to upsell (high-value segments first).'),
});

export const CampaignSuggestionsData = z.object({ goal: z.enum(['any', 'upsell']), campaigns: z.array(CampaignSchema) });

function plain(c: Campaign): z.infer<typeof CampaignSchema> {
  const { facts: _facts, ...rest } = c;
  return rest;
}

export const campaignSuggestions = defineTool({
  name: 'campaign_suggestions',
  description:
    'Marketing campaigns driven by each segment\'s profile: audience, offer, channel, message and how to measure it. Use for "campaign ideas", "what should we offer segment 2?", "who should we upsell?" (goal upsell).',
  args: CampaignSuggestionsArgs,
  data: CampaignSuggestionsData,
  async run(args, session) {
    const { analysis } = session;
    let chosen: Campaign[];
    let intro: string;
    if (args.segment !== undefined) {
      chosen = [campaignFor(analysis, requireSegment(args.segment, analysis))];
      intro = '';
    } else if (args.goal === 'upsell') {
      const targets = upsellTargets(analysis);
      chosen = targets.length > 0 ? targets : [];
      intro =
        targets.length > 0
          ? `*Who to upsell:* ${targets.map((t) => `Segment ${t.segmentId} (${t.segmentName})`).join(', then ')}. Their profile shows high value${targets.some((t) => t.kind === 'premium-digital-upsell') ? ' and heavy digital use, so the offer can go through the app' : ''}.`
          : 'No segment stands out on credit limit, income or other money columns, so there is no clear upsell target; here are the campaigns for each segment instead.';
      if (targets.length === 0) chosen = campaigns(analysis);
    } else {
      chosen = campaigns(analysis);
      intro = `*A campaign for each of the ${analysis.report.segments.length} segments*, driven by what sets each apart:`;
    }
    const text = [intro, ...chosen.map(campaignText)].filter((t) => t.length > 0).join('\n\n');
    const facts = [...chosen.flatMap((c) => c.facts), ...planningFacts(), fact('Number of segments', analysis.report.segments.length, 'k')];
    return {
      ...output(text, {
        facts,
        table: {
          columns: ['Segment', 'Campaign', 'Channel'],
          rows: chosen.map((c) => [`${c.segmentId} ${c.segmentName}`, c.title, c.channel]),
        },
      }),
      data: { goal: args.goal, campaigns: chosen.map(plain) },
    };
  },
});

export const ServiceActionsArgs = z.object({
  segment: SegmentRefSchema.optional().describe('One segment; omit for every segment that needs service work.'),
});

export const ServiceActionsData = z.object({
  hasContactData: z.boolean(),
  items: z.array(z.object({ segmentId: z.number().int().nullable(), title: z.string(), actions: z.array(z.string()) })),
});

export const serviceActionsTool = defineTool({
  name: 'service_actions',
  description:
    'Support-service improvements per segment: the segment that calls support most gets root-cause fixes, proactive alerts and self-service nudges; online and branch-heavy segments get service in their channel. Use for "how can we improve support?", "reduce calls".',
  args: ServiceActionsArgs,
  data: ServiceActionsData,
  async run(args, session) {
    const { analysis } = session;
    const all = serviceActions(analysis);
    const only = args.segment === undefined ? null : requireSegment(args.segment, analysis).id;
    const items = only === null ? all.items : all.items.filter((i) => i.segmentId === only);
    const result = { hasContactData: all.hasContactData, items };
    const text =
      only !== null && items.length === 0
        ? `Segment ${only} does not stand out on support calls, online use or branch visits, so it needs no specific service action; the segments that do are ${all.items.map((i) => `Segment ${i.segmentId}`).join(', ') || 'none'}.`
        : serviceText(result);
    return {
      ...output(text, { facts: [...items.flatMap((i) => i.facts), ...planningFacts()] }),
      data: { hasContactData: result.hasContactData, items: items.map((i) => ({ segmentId: i.segmentId, title: i.title, actions: [...i.actions] })) },
    };
  },
});
