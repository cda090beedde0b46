import type { Kysely } from "kysely";
import { runStatements } from "./util";

/*
 * Share capital. The ledger (share_transactions) is append-only and the only
 * way a holding changes: a trigger applies each INSERT's rows to the holdings
 * projection (share_holdings) in the same statement, so the projection can
 * never drift from the ledger, and the CHECKs on share_holdings (never
 * negative, never above the class maximum) hold for every writer, also for
 * concurrent ones (the holding row is locked by the UPDATE).
 */
export async function up(db: Kysely<any>) {
  await runStatements(db, `
CREATE TABLE share_classes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisations(id),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  par_value bigint NOT NULL CHECK (par_value > 0),
  min_holding integer NOT NULL DEFAULT 1 CHECK (min_holding >= 0),
  max_holding_value bigint CHECK (max_holding_value IS NULL OR max_holding_value > 0),
  withdrawable boolean NOT NULL DEFAULT true,
  transferable boolean NOT NULL DEFAULT false,
  notice_days integer NOT NULL DEFAULT 90 CHECK (notice_days BETWEEN 0 AND 3650),
  interest_rate_bp integer NOT NULL DEFAULT 0 CHECK (interest_rate_bp BETWEEN 0 AND 10000),
  voting text NOT NULL DEFAULT 'one-member-one-vote' CHECK (voting IN ('one-member-one-vote','weighted')),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organisation_id, id),
  UNIQUE (organisation_id, name)
)
;
CREATE TABLE share_holdings (
  organisation_id uuid NOT NULL,
  member_id uuid NOT NULL,
  class_id uuid NOT NULL,
  shares bigint NOT NULL DEFAULT 0 CHECK (shares >= 0),
  value bigint NOT NULL DEFAULT 0 CHECK (value >= 0),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organisation_id, member_id, class_id),
  FOREIGN KEY (organisation_id, member_id) REFERENCES members(organisation_id, id),
  FOREIGN KEY (organisation_id, class_id) REFERENCES share_classes(organisation_id, id)
)
;
CREATE INDEX share_holdings_class_idx ON share_holdings (organisation_id, class_id)
;
CREATE TABLE share_transactions (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organisation_id uuid NOT NULL,
  member_id uuid NOT NULL,
  class_id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('purchase','withdrawal','transfer_in','transfer_out','interest_shares','bonus','forfeit','reversal')),
  shares integer NOT NULL CHECK (shares >= 0),
  amount bigint NOT NULL CHECK (amount >= 0),
  effective_on date NOT NULL,
  method text NOT NULL DEFAULT '' CHECK (method IN ('','cash','cheque','bank_transfer','card','import','interest','transfer','withdrawal','admission')),
  reference text NOT NULL DEFAULT '' CHECK (length(reference) <= 200),
  reverses_id bigint UNIQUE REFERENCES share_transactions(id),
  recorded_by uuid REFERENCES users(id),
  recorded_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((kind = 'reversal') = (reverses_id IS NOT NULL)),
  CHECK (shares > 0 OR amount > 0),
  UNIQUE (organisation_id, id),
  FOREIGN KEY (organisation_id, member_id) REFERENCES members(organisation_id, id),
  FOREIGN KEY (organisation_id, class_id) REFERENCES share_classes(organisation_id, id)
)
;
CREATE INDEX share_transactions_member_idx ON share_transactions (organisation_id, member_id, effective_on)
;
CREATE INDEX share_transactions_date_idx ON share_transactions (organisation_id, effective_on)
;
CREATE TRIGGER share_transactions_append_only BEFORE UPDATE OR DELETE ON share_transactions
  FOR EACH ROW EXECUTE FUNCTION forbid_change()
;
CREATE FUNCTION apply_share_transactions() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  bad record;
BEGIN
  -- Set-based (one run per INSERT statement, over its transition table), so a
  -- bulk import of 100,000 rows costs a few joins, not 100,000 trigger calls.
  SELECT n.id INTO bad
    FROM new_rows n
    LEFT JOIN share_transactions o ON o.organisation_id = n.organisation_id AND o.id = n.reverses_id
   WHERE n.kind = 'reversal'
     AND (o.id IS NULL OR o.kind = 'reversal' OR o.member_id <> n.member_id OR o.class_id <> n.class_id
          OR o.shares <> n.shares OR o.amount <> n.amount OR o.effective_on > n.effective_on)
   LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'check_violation', MESSAGE = 'a reversal must exactly cancel an earlier row of the same holding';
  END IF;
  -- Shares are whole and fully paid: the amount is exactly shares x par value.
  SELECT n.amount, n.shares, c.par_value INTO bad
    FROM new_rows n JOIN share_classes c ON c.organisation_id = n.organisation_id AND c.id = n.class_id
   WHERE n.kind NOT IN ('reversal','bonus') AND n.amount <> n.shares::bigint * c.par_value
   LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'check_violation', MESSAGE = format('amount %s is not %s shares at par %s', bad.amount, bad.shares, bad.par_value);
  END IF;
  SELECT m.status INTO bad
    FROM new_rows n JOIN members m ON m.organisation_id = n.organisation_id AND m.id = n.member_id
   WHERE n.kind IN ('purchase','transfer_in') AND m.status IN ('suspended','ceased')
   LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'check_violation', MESSAGE = format('a %s member cannot acquire shares', bad.status);
  END IF;
  INSERT INTO share_holdings (organisation_id, member_id, class_id)
  SELECT DISTINCT organisation_id, member_id, class_id FROM new_rows
  ON CONFLICT DO NOTHING;
  -- The UPDATE locks each holding row, so concurrent writers queue, and the
  -- CHECKs on share_holdings refuse a holding that would go negative.
  WITH signed AS (
    SELECT n.organisation_id, n.member_id, n.class_id, n.shares, n.amount,
           CASE WHEN coalesce(o.kind, n.kind) IN ('purchase','transfer_in','interest_shares','bonus') THEN 1 ELSE -1 END
             * CASE WHEN n.kind = 'reversal' THEN -1 ELSE 1 END AS dir
      FROM new_rows n
      LEFT JOIN share_transactions o ON o.organisation_id = n.organisation_id AND o.id = n.reverses_id
  ), delta AS (
    SELECT organisation_id, member_id, class_id, sum(dir * shares) AS shares, sum(dir * amount) AS value
      FROM signed GROUP BY organisation_id, member_id, class_id
  )
  UPDATE share_holdings h
     SET shares = h.shares + d.shares, value = h.value + d.value, updated_at = now()
    FROM delta d
   WHERE h.organisation_id = d.organisation_id AND h.member_id = d.member_id AND h.class_id = d.class_id;
  SELECT h.value, c.max_holding_value INTO bad
    FROM (SELECT DISTINCT organisation_id, member_id, class_id FROM new_rows) n
    JOIN share_holdings h ON h.organisation_id = n.organisation_id AND h.member_id = n.member_id AND h.class_id = n.class_id
    JOIN share_classes c ON c.organisation_id = n.organisation_id AND c.id = n.class_id
   WHERE c.max_holding_value IS NOT NULL AND h.value > c.max_holding_value
     AND EXISTS (SELECT 1 FROM new_rows x WHERE x.organisation_id = n.organisation_id AND x.member_id = n.member_id AND x.class_id = n.class_id
                   AND x.kind IN ('purchase','transfer_in','interest_shares','bonus'))
   LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'check_violation', MESSAGE = format('holding of %s would exceed the class maximum of %s', bad.value, bad.max_holding_value);
  END IF;
  RETURN NULL;
END
$fn$
;
CREATE TRIGGER share_transactions_apply AFTER INSERT ON share_transactions
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION apply_share_transactions()
;
CREATE INDEX members_register_name_idx ON members (organisation_id, (lower(name) COLLATE "C"), member_number)
;
CREATE TABLE share_certificates (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL,
  number integer NOT NULL CHECK (number > 0),
  member_id uuid NOT NULL,
  class_id uuid NOT NULL,
  shares bigint NOT NULL CHECK (shares > 0),
  issued_on date NOT NULL,
  cancelled_on date,
  replaced_by integer,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organisation_id, number),
  UNIQUE (organisation_id, id),
  CHECK (cancelled_on IS NULL OR cancelled_on >= issued_on),
  FOREIGN KEY (organisation_id, member_id) REFERENCES members(organisation_id, id),
  FOREIGN KEY (organisation_id, class_id) REFERENCES share_classes(organisation_id, id)
)
;
CREATE UNIQUE INDEX share_certificates_current_idx ON share_certificates (organisation_id, member_id, class_id) WHERE cancelled_on IS NULL
;
CREATE TABLE share_applications (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL,
  member_id uuid NOT NULL,
  class_id uuid NOT NULL,
  shares integer NOT NULL CHECK (shares > 0),
  declarations text[] NOT NULL DEFAULT '{}',
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','admitted','declined')),
  applied_on date NOT NULL,
  decided_on date,
  decided_by uuid REFERENCES users(id),
  decline_reason text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organisation_id, id),
  CHECK ((status = 'pending') = (decided_on IS NULL)),
  CHECK (status <> 'declined' OR length(decline_reason) > 0),
  FOREIGN KEY (organisation_id, member_id) REFERENCES members(organisation_id, id),
  FOREIGN KEY (organisation_id, class_id) REFERENCES share_classes(organisation_id, id)
)
;
CREATE INDEX share_applications_status_idx ON share_applications (organisation_id, status, applied_on)
;
CREATE TABLE withdrawal_requests (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL,
  member_id uuid NOT NULL,
  class_id uuid NOT NULL,
  shares integer NOT NULL CHECK (shares > 0),
  amount bigint NOT NULL CHECK (amount > 0),
  leaving boolean NOT NULL DEFAULT false,
  requested_on date NOT NULL,
  due_on date NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','paid','cancelled')),
  paid_on date,
  transaction_id bigint UNIQUE,
  requested_by uuid REFERENCES users(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organisation_id, id),
  CHECK (due_on >= requested_on),
  CHECK ((status = 'paid') = (paid_on IS NOT NULL AND transaction_id IS NOT NULL)),
  FOREIGN KEY (organisation_id, member_id) REFERENCES members(organisation_id, id),
  FOREIGN KEY (organisation_id, class_id) REFERENCES share_classes(organisation_id, id),
  FOREIGN KEY (organisation_id, transaction_id) REFERENCES share_transactions(organisation_id, id)
)
;
CREATE INDEX withdrawal_requests_queue_idx ON withdrawal_requests (organisation_id, status, requested_on)
;
CREATE TABLE withdrawal_suspensions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisations(id),
  class_id uuid,
  from_on date NOT NULL,
  until_on date,
  reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 1000),
  recorded_by uuid REFERENCES users(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (until_on IS NULL OR until_on >= from_on),
  FOREIGN KEY (organisation_id, class_id) REFERENCES share_classes(organisation_id, id)
)
;
CREATE TABLE share_transfers (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL,
  class_id uuid NOT NULL,
  from_member_id uuid NOT NULL,
  to_member_id uuid NOT NULL,
  shares integer NOT NULL CHECK (shares > 0),
  requested_on date NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','approved','rejected')),
  decided_on date,
  decided_by uuid REFERENCES users(id),
  note text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organisation_id, id),
  CHECK (from_member_id <> to_member_id),
  FOREIGN KEY (organisation_id, from_member_id) REFERENCES members(organisation_id, id),
  FOREIGN KEY (organisation_id, to_member_id) REFERENCES members(organisation_id, id),
  FOREIGN KEY (organisation_id, class_id) REFERENCES share_classes(organisation_id, id)
)
;
CREATE TABLE payments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL,
  member_id uuid NOT NULL,
  class_id uuid NOT NULL,
  shares integer NOT NULL CHECK (shares > 0),
  amount bigint NOT NULL CHECK (amount > 0),
  method text NOT NULL CHECK (method IN ('card')),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','paid','failed')),
  idempotency_key text NOT NULL UNIQUE,
  stripe_session_id text UNIQUE,
  checkout_url text,
  transaction_id bigint UNIQUE,
  failure text NOT NULL DEFAULT '',
  created_by uuid REFERENCES users(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  paid_at timestamptz,
  UNIQUE (organisation_id, id),
  FOREIGN KEY (organisation_id, member_id) REFERENCES members(organisation_id, id),
  FOREIGN KEY (organisation_id, class_id) REFERENCES share_classes(organisation_id, id),
  FOREIGN KEY (organisation_id, transaction_id) REFERENCES share_transactions(organisation_id, id)
)
;
CREATE TABLE stripe_events (
  id text PRIMARY KEY,
  type text NOT NULL,
  payload text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  processed_at timestamptz,
  outcome text NOT NULL DEFAULT ''
)
;
CREATE TABLE interest_runs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL,
  class_id uuid NOT NULL,
  period_from date NOT NULL,
  period_to date NOT NULL,
  rate_bp integer NOT NULL CHECK (rate_bp >= 0),
  rounding text NOT NULL,
  pay_as text NOT NULL CHECK (pay_as IN ('cash','shares')),
  status text NOT NULL DEFAULT 'preview' CHECK (status IN ('preview','approved','posted')),
  total_interest bigint NOT NULL CHECK (total_interest >= 0),
  created_by uuid REFERENCES users(id),
  approved_by uuid REFERENCES users(id),
  posted_on date,
  method text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organisation_id, id),
  CHECK (period_to >= period_from),
  CHECK ((status = 'posted') = (posted_on IS NOT NULL)),
  FOREIGN KEY (organisation_id, class_id) REFERENCES share_classes(organisation_id, id)
)
;
CREATE TABLE interest_lines (
  organisation_id uuid NOT NULL,
  run_id uuid NOT NULL,
  member_id uuid NOT NULL,
  average_balance bigint NOT NULL,
  interest bigint NOT NULL CHECK (interest >= 0),
  shares_credited integer NOT NULL DEFAULT 0 CHECK (shares_credited >= 0),
  cash bigint NOT NULL DEFAULT 0 CHECK (cash >= 0),
  explain text NOT NULL DEFAULT '',
  PRIMARY KEY (organisation_id, run_id, member_id),
  FOREIGN KEY (organisation_id, run_id) REFERENCES interest_runs(organisation_id, id),
  FOREIGN KEY (organisation_id, member_id) REFERENCES members(organisation_id, id)
)
`);
}
