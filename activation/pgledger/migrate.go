package pgledger

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// SchemaVersion is the version of the tables this package reads and writes:
// the number of migrations it knows. [Migrate] brings a database up to it;
// [New] and [Open] refuse a database whose schema is newer.
const SchemaVersion = 5

// ErrSchemaTooNew means the database was migrated by a newer release of this
// package than the running one: its tables may hold what this code cannot
// read. Upgrade the program; never downgrade the schema by hand.
var ErrSchemaTooNew = errors.New("pgledger: the database schema is newer than this program")

// ErrSchemaTooOld means the database has not been migrated to
// [SchemaVersion]; run [Migrate] (or [Open], which migrates).
var ErrSchemaTooOld = errors.New("pgledger: the database schema is older than this program: run Migrate")

// migrationLock is the first key of the advisory lock that serialises
// migrations; the second is the hash of the schema they run in.
const migrationLock = 0x636f7465 // "cote"

// migrations are applied in order, each once, in one transaction; the
// version of a database is how many have been applied. Never edit one that
// has been released: append a new one.
var migrations = []string{
	// 1: the records and the spent keys, in one table.
	`CREATE TABLE coterm_records (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant       text COLLATE "C" NOT NULL,
    product      text COLLATE "C" NOT NULL,
    seq          bigint,
    key_tail     text,
    fingerprint  bytea,
    operation    text NOT NULL,
    applied      text NOT NULL,
    day          date,
    seats_before bigint NOT NULL,
    end_before   date,
    seats_after  bigint NOT NULL,
    end_after    date,
    policy       text NOT NULL,
    recorded_at  timestamptz NOT NULL,
    record       bytea NOT NULL,
    CONSTRAINT coterm_records_fingerprint_key UNIQUE (fingerprint),
    CONSTRAINT coterm_records_place_key UNIQUE (tenant, product, seq),
    CONSTRAINT coterm_records_seq_check CHECK (seq > 0),
    CONSTRAINT coterm_records_fingerprint_check CHECK (octet_length(fingerprint) = 32)
);
COMMENT ON TABLE coterm_records IS 'coterm: every record of every subscription, and every spent product key (append-only)';
COMMENT ON COLUMN coterm_records.seq IS 'place in the subscription''s history, 1, 2, 3, ...; NULL for a key claimed outside a book';
COMMENT ON COLUMN coterm_records.fingerprint IS 'SHA-256 of the product key; NULL for an import';
COMMENT ON COLUMN coterm_records.record IS 'the lossless record (activation.Record.MarshalBinary)';
CREATE INDEX coterm_records_due ON coterm_records (end_after, tenant, product, seq) WHERE seq IS NOT NULL;
CREATE FUNCTION coterm_records_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'coterm_records is append-only: % refused', TG_OP;
END $$;
CREATE TRIGGER coterm_records_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON coterm_records
    FOR EACH STATEMENT EXECUTE FUNCTION coterm_records_append_only();`,
	// 2: the places in byte order of (tenant, product), each history's
	// head first, for listing the heads a page at a time (HeadsAfter).
	`CREATE INDEX coterm_records_heads ON coterm_records (tenant COLLATE "C", product COLLATE "C", seq DESC) WHERE seq IS NOT NULL;`,
	// 3: a replacement (R12) names the key it replaces, and claims it once.
	`ALTER TABLE coterm_records
    ADD COLUMN replaces_tail text,
    ADD COLUMN replacement_claim bytea,
    ADD CONSTRAINT coterm_records_replacement_claim_key UNIQUE (replacement_claim),
    ADD CONSTRAINT coterm_records_replacement_claim_check CHECK (octet_length(replacement_claim) = 32);
COMMENT ON COLUMN coterm_records.replaces_tail IS 'a replacement: the last five characters of the key it replaces; NULL otherwise';
COMMENT ON COLUMN coterm_records.replacement_claim IS 'a replacement: SHA-256 claim on the key it replaces (activation.Record.ReplacementClaim), so a key is replaced once; NULL otherwise';`,
	// 4: what a person asks in psql: the key's seats and the explanation.
	`ALTER TABLE coterm_records ADD COLUMN key_seats bigint, ADD COLUMN explanation text;
COMMENT ON COLUMN coterm_records.key_seats IS 'the product key''s seats; NULL for an import, and for rows written before this column';
COMMENT ON COLUMN coterm_records.explanation IS 'activation.Outcome.Explain: why the end date moved (never a key); NULL for rows written before this column';`,
	// 5: a place holds a subscription's history or a chain of changes that
	// another package keeps (activation.ChangeRecord); the index of Heads
	// (Due) holds subscription records only.
	`ALTER TABLE coterm_records
    ADD COLUMN kind smallint NOT NULL DEFAULT 0,
    ADD COLUMN change text,
    ADD CONSTRAINT coterm_records_kind_check CHECK (kind IN (0, 1)
        AND (kind = 1) = (substring(record FROM 1 FOR 1) = decode('03', 'hex'))
        AND (kind = 1) = (change IS NOT NULL));
COMMENT ON COLUMN coterm_records.kind IS '0: a subscription''s record or a key claimed outside a book; 1: a change of a chain another package keeps (activation.ChangeRecord, the record''s encoding version 3). A place holds records of one kind';
COMMENT ON COLUMN coterm_records.change IS 'a change record: the change as the package that keeps its chain encodes it (activation.Record.Change, such as JSON; explanation holds its Note); NULL otherwise';
DROP INDEX coterm_records_due;
CREATE INDEX coterm_records_due ON coterm_records (end_after, tenant, product, seq) WHERE seq IS NOT NULL AND kind = 0;`,
}

