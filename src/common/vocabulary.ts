/**
 * The words about columns, in one place: each concept's id, the phrases people use for it, the
 * column-name tokens that identify it and the behaviour it stands for in the playbook. Labels,
 * the resolver, the router and the playbook all read it; it works for any dataset whose column
 * names carry one of the tokens, and everything else falls back to matching on the names.
 */

/** What a column measures, as the campaign and service playbook reasons about it. */
export type Behaviour = 'value' | 'digital' | 'branch' | 'calls' | 'cards' | 'spending' | 'cash' | 'income' | 'age' | 'balance' | 'tenure' | 'recency' | 'frequency';

export interface Concept {
  readonly id: string;
  /** Words and short phrases people use (lower case, single spaces). */
  readonly phrases: readonly string[];
  /** Stemmed column-name tokens that mean this concept. */
  readonly columnTokens: readonly string[];
  /** The behaviour a column of this concept measures; null for words that only help find columns. */
  readonly behaviour: Behaviour | null;
}

// Order matters: a column takes the behaviour of the first concept whose tokens it carries.
export const CONCEPTS: readonly Concept[] = [
  {
    id: 'calls',
    phrases: ['call', 'calls', 'called', 'calling', 'caller', 'callers', 'phone', 'phones', 'telephone', 'support', 'helpline', 'hotline', 'call centre', 'call center', 'contact', 'contacts'],
    columnTokens: ['call', 'phone', 'contact'],
    behaviour: 'calls',
  },
  {
    id: 'online',
    phrases: ['online', 'digital', 'digitally', 'app', 'apps', 'web', 'website', 'internet', 'mobile', 'login', 'logins', 'ebanking', 'e banking', 'net banking'],
    columnTokens: ['online', 'web', 'digital', 'app', 'internet', 'mobile'],
    behaviour: 'digital',
  },
  {
    id: 'branch',
    phrases: ['branch', 'branches', 'in person', 'in branch', 'offline', 'walk in', 'counter', 'physical', 'bank visit', 'bank visits', 'visits to the bank'],
    columnTokens: ['bank', 'branch'],
    behaviour: 'branch',
  },
  {
    id: 'cards',
    phrases: ['card', 'cards', 'credit cards', 'plastic'],
    columnTokens: ['card'],
    behaviour: 'cards',
  },
  {
    id: 'limit',
    phrases: ['limit', 'limits', 'credit line', 'credit lines', 'line of credit', 'credit limit', 'spending limit'],
    columnTokens: ['limit'],
    behaviour: 'value',
  },
  {
    id: 'value',
    phrases: ['premium', 'affluent', 'wealthy', 'rich', 'high value', 'valuable'],
    columnTokens: ['limit', 'income', 'balance', 'salary'],
    behaviour: null,
  },
  {
    id: 'income',
    phrases: ['income', 'salary', 'earnings', 'earn', 'earners', 'wage', 'wages'],
    columnTokens: ['income', 'salary'],
    behaviour: 'income',
  },
  {
    id: 'spending',
    phrases: ['spending', 'spend', 'spender', 'spenders', 'purchase', 'purchases', 'buying', 'shopping'],
    columnTokens: ['spending', 'spend', 'purchase'],
    behaviour: 'spending',
  },
  {
    id: 'age',
    phrases: ['age', 'older', 'younger', 'oldest', 'youngest', 'young', 'aged', 'year old', 'years old', 'seniors'],
    columnTokens: ['age'],
    behaviour: 'age',
  },
  {
    id: 'balance',
    phrases: ['balance', 'balances', 'owe', 'debt'],
    columnTokens: ['balance'],
    behaviour: 'balance',
  },
  {
    id: 'cash',
    phrases: ['cash advance', 'cash advances', 'cash'],
    columnTokens: ['cash'],
    behaviour: 'cash',
  },
  {
    id: 'tenure',
    phrases: ['tenure', 'loyalty', 'years with us'],
    columnTokens: ['tenure'],
    behaviour: 'tenure',
  },
  // The RFM columns of a transaction file turned into customers. Last, so that "purchases_frequency"
  // stays a spending column: only a column named for frequency alone measures how often people buy.
  {
    id: 'recency',
    phrases: ['recency', 'recent', 'recently', 'lapsed', 'last purchase', 'days since last purchase', 'inactive'],
    columnTokens: ['recency'],
    behaviour: 'recency',
  },
  {
    id: 'frequency',
    phrases: ['number of purchases', 'purchase count', 'how often they buy', 'frequent buyers'],
    columnTokens: ['frequency'],
    behaviour: 'frequency',
  },
];

