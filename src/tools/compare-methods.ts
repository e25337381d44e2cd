import { z } from 'zod';
import type { Analysis } from '../analysis/analysis.js';
import { adjustedRandIndex } from '../analysis/metrics.js';
import { AlgorithmSchema, METHOD_NAMES, type Algorithm } from '../analysis/report.js';
import { withAllMethods } from './all-methods.js';
import { chartIfAvailable } from './chart-support.js';
import { customers, formatDecimal, formatInteger, formatShare } from './format.js';
import { defineTool, fact, output, type ToolSession } from './tool.js';

export const CompareMethodsArgs = z.object({}).describe('No arguments.');

export const CompareMethodsData = z.object({
  k: z.number().int(),
  methods: z.array(z.object({ method: AlgorithmSchema, sizes: z.array(z.number().int()) })),
  /** Adjusted Rand index per pair (1 = identical partitions, 0 = chance). */
  agreement: z.array(z.object({ a: AlgorithmSchema, b: AlgorithmSchema, ari: z.number() })),
  /** Rows on which the methods do not all agree. */
  disagreeingRows: z.number().int(),
  disagreeingShare: z.number(),
  /** The largest moves: rows K-Means puts in `from` that another method puts in `to`. */
  moves: z.array(z.object({ method: AlgorithmSchema, from: z.number().int(), to: z.number().int(), rows: z.number().int() })),
});

const ORDER: readonly Algorithm[] = ['kmeans', 'kmedoids', 'gmm'];

/** Labels of all three methods at the current k, fitting the missing ones on the same table. */
async function allMethodLabels(session: ToolSession, analysis: Analysis): Promise<Partial<Record<Algorithm, Int32Array>>> {
  return (await withAllMethods(session, analysis)).labels;
}

export const compareMethods = defineTool({
  name: 'compare_methods',
  description:
    'Compare K-Means, K-Medoids and the Gaussian mixture at the current k: segment sizes per method, agreement (adjusted Rand index) and where they disagree.',
  args: CompareMethodsArgs,
  data: CompareMethodsData,
  async run(_args, session) {
    const { analysis } = session;
    const k = analysis.report.segments.length;
    const labels = await allMethodLabels(session, analysis);
    const methods = ORDER.filter((m) => labels[m]).map((method) => {
      const sizes = new Array<number>(k).fill(0);
      for (const s of labels[method] as Int32Array) sizes[s]++;
      return { method, sizes };
    });
    const agreement: { a: Algorithm; b: Algorithm; ari: number }[] = [];
    for (let i = 0; i < methods.length; i++) {
      for (let j = i + 1; j < methods.length; j++) {
        const a = methods[i].method;
        const b = methods[j].method;
        agreement.push({ a, b, ari: adjustedRandIndex(labels[a] as Int32Array, labels[b] as Int32Array) });
      }
    }
    const reference = labels.kmeans as Int32Array;
    const n = reference.length;
    let disagreeingRows = 0;
    for (let i = 0; i < n; i++) if (methods.some((m) => (labels[m.method] as Int32Array)[i] !== reference[i])) disagreeingRows++;
    const moves: { method: Algorithm; from: number; to: number; rows: number }[] = [];
    for (const m of methods) {
      if (m.method === 'kmeans') continue;
      const counts = new Map<string, number>();
      const other = labels[m.method] as Int32Array;
      for (let i = 0; i < n; i++) {
        if (other[i] !== reference[i]) counts.set(`${reference[i]}:${other[i]}`, (counts.get(`${reference[i]}:${other[i]}`) ?? 0) + 1);
      }
      for (const [key, rows] of counts) {
        const [from, to] = key.split(':').map(Number);
        moves.push({ method: m.method, from: from + 1, to: to + 1, rows });
      }
    }
    moves.sort((x, y) => y.rows - x.rows);

    const lines = [`*Methods at k = ${k}* (segments matched to K-Means' numbering):`];
    for (const m of methods) lines.push(`• ${METHOD_NAMES[m.method]}: ${m.sizes.map((size, s) => `Segment ${s + 1} ${formatInteger(size)}`).join(', ')}`);
    lines.push(
      `Agreement (adjusted Rand index, 1 = identical): ${agreement.map((a) => `${METHOD_NAMES[a.a]} vs ${METHOD_NAMES[a.b]} ${formatDecimal(a.ari, 2)}`).join('; ')}.`,
    );
    lines.push(
      disagreeingRows === 0
        ? 'All methods put every customer in the same segment.'
        : `They disagree on ${customers(disagreeingRows)} (${formatShare(disagreeingRows / n)}). ${moves
            .slice(0, 3)
            .map((mv) => `${METHOD_NAMES[mv.method]} moves ${customers(mv.rows)} from Segment ${mv.from} to Segment ${mv.to}`)
            .join('; ')}.`,
    );
    const facts = [fact('Number of segments', k, 'k'), fact('Rows compared', n, 'count'), fact('Rows where methods disagree', disagreeingRows, 'count'), fact('Share of rows where methods disagree', n ? disagreeingRows / n : 0, 'share')];
    for (const m of methods) m.sizes.forEach((size, s) => facts.push(fact(`${METHOD_NAMES[m.method]} segment ${s + 1} size`, size, 'count')));
    for (const a of agreement) facts.push(fact(`Agreement ${METHOD_NAMES[a.a]} vs ${METHOD_NAMES[a.b]} (adjusted Rand index)`, a.ari));
    for (const mv of moves.slice(0, 10)) facts.push(fact(`${METHOD_NAMES[mv.method]} rows moved from segment ${mv.from} to ${mv.to}`, mv.rows, 'count'));
    facts.push(fact('Identical partitions ARI', 1));
    return {
      ...output(lines.join('\n'), {
        facts,
        table: { columns: ['Segment', ...methods.map((m) => METHOD_NAMES[m.method])], rows: Array.from({ length: k }, (_, s) => [String(s + 1), ...methods.map((m) => String(m.sizes[s]))]) },
        charts: chartIfAvailable(session, 'agreement', {}),
      }),
      data: { k, methods, agreement, disagreeingRows, disagreeingShare: n ? disagreeingRows / n : 0, moves: moves.slice(0, 10) },
    };
  },
});
