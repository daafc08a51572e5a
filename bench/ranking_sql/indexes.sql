-- Indexes for ranking.sql, created after the CSV load, then VACUUM ANALYZE (VACUUM also sets the
-- visibility map, which index-only scans need). Run with autocommit (psql -f, no -1): VACUUM
-- cannot run inside a transaction block.
--
-- What ranking.sql reads:
--   * the period's rows of batches, sales (period + previous period) and labour: range scans on
--     the date, covering every column the query uses, so they are index-only scans that touch
--     only the period's slice instead of the whole (10-year) heap;
--   * "has the product any row before the period" (B4 history): one probe per product on
--     (product_id, date);
--   * certifications and trainings are small: a (product_id, date) index for the history probe.

CREATE INDEX batches_by_date ON batches (start_date)
  INCLUDE (product_id, qty_produced, qty_rejected, inmate_person_days, direct_cost_idr,
           input_cost_idr, local_input_cost_idr);
CREATE INDEX batches_by_product ON batches (product_id, start_date);

CREATE INDEX sales_by_date ON sales (sale_date)
  INCLUDE (product_id, qty, revenue_idr, channel, buyer_region);
CREATE INDEX sales_by_product ON sales (product_id, sale_date);

CREATE INDEX labour_by_month ON labour (month)
  INCLUDE (product_id, distinct_inmates_engaged, verified);
CREATE INDEX labour_by_product ON labour (product_id, month);

CREATE INDEX certifications_by_product ON certifications (product_id, issued_date);
CREATE INDEX trainings_by_product ON trainings (product_id, start_date);

VACUUM ANALYZE upts;
VACUUM ANALYZE products;
VACUUM ANALYZE batches;
VACUUM ANALYZE sales;
VACUUM ANALYZE certifications;
VACUUM ANALYZE trainings;
VACUUM ANALYZE labour;