// Migrate creates or upgrades this package's tables in the first schema of
// the pool's search path, for those who run migrations as a step of their
// own. It runs in one transaction, at READ COMMITTED whatever the server's
// default, under pg_advisory_xact_lock, so that any number of instances may
// call it (or [Open]) at once on an empty database: one migrates, the
// others wait for it and then find nothing to do. It fails with
// [ErrSchemaTooNew] if the database is newer than this package.
func Migrate(ctx context.Context, pool *pgxpool.Pool) error {
	if pool == nil {
		return errors.New("pgledger: migrate: nil pool")
	}
	return wrap("migrate", runMigrations(ctx, pool))
}

func runMigrations(ctx context.Context, pool *pgxpool.Pool) error {
	return retry(ctx, func() error {
		return pgx.BeginTxFunc(ctx, pool, pgx.TxOptions{IsoLevel: pgx.ReadCommitted}, func(tx pgx.Tx) error {
			return migrate(ctx, tx)
		})
	})
}

func migrate(ctx context.Context, tx pgx.Tx) error {
	// A session lock taken through a pool lands on an arbitrary connection;
	// the transaction's lock goes with the transaction.
	if _, err := tx.Exec(ctx, sqlMigrationLock); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, sqlMigrationsTable); err != nil {
		return err
	}
	v, err := schemaVersion(ctx, tx)
	if err != nil {
		return err
	}
	if v > SchemaVersion {
		return fmt.Errorf("%w (database version %d, this program knows %d)", ErrSchemaTooNew, v, SchemaVersion)
	}
	for i := v; i < SchemaVersion; i++ {
		if _, err := tx.Exec(ctx, migrations[i]); err != nil {
			return fmt.Errorf("migration %d: %w", i+1, err)
		}
		if _, err := tx.Exec(ctx, versionSQL(i+1)); err != nil {
			return err
		}
	}
	return nil
}

type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func schemaVersion(ctx context.Context, q querier) (int, error) {
	var v int
	err := q.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM coterm_migrations`).Scan(&v)
	return v, err
}

// checkSchema returns nil if the database's schema is SchemaVersion.
func checkSchema(ctx context.Context, pool *pgxpool.Pool) error {
	var exists bool
	var v int
	err := retry(ctx, func() error {
		if err := pool.QueryRow(ctx, `SELECT to_regclass('coterm_migrations') IS NOT NULL`).Scan(&exists); err != nil || !exists {
			return err
		}
		var err error
		v, err = schemaVersion(ctx, pool)
		return err
	})
	switch {
	case err != nil:
		return wrap("check the schema", err)
	case v > SchemaVersion:
		return fmt.Errorf("%w (database version %d, this program knows %d)", ErrSchemaTooNew, v, SchemaVersion)
	case v < SchemaVersion:
		return fmt.Errorf("%w (database version %d, this program needs %d)", ErrSchemaTooOld, v, SchemaVersion)
	}
	return nil
}
