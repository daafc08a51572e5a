-- Raw data for the SPUP ranking benchmark (PostgreSQL 15), and one helper aggregate. See
-- ranking.sql for how each column is used. No indexes here: load with COPY ... WITH (FORMAT csv) (no header, columns in the order
-- below), then run indexes.sql.
--
-- Enum-valued columns hold the proto enum name without its prefix:
--   upts.upt_type          registry type: LAPAS, RUTAN, LPKA, ...
--   products.category      node.v1.Category without "CATEGORY_"            (PANGAN_OLAHAN, JASA, ...)
--   sales.channel          node.v1.Channel without "CHANNEL_"              (MARKETPLACE, UNSPECIFIED, ...)
--   sales.buyer_region     node.v1.BuyerRegion without "BUYER_REGION_"     (SAME_REGENCY, ..., UNSPECIFIED)
--   certifications.type    node.v1.CertificationType without "CERTIFICATION_TYPE_" (SPP_IRT, BPOM_MD, ...)
--   trainings.certificate_scheme  without "CERTIFICATE_SCHEME_"            (NONE, ATTENDANCE, BNSP_COMPETENCY)

DROP TABLE IF EXISTS labour;
DROP TABLE IF EXISTS trainings;
DROP TABLE IF EXISTS certifications;
DROP TABLE IF EXISTS sales;
DROP TABLE IF EXISTS batches;
DROP TABLE IF EXISTS products;
DROP TABLE IF EXISTS upts;
DROP AGGREGATE IF EXISTS sum_int8(bigint);

-- Exact bigint sum returning bigint (errors on overflow), used by ranking.sql: the built-in
-- sum(bigint) returns numeric, whose per-group state and arithmetic are several times slower.
-- NULL for no rows, like sum().
CREATE AGGREGATE sum_int8(bigint) (
  SFUNC = int8pl, STYPE = bigint, COMBINEFUNC = int8pl, PARALLEL = SAFE
);

CREATE TABLE upts (
  upt_code text PRIMARY KEY,
  upt_type text NOT NULL,
  active   boolean NOT NULL
);

CREATE TABLE products (
  product_id           text PRIMARY KEY,
  upt_code             text NOT NULL,
  category             text NOT NULL,
  launch_date          date NULL,
  -- Engine G3 rule: some SKU has packaging_type != PACKAGING_TYPE_NONE, or no SKU carries
  -- packaging information at all.
  packaged             boolean NOT NULL,
  -- Product.created_at_unix_ms; only the last-but-one tie-break (0 = unknown, sorts last).
  submitted_at_unix_ms bigint NOT NULL
);

CREATE TABLE batches (
  batch_code           text NOT NULL,
  product_id           text NOT NULL,
  start_date           date NOT NULL,
  qty_produced         float8 NOT NULL,
  qty_rejected         float8 NOT NULL,
  inmate_person_days   float8 NOT NULL,
  direct_cost_idr      bigint NOT NULL,
  input_cost_idr       bigint NOT NULL,   -- sum of the batch's MaterialInput.cost_idr
  local_input_cost_idr bigint NOT NULL    -- ... of origin SAE_INTERNAL, LOCAL_FARMER, MARKET_LOCAL
);

CREATE TABLE sales (
  sale_id      text NOT NULL,
  product_id   text NOT NULL,
  sale_date    date NOT NULL,
  qty          float8 NOT NULL,
  revenue_idr  bigint NOT NULL,
  channel      text NOT NULL,
  buyer_region text NOT NULL
);

CREATE TABLE certifications (
  certification_id text NOT NULL,
  product_id       text NOT NULL,
  type             text NOT NULL,
  number           text NOT NULL,
  issued_date      date NOT NULL,
  valid_until      date NULL            -- NULL = no expiry
);

CREATE TABLE trainings (
  training_id        text NOT NULL,
  product_id         text NOT NULL,
  start_date         date NOT NULL,
  end_date           date NULL,
  participants_count int NOT NULL,
  completed_count    int NOT NULL,
  certificates_count int NOT NULL,
  certificate_scheme text NOT NULL
);

CREATE TABLE labour (
  report_id                text NOT NULL,
  product_id               text NOT NULL,
  month                    date NOT NULL,   -- first day of the month
  distinct_inmates_engaged int NOT NULL,    -- a small cell arrives as its lower bound 1
  small_cell               boolean NOT NULL,
  verified                 boolean NOT NULL -- Kanwil-verified (gate G5)
);
