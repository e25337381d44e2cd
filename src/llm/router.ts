import type { Analysis } from '../analysis/analysis.js';
import { numericFeatures, type Algorithm } from '../analysis/report.js';
import type { ChartKind } from '../charts/types.js';
import { QUESTION_STOPWORDS } from '../common/vocabulary.js';
import type { ToolName } from '../tools/registry.js';
import { phraseTokens, resolveFeature, resolveSegment } from '../tools/resolve.js';
import { hasWord, normaliseQuestion, parseAmount, parseFeatureValues, parseFilters } from './question-parse.js';

/**
 * The deterministic router: maps the common questions to tool calls without a model. It never
 * guesses: a question it cannot map gets `unknown` (the reply lists what it can answer), and a
 * phrase with two equally good readings gets `clarify` with the question back.
 */
export interface PlannedCall {
  readonly tool: ToolName;
  readonly args: Record<string, unknown>;
}

export type RoutePlan =
  | { readonly kind: 'tools'; readonly intent: string; readonly calls: readonly PlannedCall[] }
  | { readonly kind: 'insights' }
  | { readonly kind: 'help' }
  | { readonly kind: 'clarify'; readonly text: string }
  | { readonly kind: 'unknown' };

const tools = (intent: string, ...calls: PlannedCall[]): RoutePlan => ({ kind: 'tools', intent, calls });

const METHOD_WORDS: readonly { words: readonly string[]; method: Algorithm }[] = [
  { words: ['kmedoids', 'medoids', 'medoid', 'pam', 'clara'], method: 'kmedoids' },
  { words: ['gmm', 'gaussian', 'mixture', 'mixtures', 'em'], method: 'gmm' },
  { words: ['kmeans'], method: 'kmeans' },
];

const CHART_WORDS: readonly { test: (text: string, tokens: readonly string[]) => boolean; kind: ChartKind }[] = [
  { test: (_, t) => hasWord(t, 'elbow', 'inertia'), kind: 'elbow' },
  { test: (_, t) => hasWord(t, 'silhouette', 'silhouettes'), kind: 'silhouette' },
  { test: (_, t) => hasWord(t, 'bic'), kind: 'bic' },
  { test: (_, t) => hasWord(t, 'pairplot'), kind: 'pair-plot' },
  { test: (_, t) => hasWord(t, 'boxplots', 'spread'), kind: 'boxplots' },
  { test: (s, t) => hasWord(t, 'pca', '2d') || /\b(map|scatter)\b/.test(s), kind: 'pca-map' },
  { test: (_, t) => hasWord(t, 'correlation', 'correlations', 'heatmap'), kind: 'correlation' },
  { test: (_, t) => hasWord(t, 'distribution', 'histogram', 'histograms'), kind: 'distribution' },
  { test: (_, t) => hasWord(t, 'agreement'), kind: 'agreement' },
  { test: (s) => /\bsizes?\b|\bhow big\b/.test(s), kind: 'sizes' },
  { test: (_, t) => hasWord(t, 'profile', 'profiles'), kind: 'profile' },
  { test: (_, t) => hasWord(t, 'ranking'), kind: 'ranking' },
];

const SHOW_WORDS = ['show', 'plot', 'draw', 'chart', 'graph', 'visualise', 'visualize', 'picture', 'display', 'see', 'view', 'diagram'];
const SUPERLATIVE_HIGH = ['most', 'highest', 'largest', 'biggest', 'greatest', 'max', 'maximum', 'top', 'more', 'heaviest', 'richest', 'best', 'oldest'];
const SUPERLATIVE_LOW = ['least', 'lowest', 'fewest', 'smallest', 'min', 'minimum', 'bottom', 'less', 'fewer', 'lightest', 'worst', 'youngest'];

