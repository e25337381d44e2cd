import { InputError } from '../common/errors.js';
import { ANALYZE_USAGE, runAnalyze } from './analyze.js';

const USAGE = `Segment Analyst command line
  ${ANALYZE_USAGE}
  usage: npm run cli -- ask <file.csv> "<question>" [--out <dir>]`;

/** Exit code 2 and one clear line for anything the user can fix; a stack trace only with DEBUG set. */
async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'analyze':
      await runAnalyze(rest);
      return 0;
    case 'ask': {
      const { runAsk } = await import('./ask.js');
      return runAsk(rest);
    }
    case undefined:
    case 'help':
    case '--help':
      process.stdout.write(`${USAGE}\n`);
      return 0;
    default:
      throw new InputError(`Unknown command "${command}"; use analyze or ask.`, 'usage');
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (process.env.DEBUG) console.error(error);
    const message =
      error instanceof InputError || (error instanceof Error && error.name === 'TypeError' && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))
        ? error.message
        : `Unexpected error: ${error instanceof Error ? error.message : String(error)} (set DEBUG=1 for details).`;
    process.stderr.write(`error: ${message}\n`);
    process.exitCode = 2;
  },
);
