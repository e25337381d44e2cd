import type { Campaign, ServiceAdvice } from './playbook.js';

/** The playbook in words, in the tools' light markup (*bold* headings, • bullets, numbered steps). */
export function campaignText(c: Campaign): string {
  return [
    `*Segment ${c.segmentId} (${c.segmentName}): ${c.title}*`,
    `• Audience: ${c.audience}.`,
    `• Offer: ${c.offer}.`,
    `• Channel: ${c.channel}.`,
    `• Message: ${c.message}`,
    `• Measure: ${c.measure}.`,
  ].join('\n');
}

export function serviceText(advice: ServiceAdvice): string {
  const lines: string[] = [];
  if (!advice.hasContactData) {
    lines.push('This data has no column about support calls or contacts, so I cannot point at a segment that strains the service; the channel-based actions below come from the columns it does have.');
  }
  if (advice.items.length === 0) lines.push('No segment stands out on support contacts, online use or branch visits, so there is no segment-specific service action to suggest.');
  for (const item of advice.items) {
    lines.push(`*${item.title}*`);
    item.actions.forEach((a, i) => lines.push(`${i + 1}. ${a}`));
  }
  return lines.join('\n');
}
