-- Indexes for ranking.sql, created after the CSV load, then VACUUM (FREEZE, ANALYZE): VACUUM
-- sets the visibility map that index-only scans need, ANALYZE the planner statistics. Each
-- VACUUM is preceded by a CHECKPOINT that writes out the dirty pages (the load's, the previous
-- VACUUM's): without it VACUUM left 2-20 % of the freshly loaded pages out of the visibility
-- map here (pages it could not lock at once while they were being written out are skipped),
-- each costing heap fetches later. CHECKPOINT needs a superuser (the benchmark connects as
-- postgres). Run with autocommit (psql -f, no -1): VACUUM cannot run inside a
-- transaction block.
--
-- ranking.sql reads, per product, the period's rows of batches, sales (period and previous
-- period) and labour with one range scan of a (product_id, date) index that INCLUDEs every
-- column it uses: index-only scans touching just that slice, already in (product, date) order,
-- whatever the heap order. The same indexes answer the "any row before the period" probes (B4
-- history). certifications and trainings are small: a (product_id, date) index for the probe.

CREATE INDEX batches_by_product ON batches (product_id, start_date)
  INCLUDE (qty_produced, qty_rejected, inmate_person_days, direct_cost_idr, input_cost_idr,
           local_input_cost_idr);
CREATE INDEX sales_by_product ON sales (product_id, sale_date)
  INCLUDE (qty, revenue_idr, channel, buyer_region);
CREATE INDEX labour_by_product ON labour (product_id, month)
  INCLUDE (distinct_inmates_engaged, verified);
CREATE INDEX certifications_by_product ON certifications (product_id, issued_date);
CREATE INDEX trainings_by_product ON trainings (product_id, start_date);

CHECKPOINT;
VACUUM (FREEZE, ANALYZE) upts;
CHECKPOINT;
VACUUM (FREEZE, ANALYZE) products;
CHECKPOINT;
VACUUM (FREEZE, ANALYZE) batches;
CHECKPOINT;
VACUUM (FREEZE, ANALYZE) sales;
CHECKPOINT;
VACUUM (FREEZE, ANALYZE) certifications;
CHECKPOINT;
VACUUM (FREEZE, ANALYZE) trainings;
CHECKPOINT;
VACUUM (FREEZE, ANALYZE) labour;
