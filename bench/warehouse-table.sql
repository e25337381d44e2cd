-- 5,000,000 customers with the mission's columns (credit-card-customer-data.csv), generated in
-- PostgreSQL and the same on every run: each value comes from hashint8extended(row, salt), a
-- deterministic hash, turned into a uniform number in [0, 1). Three groups shaped like the
-- mission's (many mid-limit branch visitors, phone callers with low limits, a few online big
-- spenders). Run: psql -v rows=5000000 -f bench/warehouse-table.sql postgres://postgres@127.0.0.1:5432/test
\set ON_ERROR_STOP on
DROP SCHEMA IF EXISTS bench_warehouse CASCADE;
CREATE SCHEMA bench_warehouse;
CREATE FUNCTION bench_warehouse.u(i bigint, salt bigint) RETURNS float8
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT (hashint8extended(i, salt) & 4503599627370495)::float8 / 4503599627370496 $$;
CREATE TABLE bench_warehouse.customers AS
SELECT g AS "Sl_No",
       10000000 + g AS "Customer Key",
       CASE grp WHEN 0 THEN round((10000 + 40000 * bench_warehouse.u(g, 2)) / 1000) * 1000
                WHEN 1 THEN round((3000 + 17000 * bench_warehouse.u(g, 2)) / 1000) * 1000
                ELSE round((80000 + 120000 * bench_warehouse.u(g, 2)) / 1000) * 1000 END::bigint AS "Avg_Credit_Limit",
       CASE grp WHEN 0 THEN 4 + floor(4 * bench_warehouse.u(g, 3)) WHEN 1 THEN 1 + floor(4 * bench_warehouse.u(g, 3)) ELSE 7 + floor(4 * bench_warehouse.u(g, 3)) END::int AS "Total_Credit_Cards",
       CASE grp WHEN 0 THEN 2 + floor(4 * bench_warehouse.u(g, 4)) WHEN 1 THEN floor(3 * bench_warehouse.u(g, 4)) ELSE floor(2 * bench_warehouse.u(g, 4)) END::int AS "Total_visits_bank",
       CASE grp WHEN 0 THEN floor(3 * bench_warehouse.u(g, 5)) WHEN 1 THEN 1 + floor(5 * bench_warehouse.u(g, 5)) ELSE 7 + floor(9 * bench_warehouse.u(g, 5)) END::int AS "Total_visits_online",
       CASE grp WHEN 0 THEN floor(5 * bench_warehouse.u(g, 6)) WHEN 1 THEN 4 + floor(7 * bench_warehouse.u(g, 6)) ELSE floor(4 * bench_warehouse.u(g, 6)) END::int AS "Total_calls_made"
FROM (
  SELECT g, CASE WHEN bench_warehouse.u(g, 1) < 0.58 THEN 0 WHEN bench_warehouse.u(g, 1) < 0.92 THEN 1 ELSE 2 END AS grp
  FROM generate_series(1, :rows) AS g
) AS s;
ANALYZE bench_warehouse.customers;