/** Column-name tokens that say nothing about what is measured. */
export const GENERIC_COLUMN_TOKENS: ReadonlySet<string> = new Set(['total', 'avg', 'average', 'mean', 'num', 'number', 'no', 'count', 'of', 'the', 'per', 'sum', 'n', 'nr', 'cnt', 'amt']);

/** Words of a question that never name a feature. */
export const QUESTION_STOPWORDS: ReadonlySet<string> = new Set([
  'which', 'who', 'whom', 'what', 'where', 'when', 'how', 'why', 'segment', 'segments', 'cluster', 'clusters', 'group', 'groups',
  'customer', 'customers', 'client', 'clients', 'people', 'person', 'user', 'users', 'one', 'ones', 'the', 'a', 'an', 'of', 'in',
  'on', 'by', 'with', 'has', 'have', 'had', 'having', 'is', 'are', 'was', 'were', 'be', 'do', 'does', 'did', 'most', 'least',
  'highest', 'lowest', 'high', 'low', 'higher', 'lower', 'more', 'less', 'fewer', 'few', 'many', 'much', 'top', 'bottom',
  'average', 'avg', 'mean', 'median', 'typical', 'number', 'numbers', 'total', 'count', 'rank', 'ranking', 'ranked', 'order',
  'sort', 'sorted', 'per', 'use', 'uses', 'used', 'using', 'make', 'makes', 'made', 'me', 'show', 'tell', 'about', 'and', 'or',
  'to', 'for', 'than', 'overall', 'biggest', 'largest', 'greatest', 'smallest', 'max', 'maximum', 'min', 'minimum', 'heavy',
  'heavies', 'light', 'lovers', 'fans', 'loving', 'often', 'oftenest', 'frequently', 'rarely', 'never', 'best', 'worst', 'our',
  'their', 'they', 'them', 'that', 'this', 'these', 'those', 'it', 'its', 'share', 'proportion', 'percentage', 'fraction',
  'above', 'below', 'over', 'under', 'value', 'values', 'level', 'levels', 'amount', 'big', 'small', 'large', 'lot', 'lots',
  'each', 'every', 'all', 'any', 'by', 'from', 'at', 'as', 'stat', 'statistic', 'figure', 'figures', 'so', 'very', 'really',
  'please', 'can', 'could', 'would', 'you', 'i', 'we', 'us', 'there', 'here', 'whose', 'based', 'gets', 'get', 'got',
]);

/** Words that point a segment reference at the high end of a feature ("the high-limit group"). */
export const HIGH_WORDS: ReadonlySet<string> = new Set(['high', 'higher', 'highest', 'many', 'more', 'most', 'big', 'heavy', 'lots', 'top', 'max', 'maximum', 'rich', 'frequent']);

/** Feature words that mean the low end by themselves ("young" is low age). */
export const INTRINSIC_LOW: ReadonlySet<string> = new Set(['young', 'younger', 'youngest']);

/** Words that flip a segment reference to the low end of a feature ("the low-limit group"). */
export const LOW_WORDS: ReadonlySet<string> = new Set(['low', 'lowest', 'least', 'few', 'fewest', 'fewer', 'less', 'light', 'rarely', 'never', 'small', 'smallest', 'minimum', 'min', 'bottom', 'non', 'not', 'worst']);

/** Split snake_case, kebab-case, camelCase and spaced names into lower-case words. */
export function nameTokens(column: string): string[] {
  return column
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/\(([^)]*)\)/g, ' $1 ')
    .split(/[^A-Za-z0-9$%]+/)
    .map((t) => t.toLowerCase())
    .filter((t) => t.length > 0);
}

/** Crude plural folding, enough for column names: calls -> call, frequencies -> frequency. */
export function stem(token: string): string {
  if (token.length > 4 && token.endsWith('ies')) return `${token.slice(0, -3)}y`;
  if (token.length > 3 && token.endsWith('s') && !token.endsWith('ss')) return token.slice(0, -1);
  return token;
}

/** The informative, stemmed tokens of a column name ("Total_visits_bank" -> visit, bank). */
export function informativeTokens(column: string): string[] {
  return nameTokens(column)
    .map(stem)
    .filter((t) => !GENERIC_COLUMN_TOKENS.has(t) && !/^\d+$/.test(t));
}

/** The behaviour a column measures, from its name (null when no concept claims it). */
export function behaviourOf(column: string): Behaviour | null {
  const tokens = informativeTokens(column);
  for (const concept of CONCEPTS) {
    if (concept.behaviour && tokens.some((t) => concept.columnTokens.includes(t))) return concept.behaviour;
  }
  return null;
}
