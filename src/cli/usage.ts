/** The usage line of each command, shown by `help` and in the message for a malformed call. */
export const ANALYZE_USAGE =
  'usage: npm run cli -- analyze <file.csv|file.xlsx> [--sheet NAME] [--transactions] [--k auto|N] [--evidence] [--algorithm kmeans|kmedoids|gmm|all] [--seed N] [--dedupe-features] [--features a,b,c] [--log1p a,b] [--categorical Gender,Region] [--json] [--labels out.csv]';
export const ANALYZE_SOURCE_USAGE =
  'usage: npm run cli -- analyze --source <name|postgres://...|duckdb:file.parquet> [--table <schema.table>] [--k auto|N] [--algorithm kmeans] [--seed N] [--features a,b,c] [--json] [--write-labels <schema.table>|<labels.parquet|labels.csv> for a duckdb: file]';
export const ASK_USAGE = 'usage: npm run cli -- ask <file.csv> "<question>" [--out <dir>] [--k auto|N] [--algorithm kmeans|kmedoids|gmm] [--no-cache]';
export const CHARTS_USAGE =
  'usage: npm run charts -- <file.csv> --out <dir> [--k auto|N] [--seed N] [--features all|a,b] [--max-points N] [--scale 1|2|3] [--dedupe-features] [--categorical Gender,Region]';
export const COMPARE_USAGE =
  'usage: npm run cli -- compare <previous.csv> <current.csv> [--k N|auto] [--algorithm kmeans|kmedoids|gmm] [--seed N] [--key COLUMN] [--json] [--labels out.csv] [--no-cache]';
