import { describe, expect, it } from 'vitest';
import { DIALECTS, DIALECT_NAMES, floatLiteral } from './dialect.js';
import { bigqueryMlModelSql, columnStatsSql, labelsSelectSql, lloydIterationSql, sampleSql, writeLabelsSql, type ScaledColumns } from './statements.js';

/*
 * The same K-Means statements in every dialect, as golden text in test/fixtures/sql/ (PostgreSQL's
 * also run for real in sql-lloyd.test.ts; BigQuery, Snowflake and Spark SQL are only generated).
 * A change to the builder shows as a diff of these files, to be read before it is accepted.
 */

const features: ScaledColumns = {
  table: { schema: 'crm', table: 'customers' },
  columns: ['Avg_Credit_Limit', 'visits `online` "x"'],
  fill: [18000, 2],
  whole: [true, false],
  mean: [34574.242424242424, 2.606060606060606],
  std: [37596.8154, 2.9335],
};
const centres = Float64Array.from([-0.5, 0.25, 1.75, -1e-7]);

describe('K-Means statements in each dialect', () => {
  for (const name of DIALECT_NAMES) {
    it(`${name}: statistics, sample, one Lloyd iteration and the labels table match the golden text`, async () => {
      const dialect = DIALECTS[name];
      const text = [
        columnStatsSql(dialect, features.table, features.columns, features.whole),
        sampleSql(dialect, features.table, ['customer_id', ...features.columns], 2.1, 7, 100_000),
        lloydIterationSql(dialect, features, centres),
        writeLabelsSql(dialect, { schema: 'crm', table: 'segments' }, labelsSelectSql(dialect, features, centres, 'customer_id', [1, 0])),
      ].join(';\n\n');
      await expect(`${text};\n`).toMatchFileSnapshot(`../../test/fixtures/sql/kmeans.${name}.sql`);
    });
  }

  it('BigQuery ML: the CREATE MODEL alternative matches the golden text', async () => {
    const text = bigqueryMlModelSql(DIALECTS.bigquery, features, 4, { schema: 'crm', table: 'segments_model' });
    await expect(`${text};\n`).toMatchFileSnapshot('../../test/fixtures/sql/kmeans.bigquery-ml.sql');
  });

  it('quotes a name with its own quote characters so it stays one identifier', () => {
    expect(DIALECTS.postgres.identifier('a"b')).toBe('"a""b"');
    expect(DIALECTS.snowflake.identifier('a"b')).toBe('"a""b"');
    expect(DIALECTS.spark.identifier('a`b')).toBe('`a``b`');
    expect(DIALECTS.bigquery.identifier('a`b')).toBe('`a\\`b`');
  });

  it('writes every double so that it reads back as the same double, and refuses a non-finite one', () => {
    for (const value of [0.1, -1e-7, 1.7976931348623157e308, 5e-324, 34574.242424242424]) {
      expect(Number(/'(.*)'/.exec(floatLiteral(DIALECTS.postgres, value))?.[1])).toBe(value);
    }
    expect(() => floatLiteral(DIALECTS.postgres, NaN)).toThrow(RangeError);
  });
});
