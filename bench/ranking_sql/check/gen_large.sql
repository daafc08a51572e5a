-- Synthetic benchmark-sized data generated inside PostgreSQL (for plans and timings only; the
-- values are plausible, not realistic). Run after schema.sql, then indexes.sql:
--   psql -v products=30000 -v first_month=2016-01-01 -v months=120 -f check/gen_large.sql
-- Defaults: 30,000 products in 600 UPTs, 120 months from 2016-01; each product starts in one of
-- the first 40 months; per active product-month ~3.4 batches (batch_rate), ~1.7 sales
-- (sale_rate) and 0.9 labour reports: about 10 M batches, 5 M sales, 3 M labour rows; a few
-- certifications and trainings per product. Rows are written product by product (the heap
-- is clustered by product, not by date: the pessimistic layout for period scans).
\set ON_ERROR_STOP 1
\if :{?products} \else \set products 30000 \endif
\if :{?first_month} \else \set first_month 2016-01-01 \endif
\if :{?months} \else \set months 120 \endif
\if :{?batch_rate} \else \set batch_rate 3.4 \endif
\if :{?sale_rate} \else \set sale_rate 1.7 \endif
\o /dev/null
SELECT setseed(0.42);
\o

INSERT INTO upts
SELECT 'U' || lpad(i::text, 3, '0'),
       (ARRAY['LAPAS', 'LAPAS', 'LAPAS', 'RUTAN', 'RUTAN', 'LPKA'])[1 + i % 6],
       i % 50 <> 7
FROM generate_series(0, 599) i;

INSERT INTO products
SELECT 'P' || lpad(i::text, 6, '0'),
       'U' || lpad((i % 600)::text, 3, '0'),
       (ARRAY['PANGAN_OLAHAN', 'MINUMAN', 'HERBAL_NONPANGAN', 'TEKSTIL_KONVEKSI', 'KERAJINAN',
              'MEBEL_LOGAM', 'BAHAN_BANGUNAN', 'PERTANIAN', 'PETERNAKAN', 'PERIKANAN',
              'JASA'])[1 + (i * 7) % 11],
       CASE WHEN i % 10 = 0 THEN NULL
            ELSE :'first_month'::date + (random() * 30 * (:months + 6))::int END,
       i % 13 <> 0,
       CASE WHEN i % 17 = 0 THEN 0 ELSE 1600000000000 + i * 1000 END
FROM generate_series(0, :products - 1) i;

-- Product-months with activity (a product is active from a random month on; quality in [0, 1)
-- drives rejects, local inputs, channels, regions and verification).
CREATE TEMP TABLE pm AS
SELECT p.product_id, m::date AS month, h.q AS quality
FROM products p
CROSS JOIN LATERAL (SELECT random() + 0 * length(p.product_id) AS q,   -- per product (refers to p)
                          (random() * least(40, :months / 3) + 0 * length(p.product_id))::int AS start) h
CROSS JOIN LATERAL generate_series(:'first_month'::date + make_interval(months => h.start),
                                   :'first_month'::date + make_interval(months => :months - 1),
                                   interval '1 month') m;

INSERT INTO batches
SELECT 'B' || row_number() OVER (), pm.product_id,
       pm.month + (random() * 27)::int,
       round((random() * 200)::numeric, 2)::float8 AS qty,
       round((random() * 10 * (1 - pm.quality))::numeric, 2)::float8,
       round((random() * 60)::numeric, 1)::float8,
       (random() * 5e6)::bigint,
       ic, (ic * random() * pm.quality * 1.2)::bigint % (ic + 1)
FROM pm
CROSS JOIN LATERAL generate_series(1, (random() * 2 * :batch_rate + 0 * length(pm.product_id))::int) k
CROSS JOIN LATERAL (SELECT (random() * 4e6 + 0 * k)::bigint AS ic) c;

INSERT INTO sales
SELECT 'S' || row_number() OVER (), pm.product_id,
       pm.month + (random() * 27)::int,
       round((random() * 40)::numeric, 1)::float8,
       (random() * 3e6)::bigint,
       (ARRAY['UNSPECIFIED', 'VISITOR_COUNTER', 'STAFF_ODOPP', 'KANWIL_GALLERY', 'EXHIBITION',
              'CONSIGNMENT_SHOP', 'MARKETPLACE', 'SOCIAL_MEDIA', 'E_KATALOG',
              'INSTITUTIONAL_B2B', 'NATIONAL_UMKM_HUB'])[1 + (random() * 10 * pm.quality)::int],
       (ARRAY['UNSPECIFIED', 'SAME_REGENCY', 'SAME_PROVINCE', 'OUT_OF_PROVINCE',
              'ABROAD'])[1 + (random() * 4 * pm.quality)::int]
FROM pm
CROSS JOIN LATERAL generate_series(1, (random() * 2 * :sale_rate + 0 * length(pm.product_id))::int) k;

INSERT INTO labour
SELECT 'L' || row_number() OVER (), pm.product_id, pm.month,
       greatest(1, (random() * 20)::int), false, random() < 0.6 + pm.quality * 0.45
FROM pm
WHERE random() < 0.9;

INSERT INTO certifications
SELECT 'C' || row_number() OVER (), x.product_id,
       (ARRAY['SPP_IRT', 'BPOM_MD', 'HALAL', 'MEREK', 'NIB', 'SNI', 'PKRT', 'OTHER'])[1 + (random() * 7)::int],
       CASE WHEN random() < 0.5 THEN 'IDM' ELSE 'DID' END || x.k,
       x.d, CASE WHEN random() < 0.4 THEN NULL ELSE x.d + (random() * 3000)::int END
FROM (SELECT p.product_id, k, :'first_month'::date + (random() * 30 * :months)::int AS d
      FROM products p CROSS JOIN generate_series(1, 4) k) x;   -- volatile: not flattened

INSERT INTO trainings
SELECT 'T' || row_number() OVER (), x.product_id, x.d,
       CASE WHEN random() < 0.2 THEN NULL ELSE x.d + (random() * 90)::int END,
       30, 20, (random() * 20)::int,
       (ARRAY['NONE', 'ATTENDANCE', 'BNSP_COMPETENCY'])[1 + (random() * 2)::int]
FROM (SELECT p.product_id, k, :'first_month'::date + (random() * 30 * :months)::int AS d
      FROM products p CROSS JOIN generate_series(1, 2) k) x;

DROP TABLE pm;
