import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { createAnalysisRunner } from '../app/analysis-runner.js';
import { chartCatalogue } from '../charts/catalogue.js';
import { renderPng } from '../charts/render.js';
import { InputError } from '../common/errors.js';
import { ingestFile } from '../data/ingest.js';
import type { CliContext } from './context.js';
import { CHARTS_USAGE } from './usage.js';


/**
 * `charts`: analyses a CSV and writes the whole chart catalogue to a folder, each chart as a PNG
 * and as its Vega-Lite JSON (open it in the Vega editor to explore or restyle it).
 */
export async function runCharts(argv: readonly string[], context: CliContext): Promise<void> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      k: { type: 'string', default: 'auto' },
      seed: { type: 'string', default: '0' },
      features: { type: 'string', default: 'all' },
      'max-points': { type: 'string', default: '2000' },
      scale: { type: 'string', default: '2' },
      'dedupe-features': { type: 'boolean', default: false },
      categorical: { type: 'string' },
    },
  });
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new InputError(`Name exactly one CSV file (${CHARTS_USAGE}).`, 'usage');
  if (!values.out) throw new InputError(`Say where to write the charts with --out <dir> (${CHARTS_USAGE}).`, 'usage');
  const k = values.k === 'auto' ? 'auto' : Number(values.k);
  if (k !== 'auto' && !Number.isInteger(k)) throw new InputError(`--k takes "auto" or a whole number, not "${values.k}".`, 'usage');
  const seed = wholeNumber('--seed', values.seed);
  const maxPoints = wholeNumber('--max-points', values['max-points']);
  if (maxPoints < 100 || maxPoints > 20_000) throw new InputError('--max-points takes a number from 100 to 20000.', 'usage');
  const scale = Number(values.scale);
  if (!(scale > 0 && scale <= 4)) throw new InputError(`--scale takes a number from 1 to 4, not "${values.scale}".`, 'usage');
  const features = values.features === 'all' ? 'all' : values.features.split(',').map((f) => f.trim()).filter(Boolean);

  const table = await ingestFile(file, { dedupeFeatures: values['dedupe-features'], limits: { maxFileBytes: context.config.maxUploadBytes } });
  const runner = createAnalysisRunner({ workers: 0, log: context.log });
  const categorical = values.categorical?.split(',').map((c) => c.trim()).filter(Boolean);
  const analysis = await runner.run({ table: () => table, dataset: file, options: { k, seed, source: basename(file), ...(categorical ? { categorical } : {}) } });
  const charts = chartCatalogue(analysis, { features, maxPoints });
  await mkdir(values.out, { recursive: true });
  for (const chart of charts) {
    const started = performance.now();
    const png = await renderPng(chart.spec, { scale });
    await writeFile(join(values.out, `${chart.fileName}.png`), png);
    await writeFile(join(values.out, `${chart.fileName}.vl.json`), `${JSON.stringify(chart.spec, null, 2)}\n`);
    const ms = (performance.now() - started).toFixed(0);
    context.stdout.write(`${chart.fileName}.png + .vl.json  ${chart.title} (${ms} ms)\n`);
  }
  context.stdout.write(`Wrote ${charts.length} charts to ${values.out}\n`);
}

function wholeNumber(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n)) throw new InputError(`${flag} takes a whole number, not "${text}".`, 'usage');
  return n;
}
