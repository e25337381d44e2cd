import type { Writable } from 'node:stream';
import { DomainError, InputError } from '../common/errors.js';
import type { CliContext } from './context.js';
import { ANALYZE_SOURCE_USAGE, ANALYZE_USAGE, ASK_USAGE, CHARTS_USAGE, COMPARE_USAGE } from './usage.js';

const USAGE = ['Segment Analyst command line', `  ${ANALYZE_USAGE}`, `  ${ANALYZE_SOURCE_USAGE}`, `  ${ASK_USAGE}`, `  ${CHARTS_USAGE}`, `  ${COMPARE_USAGE}`].join('\n');

/**
 * `npm run cli -- <command>` (and `npm run charts`): runs one command and returns the exit code.
 * Anything the user can fix gets exit code 2 and one line on stderr; a stack trace only with DEBUG set.
 * Each command's module is loaded when it runs, so `analyze` does not load the model client or the renderer.
 */
export async function runCli(argv: readonly string[], context: CliContext, stderr: Writable): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'analyze':
        await (await import('./analyze.js')).runAnalyze(rest, context);
        return 0;
      case 'ask':
        await (await import('./ask.js')).runAsk(rest, context);
        return 0;
      case 'charts':
        await (await import('./charts.js')).runCharts(rest, context);
        return 0;
      case 'compare':
        await (await import('./compare.js')).runCompare(rest, context);
        return 0;
      case undefined:
      case 'help':
      case '--help':
        context.stdout.write(`${USAGE}\n`);
        return 0;
      default:
        throw new InputError(`Unknown command "${command}"; use analyze, ask, charts or compare.`, 'usage');
    }
  } catch (error) {
    if (context.config.debug) stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    stderr.write(`error: ${userMessage(error)}\n`);
    return 2;
  }
}

function userMessage(error: unknown): string {
  if (error instanceof DomainError) return error.message;
  // node:util parseArgs reports unknown or malformed flags as TypeErrors with an ERR_PARSE_ARGS code.
  if (error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) return error.message;
  return `Unexpected error: ${error instanceof Error ? error.message : String(error)} (set DEBUG=1 for details).`;
}