/** The segment phrases of a question: "segment 2", "the digital segment", "the biggest one". */
function segmentPhrases(text: string): string[] {
  const phrases: string[] = [];
  const number = '(\\d+|one|two|three|four|five|six|seven|eight|nine|ten)';
  const pair = new RegExp(String.raw`\b(?:segments?|clusters?|groups?)\s*#?\s*${number}\s*(?:and|vs\.?|versus|with|to|&|or)\s*#?\s*${number}\b(?!\s*(?:segments?|clusters?|groups?|k\b))`, 'g');
  for (const m of text.matchAll(pair)) phrases.push(`segment ${m[1]}`, `segment ${m[2]}`);
  if (phrases.length > 0) return phrases;
  for (const m of text.matchAll(/\b(?:segment|cluster|group)\s*#?\s*(\d+|one|two|three|four|five|six|seven|eight|nine|ten)\b/g)) phrases.push(m[0]);
  for (const m of text.matchAll(/\b(first|second|third|fourth|fifth|sixth|last)\s+(?:segment|cluster|group)\b/g)) phrases.push(m[0]);
  for (const m of text.matchAll(/\bthe\s+((?:[a-z-]+,?\s+){0,4}?)(?:segment|cluster|group|ones?|customers|crowd|people|spenders|earners|callers|users|visitors|shoppers|buyers|clients|members|savers)\b/g)) {
    if (m[1].trim().length > 0 && !/^(same|other|each|every|which|what|all)\b/.test(m[1].trim())) phrases.push(m[0]);
  }
  return phrases;
}

function resolveSegmentPhrase(phrase: string, analysis: Analysis): { id: number | null; problem: string | null } {
  const r = resolveSegment(phrase, analysis.report.segments, numericFeatures(analysis.report));
  if (r.ok) return { id: r.value, problem: null };
  return { id: null, problem: r.message };
}

function methodIn(tokens: readonly string[]): Algorithm | null {
  for (const { words, method } of METHOD_WORDS) if (words.some((w) => tokens.includes(w))) return method;
  return null;
}

function methodsIn(tokens: readonly string[]): Algorithm[] {
  return METHOD_WORDS.filter(({ words }) => words.some((w) => tokens.includes(w))).map((m) => m.method);
}

/** "try 4 segments", "use 5 clusters", "k = 4", "back to automatic k". */
function requestedK(text: string): number | 'auto' | null {
  if (/\b(auto|automatic|automatically|recommended|default|best)\s*(k|number|segmentation|segments)?\b/.test(text) && /\b(go back|back to|use|switch|reset|let it|choose|pick|return)\b/.test(text)) return 'auto';
  const number = String.raw`(\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)`;
  const patterns = [
    new RegExp(String.raw`\b(?:try|use|make|with|want|split(?: it| them| the customers| customers)? into|switch to|go (?:with|for)|set(?: k)? to|change (?:it |k )?to|instead|redo with|rerun with|re-run with|give me|show me|only|just|let's (?:try|do|see))\s+(?:k\s*=\s*)?${number}\s*(?:segments?|clusters?|groups?|seg\w*)\b`),
    new RegExp(String.raw`\b${number}\s*(?:segments?|clusters?|groups?|seg\w*)\s*(?:instead|please|would be better|might be better)`),
    new RegExp(String.raw`^(?:what|how) about\s+(?:k\s*=\s*)?${number}\s*(?:segments?|clusters?|groups?|seg\w*)?\s*\??$`),
    new RegExp(String.raw`\b(?:try|use|set|with|make it|change to)\s+k\s*(?:=|to|of)?\s*${number}\b`),
    new RegExp(String.raw`^k\s*=\s*${number}$`),
  ];
  for (const p of patterns) {
    const m = p.exec(text);
    if (m) return parseAmount(m[1]);
  }
  return null;
}

/** The question without its segment phrases ("segment 2"), numbers kept. */
function withoutSegmentPhrases(text: string, segmentRefs: readonly string[]): string {
  return segmentRefs.reduce((rest, ref) => rest.replace(ref, ' '), text);
}

/** The words of a question that may name a feature, without its segment phrases and numbers. */
function featureWords(text: string, segmentRefs: readonly string[]): string {
  return withoutSegmentPhrases(text, segmentRefs).replace(/[$€£]?\d[\d,.]*\s*(k|m)?\b/g, ' ');
}

/** Words every segment question uses: a column named only by them ("Segment", "Group") is not taken as named. */
const SEGMENT_WORDS = new Set(['segment', 'segments', 'cluster', 'clusters', 'group', 'groups']);

/** Questions about what changed since the previous upload: who moved, how many were lost, which segment grew. */
function changesTopic(text: string): 'moved' | 'lost' | 'grew' | null {
  if (/\b(moved|move|moves|moving|migrated|migration|migrations|switched|movers)\b/.test(text) && !/\b(would|should|will)\b/.test(text)) return 'moved';
  if (/\b(lose|lost|losing|churn|churned|churning|left us|leave us|gone away)\b/.test(text) && /\b(customers?|clients?|since|last|month|upload|how many|did we)\b/.test(text)) return 'lost';
  if (/\b(grew|grown|grow|growing|gained|shrank|shrunk|shrink|shrinking)\b/.test(text)) return 'grew';
  return null;
}

/** Categorical columns a question names, in the table's order: those the file offers and those in use. */
function namedCategoricalColumns(tokens: readonly string[], analysis: Analysis): string[] {
  const r = analysis.report;
  const offered = [...(r.categoricalFeatures ?? []), ...(r.cleaning.categoricalSuggested ?? r.columns.filter((c) => c.role === 'categorical').map((c) => c.name))];
  const named = (column: string): boolean => {
    const words = phraseTokens(column);
    return words.some((w) => !SEGMENT_WORDS.has(w)) && words.every((w) => tokens.includes(w));
  };
  return [...new Set(offered)].filter(named);
}

/**
 * "include gender", "add region as a feature", "segment on gender too" / "drop gender", "without
 * region": the categorical features to re-run with, or null when the question changes none.
 */
function requestedCategorical(text: string, tokens: readonly string[], analysis: Analysis): string[] | null {
  const named = namedCategoricalColumns(tokens, analysis);
  if (named.length === 0) return null;
  const current = analysis.report.categoricalFeatures ?? [];
  if (/\b(drop|remove|exclude|without|ignore|stop using|no longer use|leave out|take out)\b/.test(text)) {
    return current.filter((c) => !named.includes(c));
  }
  if (/\b(include|add|use|using|consider|segment (?:on|by)|cluster (?:on|by)|split (?:on|by)|take\b.*\binto account|factor in|as well|too|also)\b/.test(text)) {
    return [...current, ...named.filter((c) => !current.includes(c))];
  }
  return null;
}

export function routeQuestion(question: string, analysis: Analysis): RoutePlan {
  const text = normaliseQuestion(question);
  const tokens = phraseTokens(text);
  const features = numericFeatures(analysis.report);
  if (
    tokens.length === 0 ||
    /^(help|\?+|menu|commands?|what can (you|i) (do|ask)\b.*|how does this work\??|how do i use (this|you)\??)$/.test(text) ||
    /^help\b/.test(text) ||
    /^(hi|hello|hey|thanks|thank you|thx|cheers)\b[\s!.?]*(there|a lot|so much)?[\s!.?]*$/.test(text)
  ) {
    return { kind: 'help' };
  }
  const refs = segmentPhrases(text);
  const run = (intent: string, calls: PlannedCall[]): RoutePlan => tools(intent, ...calls);
  const clarify = (message: string): RoutePlan => ({ kind: 'clarify', text: message });
  const oneSegment = (): { id: number | null; problem: string | null } =>
    refs.length > 0 ? resolveSegmentPhrase(refs[0], analysis) : { id: null, problem: null };

  // Settings: a method and/or k to re-run with.
  const method = methodIn(tokens);
  const compareWords = hasWord(tokens, 'compare', 'comparison', 'versus', 'agree', 'agreement', 'differ', 'difference', 'differences', 'disagree') || /\bvs\.?\b/.test(text);
  const k = requestedK(text);
  const changeVerb = /\b(use|switch|try|run|rerun|re-run|redo|change|go with|go back|instead|apply|with|prefer|let's|lets|fit)\b/.test(text);
  const categorical = compareWords || /\b(show|plot|chart|draw|graph)\b/.test(text) ? null : requestedCategorical(text, tokens, analysis);
  if (!compareWords && (k !== null || categorical !== null || (method !== null && (changeVerb || tokens.length <= 3)))) {
    const args: Record<string, unknown> = {};
    if (method) args.algorithm = method;
    if (k !== null) args.k = k;
    if (categorical !== null) args.categorical = categorical;
    return run('settings', [{ tool: 'segment', args }]);
  }

  // "show gender by segment": the category-shares chart of a named categorical column.
  const chartColumn = namedCategoricalColumns(tokens, analysis)[0];
  if (chartColumn !== undefined && /\b(by|per|across|in each) (segment|segments|cluster|clusters)\b|\b(shares?|mix|breakdown|split|proportions?)\b/.test(text)) {
    return run('chart', [{ tool: 'chart', args: { kind: 'categories', column: chartColumn } }]);
  }

  // Predict: "which segment would a customer with 8 cards and a 150k limit be in?"
  if (/\b(would|will|does|do|should)\b.*\b(be in|belong|go|fall|land|fit|be placed|be assigned)\b|\b(predict|classify|assign|place)\b|\bwhich segment (is|would|does) (a|an|someone|the customer)\b/.test(text) && /\d|\b(zero|no|two|three|four|five|six|seven|eight|nine|ten)\b/.test(text)) {
    const parsed = parseFeatureValues(withoutSegmentPhrases(text, refs), features);
    if (parsed.problem) return clarify(parsed.problem);
    if (parsed.values.length > 0) return run('predict', [{ tool: 'predict_segment', args: { values: parsed.values } }]);
  }

  // Export / list customers.
  const changes = changesTopic(text);
  if (changes === 'moved') {
    const seg = refs.length > 0 ? oneSegment() : { id: null, problem: null };
    if (seg.problem) return clarify(seg.problem);
    return run('segment-changes', [{ tool: 'segment_changes', args: seg.id === null ? { topic: 'moved' } : { topic: 'moved', segment: seg.id } }]);
  }
  if (changes) return run('segment-changes', [{ tool: 'segment_changes', args: { topic: changes } }]);

  const customerFilters = /\b(customers|clients|people|who)\b/.test(text) && !/\bwhich (segment|cluster|group)\b/.test(text) ? parseFilters(text, features) : null;
  if ((customerFilters !== null && customerFilters.filters.length > 0) || hasWord(tokens, 'export', 'download', 'csv', 'spreadsheet', 'excel') || /\b(list|give me|show me|send me|get me|who are) (the |all )?(customers|clients|people|members|rows|ids)\b/.test(text) || /\bcustomers (in|of|from) (segment|cluster|group|the)\b/.test(text) || (/\b(show|list|give|send|get)\b.*\b(customers|clients|members|rows)\b/.test(text) && !/\b(which|how many)\b/.test(text))) {
    const seg = oneSegment();
    if (seg.problem) return clarify(seg.problem);
    const parsed = parseFilters(text, features);
    if (parsed.problem) return clarify(parsed.problem);
    const args: Record<string, unknown> = {};
    if (seg.id !== null) args.segment = seg.id;
    if (parsed.filters.length > 0) args.filters = parsed.filters;
    return run('export', [{ tool: 'find_customers', args }]);
  }

  // Support-service improvements (before rankings: "reduce support calls" is not a ranking).
  const serviceTopic = hasWord(tokens, 'support', 'service', 'calls', 'call', 'complaints', 'helpdesk') || /\bcall (centre|center)\b/.test(text);
  const improveVerb = hasWord(tokens, 'improve', 'improvement', 'improvements', 'reduce', 'reduction', 'fix', 'better', 'actions', 'action', 'recommendations', 'cut', 'lower', 'decrease', 'ease', 'optimise', 'optimize');
  if ((serviceTopic && improveVerb) || /\bservice (actions|improvements?|ideas|plan)\b/.test(text)) {
    const seg = oneSegment();
    if (seg.problem) return clarify(seg.problem);
    return run('service', [{ tool: 'service_actions', args: seg.id !== null ? { segment: seg.id } : {} }]);
  }

  // Campaigns, offers, upsell.
  if (hasWord(tokens, 'campaign', 'campaigns', 'marketing', 'offer', 'offers', 'promotion', 'promotions', 'upsell', 'crosssell', 'target', 'targeting', 'advertise', 'pitch')) {
    const goal = hasWord(tokens, 'upsell', 'crosssell', 'premium', 'upgrade') ? 'upsell' : 'any';
    const seg = oneSegment();
    if (seg.problem) return clarify(seg.problem);
    const args: Record<string, unknown> = { goal };
    if (seg.id !== null && goal === 'any') args.segment = seg.id;
    return run('campaigns', [{ tool: 'campaign_suggestions', args }]);
  }

  // "Why k = 3", "how many segments".
  const kQuestion =
    /\bhow many (segments|clusters|groups)\b|\bwhy (k|\d+|two|three|four|five|six|seven|eight|nine|ten)\b|\b(right|optimal|best|ideal) (number of )?(k|segments|clusters)\b|\bnumber of (segments|clusters|groups)\b|\bchoose k\b|\bwhy (these|this many|this k|that k)\b|\bwhy\b.*\b(pick|picked|choose|chose|chosen|select|selected|settle)\b/.test(text);
  const showVerb = hasWord(tokens, ...SHOW_WORDS);
  const chartKind = CHART_WORDS.find((c) => c.test(text, tokens))?.kind ?? null;
  if (chartKind && (showVerb || tokens.length <= 3 || hasWord(tokens, 'plot', 'chart', 'graph')) && !/\bwhy\b/.test(text)) {
    const args: Record<string, unknown> = { kind: chartKind };
    if (chartKind === 'ranking' || chartKind === 'distribution') {
      const f = resolveFeature(featureWords(text, refs), features);
      if (f.ok) args.feature = f.value;
      else if (chartKind === 'ranking') return clarify(f.reason === 'ambiguous' ? f.message : 'Which feature should the ranking chart use? For example: "show the ranking by credit limit".');
    }
    return run('chart', [{ tool: 'chart', args }]);
  }
  const evidenceWord = chartKind === 'elbow' || chartKind === 'silhouette' || chartKind === 'bic';
  if (kQuestion || evidenceWord) return run('choose-k', [{ tool: 'choose_k', args: {} }]);

  // Methods compared.
  const methods = methodsIn(tokens);
  if ((compareWords && (methods.length > 0 || hasWord(tokens, 'methods', 'method', 'algorithms', 'algorithm', 'models'))) || methods.length >= 2 || /\bwhich (method|algorithm)\b/.test(text)) {
    return run('compare-methods', [{ tool: 'compare_methods', args: {} }]);
  }

  // Two segments compared.
  if (refs.length >= 2 && (compareWords || /\b(and|with|from)\b/.test(text))) {
    const a = resolveSegmentPhrase(refs[0], analysis);
    const b = resolveSegmentPhrase(refs[1], analysis);
    if (a.problem) return clarify(a.problem);
    if (b.problem) return clarify(b.problem);
    if (a.id !== null && b.id !== null && a.id !== b.id) return run('compare', [{ tool: 'compare_segments', args: { a: a.id, b: b.id } }]);
  }

  // Rankings: "which segment calls support most?", "who has the highest credit limit?".
  const high = hasWord(tokens, ...SUPERLATIVE_HIGH) || /\b(calls?|visits?|uses?|goes|phones?|contacts?) .*\b(a lot|often|the most)\b/.test(text);
  const low = hasWord(tokens, ...SUPERLATIVE_LOW);
  const rankWords = hasWord(tokens, 'rank', 'ranking', 'ranked', 'order', 'sort', 'sorted');
  if (high || low || rankWords) {
    const words = featureWords(text, refs);
    const shareOf = /\b(share|proportion|percentage|fraction|most customers|share of customers) (with|of customers with|who have|having)\b/.exec(text);
    const threshold = /\b(?:more than|over|above|at least)\s+([$€£]?\d[\d,.]*\s*(?:k|m)?)\s+([a-z][a-z ]*)/.exec(text);
    if (shareOf && threshold) {
      const f = resolveFeature(threshold[2], features);
      const value = parseAmount(threshold[1]);
      if (!f.ok) return f.reason === 'ambiguous' ? clarify(f.message) : { kind: 'unknown' };
      if (value !== null) return run('rank', [{ tool: 'rank_segments', args: { feature: f.value, statistic: 'shareAbove', threshold: value, order: low && !high ? 'lowest' : 'highest' } }]);
    }
    const f = resolveFeature(words, features);
    if (f.ok) {
      const statistic = hasWord(tokens, 'median') ? 'median' : 'mean';
      const lowFirst = low && !hasWord(tokens, 'most', 'highest', 'max', 'maximum', 'top');
      return run('rank', [{ tool: 'rank_segments', args: { feature: f.value, statistic, order: lowFirst ? 'lowest' : 'highest' } }]);
    }
    if (f.reason === 'ambiguous') return clarify(f.message);
    const sizeQuestion = /\b(biggest|largest|smallest|most customers)\b/.test(text);
    if (!sizeQuestion && refs.length === 0 && phraseTokens(words).some((t) => !QUESTION_STOPWORDS.has(t))) return clarify(f.message);
    if (sizeQuestion && hasWord(tokens, 'segment', 'segments', 'cluster', 'group')) {
      const which = /\bsmallest\b/.test(text) ? 'the smallest segment' : 'the biggest segment';
      const seg = resolveSegmentPhrase(which, analysis);
      if (seg.id !== null) return run('profile', [{ tool: 'profile_segment', args: { segment: seg.id } }]);
    }
  }

  // One segment in full.
  const seg = oneSegment();
  if (seg.problem && refs.length > 0 && /\bsegment|cluster|group\b/.test(refs[0])) return clarify(seg.problem);
  if (seg.id !== null) return run('profile', [{ tool: 'profile_segment', args: { segment: seg.id } }]);

  if (hasWord(tokens, 'summary', 'summarise', 'summarize', 'overview', 'insights', 'findings', 'takeaways', 'recap') || /\bwhat did you find\b/.test(text)) {
    return { kind: 'insights' };
  }
  if (
    hasWord(tokens, 'columns', 'column', 'rows', 'missing', 'dropped', 'cleaning', 'cleaned', 'quality', 'outliers', 'outlier', 'skew', 'skewed', 'skewness', 'duplicates', 'correlation', 'correlations', 'correlated', 'dataset', 'features') ||
    /\b(describe|about) (the |this |my )?(data|file|csv|dataset)\b/.test(text) ||
    /\bwhat('s| is) in (the|this|my) (data|file)\b/.test(text)
  ) {
    return run('describe', [{ tool: 'describe_data', args: {} }]);
  }
  if (
    /\b(what are|show|list|describe) (the |all |my )?(segments|clusters|groups)\b|^(segments|clusters)\??$/.test(text) ||
    /\b(segments|clusters|groups)\b.*\blook like\b/.test(text) ||
    /\bhow (big|large)\b.*\b(segment|segments|cluster|clusters|group|groups)\b/.test(text)
  ) {
    return run('segments', [{ tool: 'segment', args: {} }]);
  }
  return { kind: 'unknown' };
}
