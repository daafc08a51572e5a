-- SPUP ranking (default weights) computed in PostgreSQL 15, the SQL side of the ranking benchmark.
-- Reproduces RankProducts() of services/aggregator/ranking/engine.cc (the spec; DESIGN.md next to
-- it explains the model) with the inputs that services/aggregator/core/ranking_core.cc gathers,
-- for data in which these inputs are always absent (treated exactly as the engine treats them):
--   panel scores      C3, C4, D2, D4 missing: n = 0 (so the D2 tie-break never separates)
--   settlement        A3 (premi), B2 (PNBP) missing: n = 0; B5 uses the batches' direct cost
--   customer returns  none recorded (C2 uses rejects only)
--   incidents         none open: G6 passes
--   spp_irt_excluded  false (G3 accepts SPP-IRT or BPOM MD); fairness option off
--
-- Parameters (libpq PQexecParams):
--   $1  first day of the period's first month (date)
--   $2  first day of the period's last month  (date); the period is whole months, both inclusive
-- In the scans below the period bounds are written out as expressions of $1/$2 (not taken from
-- a CTE) so that the planner sees them as constants and picks index range scans:
--   period start     $1::date
--   after the period ($2::date + interval '1 month')::date
--   previous period  ($1::date - age(($2::date + interval '1 month'), $1::date))::date  (same length)
--   validity date    ($2::date + interval '1 month' - interval '1 day')::date  (the last day)
--
-- One row per product: product_id, total, stars, eligible, floors_passed, rank (0 = not ranked),
-- then the normalised values n of the indicators that can be non-zero for this data (debug).
-- Order: ranked products by rank, then the others by total desc with the same tie-breaks.
WITH
-- =============================================================================================
-- The model: SPUP-1.0, hard-coded from services/aggregator/ranking/spup-1.0.json.
-- Every model parameter this query uses is here (and nowhere else). The formulas are the
-- engine's code (engine.cc RawValue), e.g. B3's region reach levels 1/2/3.
-- =============================================================================================
model AS (
  SELECT
    -- Indicator weights ("indicators[].weight"): A 25, B 27, C 28, D 20; sum 100.
    10::float8 AS w_a1,  8::float8 AS w_a2,  7::float8 AS w_a3,
     9::float8 AS w_b1,  4::float8 AS w_b2,  8::float8 AS w_b3,  3::float8 AS w_b4,  3::float8 AS w_b5,
    10::float8 AS w_c1,  7::float8 AS w_c2,  6::float8 AS w_c3,  5::float8 AS w_c4,
     6::float8 AS w_d1,  6::float8 AS w_d2,  6::float8 AS w_d3,  2::float8 AS w_d4,
    -- SAW caps of A1, A2, A3, B1, B2 ("ratioToCap"): p90 when the cohort has >= 10 values, else max.
    0.9::float8 AS cap_percentile, 10 AS cap_min_cohort,
    -- B3 "marketReach".
    5::float8 AS b3_channel_cap, 0.6::float8 AS b3_channel_weight,
    0.4::float8 AS b3_reach_weight, 3::float8 AS b3_reach_max,
    -- B4, B5, C2, D1 "fixedAnchors" (n = clamp((x - zero_at) / (one_at - zero_at))).
    (-0.5)::float8 AS b4_zero_at, 0.5::float8 AS b4_one_at, 0.5::float8 AS b4_new_product_value,
    0::float8 AS b5_zero_at, 0.5::float8 AS b5_one_at,
    0.9::float8 AS c2_zero_at, 1.0::float8 AS c2_one_at,
    0::float8 AS d1_zero_at, 1::float8 AS d1_one_at,
    -- C1 "points" tables, each item = the best valid certificate of its types; both tables have
    -- a maximum of 100 points. A MEREK whose number starts with "IDM" (any case) is registered,
    -- any other MEREK is filed (DESIGN.md assumption 3).
    --   food & beverage (PANGAN_OLAHAN, MINUMAN): SPP-IRT or BPOM MD 40, HALAL 25,
    --     MEREK registered 20 / filed 10, NIB 15
    --   non-food (every other category): MEREK registered 40 / filed 20, NIB 30, SNI|PKRT|OTHER 30
    ARRAY['PANGAN_OLAHAN', 'MINUMAN'] AS c1_food_categories,
    ARRAY['SPP_IRT', 'BPOM_MD'] AS c1_food_legal_types, 40::float8 AS c1_food_legal,
    ARRAY['HALAL'] AS c1_food_halal_types,              25::float8 AS c1_food_halal,
    20::float8 AS c1_food_merek, 10::float8 AS c1_food_merek_filed,
    ARRAY['NIB'] AS c1_food_nib_types,                  15::float8 AS c1_food_nib,
    100::float8 AS c1_food_max,
    40::float8 AS c1_nonfood_merek, 20::float8 AS c1_nonfood_merek_filed,
    ARRAY['NIB'] AS c1_nonfood_nib_types,               30::float8 AS c1_nonfood_nib,
    ARRAY['SNI', 'PKRT', 'OTHER'] AS c1_nonfood_voluntary_types, 30::float8 AS c1_nonfood_voluntary,
    100::float8 AS c1_nonfood_max,
    'MEREK' AS c1_merek_type, 'idm' AS c1_merek_registered_prefix,   -- lower case
    -- D3 "continuity".
    0.7::float8 AS d3_active_weight, 0.3::float8 AS d3_stability_weight, 1::float8 AS d3_cv_cap,
    -- Gates.
    ARRAY['LAPAS', 'RUTAN'] AS g1_allowed_upt_types,                   -- case-insensitive
    6 AS g2_min_active_months, 3 AS g2_min_harvests,
    ARRAY['PERTANIAN', 'PETERNAKAN', 'PERIKANAN'] AS g2_harvest_categories,
    ARRAY['PANGAN_OLAHAN', 'MINUMAN'] AS g3_legal_categories,
    ARRAY['SPP_IRT', 'BPOM_MD'] AS g3_accepted_certifications,
    1 AS g4_min_external_sales,
    0.8::float8 AS g5_min_verified_fraction,
    -- Floors: total >= 50, pillar A >= 40 % of 25, pillar C >= 50 % of 28.
    50::float8 AS floor_total, 0.4::float8 AS floor_a_fraction, 0.5::float8 AS floor_c_fraction,
    -- Star bands [min, max): 1 below 30, 2 from 30, 3 from 50, 4 from 70, 5 from 90 to 100.
    30::float8 AS stars2_min, 50::float8 AS stars3_min, 70::float8 AS stars4_min,
    90::float8 AS stars5_min, 100::float8 AS stars5_max,
    -- kScoreEpsilon (model.h): tolerance of floors, bands and tie-breaks.
    1e-9::float8 AS eps
),
-- =============================================================================================
-- Period facts per product (engine GatherFacts; ranking_core Inputs). The engine sees monthly
-- rollups, i.e. per (product, month) sums of the batches (by start_date), sales (by sale_date)
-- and labour reports (by month). Each product's rows of a table are read by one range scan of a
-- covering (product_id, date) index (LATERAL subqueries; see indexes.sql), summed per month,
-- then over the months.
-- rollup.cc keeps the double sums of a month rounded to 1e-6 (std::round(v * 1e6) / 1e6); for
-- inputs with at most 6 decimals that is the month's exact decimal sum, which is what rounding
-- the month's float sum gives too (PostgreSQL rounds halves to even, std::round away from zero:
-- they differ only on exact halves of 1e-6, which such inputs never produce).
-- sum_int8 (schema.sql) is an exact bigint sum returning bigint (sum(bigint) is numeric: slow).
-- =============================================================================================
-- Trainings counted in the month of their end_date, else start_date (A2). Small table.
training_facts AS (
  SELECT t.product_id,
         sum(t.completed_count) AS completed,
         coalesce(sum(t.certificates_count) FILTER (WHERE t.certificate_scheme = 'BNSP_COMPETENCY'), 0)
           AS competency_certificates
  FROM trainings t
  WHERE coalesce(t.end_date, t.start_date) >= $1::date
    AND coalesce(t.end_date, t.start_date) < ($2::date + interval '1 month')::date
  GROUP BY 1
),
-- Certificates valid on the period's last day: issued on or before it, not expired before it
-- (C1 and G3); the points of both C1 tables (the category picks one later). Small table.
cert_facts AS (
  SELECT c.product_id,
         bool_or(c.type = ANY (m.g3_accepted_certifications)) AS g3_certificate,
         max(CASE WHEN c.type = ANY (m.c1_food_legal_types) THEN m.c1_food_legal ELSE 0 END)
         + max(CASE WHEN c.type = ANY (m.c1_food_halal_types) THEN m.c1_food_halal ELSE 0 END)
         + max(CASE WHEN c.type <> m.c1_merek_type THEN 0
                    WHEN lower(left(c.number, 3) COLLATE "C") = m.c1_merek_registered_prefix
                      THEN m.c1_food_merek
                    ELSE m.c1_food_merek_filed END)
         + max(CASE WHEN c.type = ANY (m.c1_food_nib_types) THEN m.c1_food_nib ELSE 0 END)
           AS c1_food_points,
         max(CASE WHEN c.type <> m.c1_merek_type THEN 0
                  WHEN lower(left(c.number, 3) COLLATE "C") = m.c1_merek_registered_prefix
                    THEN m.c1_nonfood_merek
                  ELSE m.c1_nonfood_merek_filed END)
         + max(CASE WHEN c.type = ANY (m.c1_nonfood_nib_types) THEN m.c1_nonfood_nib ELSE 0 END)
         + max(CASE WHEN c.type = ANY (m.c1_nonfood_voluntary_types) THEN m.c1_nonfood_voluntary
                    ELSE 0 END) AS c1_nonfood_points
  FROM certifications c CROSS JOIN model m
  WHERE c.issued_date <= ($2::date + interval '1 month' - interval '1 day')::date
    AND (c.valid_until IS NULL
         OR c.valid_until >= ($2::date + interval '1 month' - interval '1 day')::date)
  GROUP BY 1
),
facts AS (
  SELECT p.product_id,
         p.category,
         p.launch_date,
         p.packaged,
         p.submitted_at_unix_ms,
         u.upt_type,
         coalesce(u.active, false) AS upt_active,
         b.batches, b.person_days, b.qty_produced, b.qty_rejected,
         b.direct_cost_idr, b.input_cost_idr, b.local_input_cost_idr,
         s.sales, s.revenue_idr,
         coalesce(sp.prev_revenue_idr, 0) AS prev_revenue_idr,
         -- D3 / G2: months with >= 1 batch and the CV of their output; services (JASA): months
         -- with >= 1 sale and the CV of their quantity.
         CASE WHEN p.category = 'JASA' THEN s.active_months ELSE b.active_months END AS active_months,
         CASE WHEN p.category = 'JASA' THEN s.month_mean ELSE b.month_mean END AS month_mean,
         CASE WHEN p.category = 'JASA' THEN s.month_sd ELSE b.month_sd END AS month_sd,
         s.channels, s.reach,
         l.reports, l.person_months, l.verified_reports,
         coalesce(t.completed, 0) AS completed,
         coalesce(t.competency_certificates, 0) AS competency_certificates,
         coalesce(c.g3_certificate, false) AS g3_certificate,
         CASE WHEN p.category = ANY (m.c1_food_categories) THEN coalesce(c.c1_food_points, 0)
              ELSE coalesce(c.c1_nonfood_points, 0) END AS c1_points,
         CASE WHEN p.category = ANY (m.c1_food_categories) THEN m.c1_food_max
              ELSE m.c1_nonfood_max END AS c1_points_max,
         -- B4 (ranking_core): the previous period's revenue is known when the product has a
         -- rollup month before the period (any batch, sale, certification by issued_date,
         -- training by start_date, or labour report); only needed when not launched in the
         -- period. Tested cheapest first, stopping at the first hit; each test is one index
         -- probe (scalar subqueries with LIMIT 1, NULL when no row: an EXISTS here would be
         -- planned as a hashed subplan over all the older rows).
         CASE WHEN p.launch_date >= $1::date THEN NULL
              ELSE coalesce(sp.prev_revenue_idr IS NOT NULL
                OR (SELECT true FROM batches hb
                    WHERE hb.product_id = p.product_id AND hb.start_date < $1::date LIMIT 1)
                OR (SELECT true FROM sales hs
                    WHERE hs.product_id = p.product_id AND hs.sale_date < $1::date LIMIT 1)
                OR (SELECT true FROM labour hl
                    WHERE hl.product_id = p.product_id AND hl.month < $1::date LIMIT 1)
                OR (SELECT true FROM certifications hc
                    WHERE hc.product_id = p.product_id AND hc.issued_date < $1::date LIMIT 1)
                OR (SELECT true FROM trainings ht
                    WHERE ht.product_id = p.product_id AND ht.start_date < $1::date LIMIT 1),
                false)
         END AS has_history,
         -- Month indexes for G5 and D3.
         (extract(year FROM $1::date) * 12 + extract(month FROM $1::date))::int AS first_month,
         (extract(year FROM $2::date) * 12 + extract(month FROM $2::date))::int AS last_month,
         (extract(year FROM p.launch_date) * 12 + extract(month FROM p.launch_date))::int
           AS launch_month
  FROM products p
  CROSS JOIN model m
  LEFT JOIN upts u ON u.upt_code = p.upt_code
  -- Batches of the period (month = rollup month with batches > 0).
  CROSS JOIN LATERAL (
    SELECT coalesce(sum_int8(bm.batches), 0)              AS batches,
           coalesce(sum(bm.person_days), 0)               AS person_days,
           sum(bm.qty_produced)                           AS qty_produced,  -- NULL: no batch
           sum(bm.qty_rejected)                           AS qty_rejected,
           coalesce(sum_int8(bm.direct_cost_idr), 0)      AS direct_cost_idr,
           coalesce(sum_int8(bm.input_cost_idr), 0)       AS input_cost_idr,
           coalesce(sum_int8(bm.local_input_cost_idr), 0) AS local_input_cost_idr,
           count(*)                                       AS active_months,
           avg(bm.qty_produced)                           AS month_mean,
           stddev_pop(bm.qty_produced)                    AS month_sd
    FROM (SELECT date_trunc('month', bb.start_date::timestamp)                    AS month,
                 count(*)                                                          AS batches,
                 round(sum(bb.qty_produced) * 1e6::float8) / 1e6::float8          AS qty_produced,
                 round(sum(bb.qty_rejected) * 1e6::float8) / 1e6::float8          AS qty_rejected,
                 round(sum(bb.inmate_person_days) * 1e6::float8) / 1e6::float8    AS person_days,
                 sum_int8(bb.direct_cost_idr)                                      AS direct_cost_idr,
                 sum_int8(bb.input_cost_idr)                                       AS input_cost_idr,
                 sum_int8(bb.local_input_cost_idr)                                 AS local_input_cost_idr
          FROM batches bb
          WHERE bb.product_id = p.product_id
            AND bb.start_date >= $1::date
            AND bb.start_date < ($2::date + interval '1 month')::date
          GROUP BY 1) bm
  ) b
  -- Sales of the period, grouped three ways in one pass (GROUPING SETS): per month (G4, B1, B5,
  -- D3 of services), per channel and per buyer region (B3: channels with revenue > 0, UNSPECIFIED
  -- ignored; furthest region with revenue > 0). In a row of one grouping set the other two keys
  -- are NULL, so each FILTER below picks the rows of its own set.
  CROSS JOIN LATERAL (
    SELECT coalesce(sum_int8(g.sales) FILTER (WHERE g.month IS NOT NULL), 0)       AS sales,
           coalesce(sum_int8(g.revenue_idr) FILTER (WHERE g.month IS NOT NULL), 0) AS revenue_idr,
           count(*) FILTER (WHERE g.month IS NOT NULL)          AS active_months,
           avg(g.qty) FILTER (WHERE g.month IS NOT NULL)        AS month_mean,
           stddev_pop(g.qty) FILTER (WHERE g.month IS NOT NULL) AS month_sd,
           count(*) FILTER (WHERE g.channel <> 'UNSPECIFIED' AND g.revenue_idr > 0) AS channels,
           coalesce(max(CASE g.buyer_region WHEN 'SAME_REGENCY' THEN 1 WHEN 'SAME_PROVINCE' THEN 2
                                            WHEN 'OUT_OF_PROVINCE' THEN 3 WHEN 'ABROAD' THEN 3
                                            ELSE 0 END)
                      FILTER (WHERE g.buyer_region IS NOT NULL AND g.revenue_idr > 0), 0) AS reach
    FROM (SELECT x.month, x.channel, x.buyer_region,
                 count(*)                                       AS sales,
                 round(sum(x.qty) * 1e6::float8) / 1e6::float8 AS qty,  -- rollup sales_qty
                 sum_int8(x.revenue_idr)                        AS revenue_idr
          FROM (SELECT date_trunc('month', ss.sale_date::timestamp) AS month,
                       ss.channel, ss.buyer_region, ss.qty, ss.revenue_idr
                FROM sales ss
                WHERE ss.product_id = p.product_id
                  AND ss.sale_date >= $1::date
                  AND ss.sale_date < ($2::date + interval '1 month')::date) x
          GROUP BY GROUPING SETS ((x.month), (x.channel), (x.buyer_region))) g
  ) s
  -- Revenue of the previous period of equal length (B4); NULL when it has no sale.
  CROSS JOIN LATERAL (
    SELECT sum_int8(sp.revenue_idr) AS prev_revenue_idr
    FROM sales sp
    WHERE sp.product_id = p.product_id
      AND sp.sale_date >= ($1::date - age(($2::date + interval '1 month'), $1::date))::date
      AND sp.sale_date < $1::date
  ) sp
  -- Monthly labour reports of the period (A1, G5): one report per product-month (rows of one
  -- month are summed as the rollup does; the month is verified if any of them is).
  CROSS JOIN LATERAL (
    SELECT count(*)                              AS reports,
           coalesce(sum(lm.headcount), 0)        AS person_months,
           count(*) FILTER (WHERE lm.verified)   AS verified_reports
    FROM (SELECT date_trunc('month', ll.month::timestamp) AS month,
                 sum(ll.distinct_inmates_engaged)          AS headcount,
                 bool_or(ll.verified)                      AS verified
          FROM labour ll
          WHERE ll.product_id = p.product_id
            AND ll.month >= $1::date
            AND ll.month < ($2::date + interval '1 month')::date
          GROUP BY 1) lm
  ) l
  LEFT JOIN training_facts t ON t.product_id = p.product_id
  LEFT JOIN cert_facts c ON c.product_id = p.product_id
),
-- =============================================================================================
-- Per product: gates and raw values (engine EvaluateGate, RawValue).
-- =============================================================================================
gated AS (
  SELECT f.*,
         -- G1 producer: UPT type allowed (case-insensitive), UPT active, person-days > 0.
         (upper(coalesce(f.upt_type, '') COLLATE "C") = ANY (m.g1_allowed_upt_types)
          AND f.upt_active AND f.person_days > 0) AS g1,
         -- G2 continuity: harvest categories need batches, others active months.
         CASE WHEN f.category = ANY (m.g2_harvest_categories) THEN f.batches >= m.g2_min_harvests
              ELSE f.active_months >= m.g2_min_active_months END AS g2,
         -- G3 legal minimum: packaged food/beverage needs SPP-IRT or BPOM MD valid at period end.
         (NOT (f.category = ANY (m.g3_legal_categories) AND f.packaged) OR f.g3_certificate) AS g3,
         -- G4 market: >= 1 sale in the period.
         f.sales >= m.g4_min_external_sales AS g4,
         -- G5 data quality: verified reports / required months (from the launch month on) >= 0.8;
         -- fails when launched after the period.
         CASE WHEN f.launch_month > f.last_month THEN false
              ELSE f.verified_reports::float8
                     / (f.last_month - greatest(f.first_month, coalesce(f.launch_month, f.first_month)) + 1)::float8
                   + m.eps >= m.g5_min_verified_fraction
         END AS g5
         -- G6 integrity: no open incident in this data, always passes.
  FROM facts f CROSS JOIN model m
),
raw AS (
  SELECT g.product_id, g.submitted_at_unix_ms,
         (g.g1 AND g.g2 AND g.g3 AND g.g4 AND g.g5) AS eligible,
         -- A1 person-months; NULL = missing (no labour report in the period).
         CASE WHEN g.reports > 0 THEN g.person_months::float8 END AS a1,
         -- A2 completions + 2 x BNSP competency certificates; never missing.
         (g.completed + 2 * g.competency_certificates)::float8 AS a2,
         -- B1 revenue; never missing.
         g.revenue_idr::float8 AS b1,
         -- B3 market reach: already in [0, 1].
         m.b3_channel_weight * least(g.channels::float8 / m.b3_channel_cap, 1::float8)
           + m.b3_reach_weight * least(g.reach::float8 / m.b3_reach_max, 1::float8) AS b3,
         -- B4 growth, normalised: new product 0.5 (launched on/after the period start, or no
         -- revenue in the previous period); NULL = missing (no history, not launched in period).
         CASE WHEN g.launch_date >= $1::date THEN m.b4_new_product_value
              WHEN NOT g.has_history THEN NULL
              WHEN g.prev_revenue_idr::float8 <= 0 THEN m.b4_new_product_value
              ELSE ((g.revenue_idr::float8 - g.prev_revenue_idr::float8) / g.prev_revenue_idr::float8
                    - m.b4_zero_at) / (m.b4_one_at - m.b4_zero_at)
         END AS b4_n,
         -- B5 gross margin with COGS = the batches' direct cost; NULL = missing.
         CASE WHEN g.revenue_idr > 0 AND g.direct_cost_idr > 0
              THEN (g.revenue_idr::float8 - g.direct_cost_idr::float8) / g.revenue_idr::float8 END AS b5,
         -- C1 points of the category's table.
         g.c1_points, g.c1_points_max,
         -- C2 QC pass rate (no customer returns); NULL = missing (nothing produced).
         CASE WHEN g.qty_produced > 0 THEN 1 - g.qty_rejected / g.qty_produced END AS c2,
         -- D1 local input share; NULL = missing (no input cost).
         CASE WHEN g.input_cost_idr > 0
              THEN g.local_input_cost_idr::float8 / g.input_cost_idr::float8 END AS d1,
         -- D3 continuity: 0.7 active share + 0.3 (1 - min(CV, 1)); CV over the active months,
         -- population SD; cv_cap when the mean is not > 0; 0 without an active month.
         CASE WHEN g.active_months = 0 THEN 0::float8
              ELSE m.d3_active_weight * least(1::float8, g.active_months::float8
                                               / (g.last_month - g.first_month + 1)::float8)
                   + m.d3_stability_weight
                     * (1 - least(CASE WHEN g.month_mean > 0 THEN g.month_sd / g.month_mean
                                       ELSE m.d3_cv_cap END, m.d3_cv_cap) / m.d3_cv_cap)
         END AS d3
  FROM gated g CROSS JOIN model m
),
-- The cohort setting the SAW caps: the eligible products, or every product when none is.
cohort AS (
  SELECT r.* FROM raw r
  WHERE r.eligible OR NOT EXISTS (SELECT 1 FROM raw e WHERE e.eligible)
),
-- Caps (engine CohortCapOf): over the cohort's non-missing values, percentile_cont = linear
-- interpolation with h = (n - 1) * p when n >= 10, else the maximum; 0 without values.
-- A3 and B2 are always missing here (no values: cap 0, n 0).
caps AS (
  SELECT coalesce(CASE WHEN count(a1) >= m.cap_min_cohort
                       THEN percentile_cont(m.cap_percentile) WITHIN GROUP (ORDER BY a1)
                       ELSE max(a1) END, 0) AS cap_a1,
         coalesce(CASE WHEN count(a2) >= m.cap_min_cohort
                       THEN percentile_cont(m.cap_percentile) WITHIN GROUP (ORDER BY a2)
                       ELSE max(a2) END, 0) AS cap_a2,
         coalesce(CASE WHEN count(b1) >= m.cap_min_cohort
                       THEN percentile_cont(m.cap_percentile) WITHIN GROUP (ORDER BY b1)
                       ELSE max(b1) END, 0) AS cap_b1
  FROM cohort CROSS JOIN model m
  GROUP BY m.cap_min_cohort, m.cap_percentile
),
-- =============================================================================================
-- Normalise (missing = 0), clamp to [0, 1]. (NULL = missing is tested explicitly: GREATEST and
-- LEAST ignore NULL arguments.)
-- =============================================================================================
normalised AS (
  SELECT r.product_id, r.submitted_at_unix_ms, r.eligible,
         CASE WHEN r.a1 IS NULL OR NOT c.cap_a1 > 0 THEN 0::float8
              ELSE greatest(0::float8, least(1::float8, least(r.a1, c.cap_a1) / c.cap_a1)) END AS n_a1,
         CASE WHEN NOT c.cap_a2 > 0 THEN 0::float8
              ELSE greatest(0::float8, least(1::float8, least(r.a2, c.cap_a2) / c.cap_a2)) END AS n_a2,
         0::float8 AS n_a3,
         CASE WHEN NOT c.cap_b1 > 0 THEN 0::float8
              ELSE greatest(0::float8, least(1::float8, least(r.b1, c.cap_b1) / c.cap_b1)) END AS n_b1,
         0::float8 AS n_b2,
         greatest(0::float8, least(1::float8, r.b3)) AS n_b3,
         CASE WHEN r.b4_n IS NULL THEN 0::float8
              ELSE greatest(0::float8, least(1::float8, r.b4_n)) END AS n_b4,
         CASE WHEN r.b5 IS NULL THEN 0::float8
              ELSE greatest(0::float8, least(1::float8,
                     (r.b5 - m.b5_zero_at) / (m.b5_one_at - m.b5_zero_at))) END AS n_b5,
         greatest(0::float8, least(1::float8, CASE WHEN r.c1_points_max > 0
                                                  THEN r.c1_points / r.c1_points_max ELSE 0 END)) AS n_c1,
         CASE WHEN r.c2 IS NULL THEN 0::float8
              ELSE greatest(0::float8, least(1::float8,
                     (r.c2 - m.c2_zero_at) / (m.c2_one_at - m.c2_zero_at))) END AS n_c2,
         0::float8 AS n_c3,
         0::float8 AS n_c4,
         CASE WHEN r.d1 IS NULL THEN 0::float8
              ELSE greatest(0::float8, least(1::float8,
                     (r.d1 - m.d1_zero_at) / (m.d1_one_at - m.d1_zero_at))) END AS n_d1,
         0::float8 AS n_d2,
         greatest(0::float8, least(1::float8, r.d3)) AS n_d3,
         0::float8 AS n_d4
  FROM raw r CROSS JOIN caps c CROSS JOIN model m
),
-- Pillars and total: sums in the model's indicator order, as the engine adds them.
scored AS (
  SELECT n.*,
         0 + m.w_a1 * n.n_a1 + m.w_a2 * n.n_a2 + m.w_a3 * n.n_a3 AS pillar_a,
         0 + m.w_c1 * n.n_c1 + m.w_c2 * n.n_c2 + m.w_c3 * n.n_c3 + m.w_c4 * n.n_c4 AS pillar_c,
         0 + m.w_a1 * n.n_a1 + m.w_a2 * n.n_a2 + m.w_a3 * n.n_a3
           + m.w_b1 * n.n_b1 + m.w_b2 * n.n_b2 + m.w_b3 * n.n_b3 + m.w_b4 * n.n_b4 + m.w_b5 * n.n_b5
           + m.w_c1 * n.n_c1 + m.w_c2 * n.n_c2 + m.w_c3 * n.n_c3 + m.w_c4 * n.n_c4
           + m.w_d1 * n.n_d1 + m.w_d2 * n.n_d2 + m.w_d3 * n.n_d3 + m.w_d4 * n.n_d4 AS total
  FROM normalised n CROSS JOIN model m
),
judged AS (
  SELECT s.*,
         CASE WHEN s.total + m.eps >= m.stars5_min AND s.total <= m.stars5_max + m.eps THEN 5
              WHEN s.total + m.eps >= m.stars4_min AND s.total + m.eps < m.stars5_min THEN 4
              WHEN s.total + m.eps >= m.stars3_min AND s.total + m.eps < m.stars4_min THEN 3
              WHEN s.total + m.eps >= m.stars2_min AND s.total + m.eps < m.stars3_min THEN 2
              WHEN s.total + m.eps >= 0 AND s.total + m.eps < m.stars2_min THEN 1
              ELSE 0 END AS stars,
         (s.total + m.eps >= m.floor_total
          AND s.pillar_a + m.eps >= m.floor_a_fraction * (m.w_a1 + m.w_a2 + m.w_a3)
          AND s.pillar_c + m.eps >= m.floor_c_fraction * (m.w_c1 + m.w_c2 + m.w_c3 + m.w_c4))
           AS floors_passed,
         -- Submission time tie-break: unknown (0) sorts last.
         CASE WHEN s.submitted_at_unix_ms > 0 THEN s.submitted_at_unix_ms
              ELSE 9223372036854775807 END AS submitted_key
  FROM scored s CROSS JOIN model m
),
-- =============================================================================================
-- Order (engine RanksBefore): total desc, then pillar C desc, pillar A desc, D2 n desc (always 0
-- here, so skipped), earlier submission (0 = unknown = last), product_id (bytewise). Values
-- within 1e-9 count as equal: a run of values whose consecutive gaps are <= eps forms one tie
-- group, inside which the next key decides (each lag and its running count use the same total
-- order). This is the engine's order whenever such a run is at most 1e-9 wide; for wider chains
-- the engine's comparator is not transitive and its std::sort result is unspecified. Ranked
-- (eligible, floors passed) and other products are ordered separately, ranked first.
-- =============================================================================================
tie_total AS (
  SELECT j.*, (j.eligible AND j.floors_passed) AS ranked,
         lag(j.total) OVER (PARTITION BY (j.eligible AND j.floors_passed)
                            ORDER BY j.total DESC, j.product_id COLLATE "C") AS prev_total
  FROM judged j
),
group_total AS (
  SELECT t.*,
         count(*) FILTER (WHERE t.prev_total - t.total > m.eps)
           OVER (PARTITION BY t.ranked ORDER BY t.total DESC, t.product_id COLLATE "C"
                 ROWS UNBOUNDED PRECEDING) AS g_total
  FROM tie_total t CROSS JOIN model m
),
tie_c AS (
  SELECT g.*,
         lag(g.pillar_c) OVER (PARTITION BY g.ranked, g.g_total
                         ORDER BY g.pillar_c DESC, g.product_id COLLATE "C") AS prev_c
  FROM group_total g
),
group_c AS (
  SELECT t.*,
         count(*) FILTER (WHERE t.prev_c - t.pillar_c > m.eps)
           OVER (PARTITION BY t.ranked, t.g_total ORDER BY t.pillar_c DESC, t.product_id COLLATE "C"
                 ROWS UNBOUNDED PRECEDING)
           AS g_c
  FROM tie_c t CROSS JOIN model m
),
tie_a AS (
  SELECT g.*,
         lag(g.pillar_a) OVER (PARTITION BY g.ranked, g.g_total, g.g_c
                         ORDER BY g.pillar_a DESC, g.product_id COLLATE "C") AS prev_a
  FROM group_c g
),
group_a AS (
  SELECT t.*,
         count(*) FILTER (WHERE t.prev_a - t.pillar_a > m.eps)
           OVER (PARTITION BY t.ranked, t.g_total, t.g_c ORDER BY t.pillar_a DESC, t.product_id COLLATE "C"
                 ROWS UNBOUNDED PRECEDING) AS g_a
  FROM tie_a t CROSS JOIN model m
),
ordered AS (
  SELECT g.*,
         row_number() OVER (PARTITION BY g.ranked
                            ORDER BY g.g_total, g.g_c, g.g_a, g.submitted_key,
                                     g.product_id COLLATE "C") AS position
  FROM group_a g
)
SELECT o.product_id,
       o.total,
       o.stars,
       o.eligible,
       o.floors_passed,
       (CASE WHEN o.ranked THEN o.position ELSE 0 END)::int AS rank,
       o.n_a1, o.n_a2, o.n_b1, o.n_b3, o.n_b4, o.n_b5, o.n_c1, o.n_c2, o.n_d1, o.n_d3
FROM ordered o
ORDER BY o.ranked DESC, o.position, o.product_id COLLATE "C";
