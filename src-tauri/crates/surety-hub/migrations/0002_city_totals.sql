-- The province's sums by city alone, kept beside `totals` in the same transaction: the
-- trend over every quarter reads these few rows, not every line of every quarter.
CREATE TABLE city_totals (
  period TEXT NOT NULL,
  city   TEXT NOT NULL,
  tbl    TEXT NOT NULL,
  metric TEXT NOT NULL,
  value  BIGINT NOT NULL,
  PRIMARY KEY (tbl, metric, period, city)
);
INSERT INTO city_totals (period, city, tbl, metric, value)
  SELECT period, city, tbl, metric, SUM(value) FROM totals GROUP BY period, city, tbl, metric;
