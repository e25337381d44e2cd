/**
 * Human words for column names, for titles, segment names and prose.
 * Known mission columns get hand-written labels; anything else is prettified from its tokens.
 */
export interface FeatureLabel {
  /** "Support calls made" */
  readonly label: string;
  /** Short form for segment names: "calls", "credit limit". */
  readonly short: string;
  /** Money columns are formatted as currency. */
  readonly unit: 'currency' | 'count' | 'percent' | 'number';
}

const KNOWN: Record<string, FeatureLabel> = {
  avg_credit_limit: { label: 'Average credit limit', short: 'credit limit', unit: 'currency' },
  total_credit_cards: { label: 'Credit cards held', short: 'cards', unit: 'count' },
  total_visits_bank: { label: 'Branch visits', short: 'branch visits', unit: 'count' },
  total_visits_online: { label: 'Online visits', short: 'online visits', unit: 'count' },
  total_calls_made: { label: 'Support calls made', short: 'support calls', unit: 'count' },
};

const MONEY = /(limit|balance|income|amount|payment|purchase|spend|revenue|salary|price|cost|value|advance|\$)/i;
const PERCENT = /(percent|pct|rate|ratio|frequency|prc|%)/i;
const COUNT = /(count|total|number|num|visits|calls|trx|cards|tenure|n_)/i;

/** Split snake_case, kebab-case, camelCase and spaced names into lower-case words. */
export function nameTokens(column: string): string[] {
  return column
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/\(([^)]*)\)/g, ' $1 ')
    .split(/[^A-Za-z0-9$%]+/)
    .map((t) => t.toLowerCase())
    .filter((t) => t.length > 0);
}

export function featureLabel(column: string): FeatureLabel {
  const key = nameTokens(column).join('_');
  const known = KNOWN[key];
  if (known) return known;
  const words = nameTokens(column);
  const text = words.join(' ');
  const label = text.length > 0 ? text.charAt(0).toUpperCase() + text.slice(1) : column;
  const unit = MONEY.test(column) ? 'currency' : PERCENT.test(column) ? 'percent' : COUNT.test(column) ? 'count' : 'number';
  return { label, short: text || column, unit };
}
