// Package pgledger keeps an [activation.Book]'s journal and an
// [activation.Redeemer]'s ledger in PostgreSQL, for services that run many
// instances: a key spent stays spent across restarts and for every instance.
//
// A [Store] is both an [activation.Journal] and an [activation.Ledger], on
// one table, so it has one set of spent keys: a key claimed through a
// Redeemer cannot be redeemed through a Book, and the other way round.
//
//	store, err := pgledger.Open(ctx, "postgres://coterm@db.internal/coterm")
//	if err != nil {
//		return err
//	}
//	defer store.Close()
//	book := &activation.Book{Policy: activation.PartnerCenter(), Journal: store}
//	out, err := book.Redeem(ctx, "contoso", "M365-E3", tok, activation.AddSeats, day)
//
// # Opening
//
// [Open] connects, then creates or upgrades the tables ([Migrate]) and
// returns a Store that owns its pool. A program that builds its own
// *pgxpool.Pool (TLS, hooks, tracing) uses [New], which does not migrate:
// it runs [Migrate] as a deployment step of its own, and New checks that
// the schema is the one this package needs. The pool's size is explicit:
// [DefaultMaxConns] for Open unless the URL sets pool_max_conns (pgxpool's
// own default is 4 on most machines, which would make 64 callers queue for
// 4 connections).
//
// The tables live in the first schema of the search path; set search_path
// in the URL to use another. Migrations are numbered ([SchemaVersion]) and
// run in one transaction at READ COMMITTED under
// pg_advisory_xact_lock, so instances that call Open at once on an empty
// database all succeed. A database migrated by a newer release is refused
// with [ErrSchemaTooNew].
//
// # The table
//
// coterm_records is append-only (a trigger refuses UPDATE, DELETE and
// TRUNCATE). Each row is one record: the columns a person reads with psql,
// and the lossless record ([activation.Record.MarshalBinary]) that the
// Store reads back.
//
//	id            bigint identity primary key
//	tenant        text COLLATE "C"   -- Outcome.After.Tenant
//	product       text COLLATE "C"   -- Outcome.After.Product
//	seq           bigint             -- place in the history; NULL for a Redeemer's claim
//	key_tail      text               -- the key's last five characters; NULL for an import
//	fingerprint   bytea              -- SHA-256 of the key; NULL for an import
//	operation     text               -- add-seats, extend-end, renew, activate, import
//	applied       text               -- what the rules applied (a renewal may be an activation)
//	day           date               -- the redemption or import day
//	seats_before, end_before, seats_after, end_after
//	policy        text               -- the policy's name
//	recorded_at   timestamptz
//	record        bytea              -- the Record, lossless; never a product key
//	replaces_tail text               -- a replacement: the replaced key's last five characters
//	replacement_claim bytea          -- a replacement: activation.Record.ReplacementClaim
//	key_seats     bigint             -- the key's seats; NULL for an import (and rows before version 4)
//	explanation   text               -- Outcome.Explain(), never a key (NULL for rows before version 4)
//	kind          smallint           -- 0: a subscription's record or a claim; 1: a change (see below)
//	change        text               -- a change record's change (Record.Change); NULL for kind 0
//	UNIQUE (fingerprint)             -- one record per key: NULLs (imports) do not conflict
//	UNIQUE (replacement_claim)       -- a key is replaced once (R12), whatever the tenant
//	UNIQUE (tenant, product, seq)    -- one record per place: NULLs (claims) do not conflict
//	CHECK kind is 1 exactly when the record is a change (encoding version 3) and change is not NULL
//	INDEX (end_after, tenant, product, seq) WHERE seq IS NOT NULL AND kind = 0  -- Heads, Due
//	INDEX (tenant, product, seq DESC) WHERE seq IS NOT NULL         -- HeadsAfter (collation "C")
//
// Text columns hold the names as given; a name PostgreSQL cannot store as
// text (invalid UTF-8, NUL) is written with U+FFFD in the column of a
// Redeemer's claim and refused for a Book's record (a Book never makes one).
// A record that activation.Record.MarshalBinary refuses is refused, nothing
// stored, with its error (activation.ErrInvalid): one that holds a key, or
// whose key tail, policy, names or token's product could show one, so that
// no column and no record's bytes hold a key in any spelling.
//
// # Chains of changes
//
// A place (tenant, product) holds either a subscription's history or a
// chain of changes that another package keeps on the same machinery
// (activation.ChangeRecord, such as activation/entitlement's): kind 1, its request's fingerprint (activation.ChangeFingerprint)
// in fingerprint, so that the one unique key makes each change request
// once, its change in change, its note in explanation, "change" in
// operation and applied, day its Outcome.At, no seats, end date or key
// seats:
//
//	SELECT seq, day, change, explanation, recorded_at FROM coterm_records
//	WHERE tenant = 'contoso' AND product = 'Munich' AND kind = 1 ORDER BY seq;
//
// A record of another kind than the one before its place is refused by the
// insert itself (activation.ErrInvalid, nothing stored); of two first
// records of both kinds raced onto a fresh place, the place key keeps one
// and the other finds it taken. Heads and HeadsAfter list subscriptions
// only; Head, History and Lookup read chains of changes as they read
// histories. [Store.Verify] checks them with activation.Verifier.Changes,
// [Store.Export] and [Store.LoadRecords] carry them as they are (a chain
// whose kind changes is refused), and [Store.Load] refuses a row at a
// place that holds one.
//
// # The SQL
//
// Every call is one or two autocommit statements; no call holds a pooled
// connection between them or across a caller's loop.
//
//   - Append and Claim: INSERT … SELECT … WHERE seq = 1 OR EXISTS (the
//     record at seq − 1, of the record's kind) ON CONFLICT DO NOTHING: a
//     record that would leave a gap in its history, or follow a record of
//     another kind, is not inserted. If it inserted nothing, a second
//     statement — a new snapshot, which sees the row that a concurrent
//     transaction committed while the insert waited for it — reads the
//     record holding the key (first) or the place, and the kind of the
//     record at seq − 1; if neither exists and seq − 1 is still missing,
//     Append's error wraps activation.ErrGap, and if that record is of
//     another kind, activation.ErrInvalid. A single statement (a CTE) would
//     not see that row.
//   - AppendBatch (several keys in one redemption, or a replacement): one
//     INSERT … SELECT … FROM (SELECT unnest($3::bigint[]), …) WHERE seq = 1 OR
//     EXISTS (the record before the first, of the batch's kind), without
//     ON CONFLICT: one statement is one transaction, so a taken key, claim
//     or place (SQLSTATE 23505) aborts it whole and nothing is stored. A
//     second statement then reads the first conflict (a key, by index; a
//     claim; the first place), the gap or the other kind. ON CONFLICT DO
//     NOTHING would store the rows that did not conflict.
//   - Lookup: the row of a fingerprint. Head: the highest seq of (tenant,
//     product), one probe of the place key. History: one page, seq > after
//     ORDER BY seq LIMIT n.
//   - Heads: the rows of kind 0 whose end_after is in the range, through
//     the index above, that no later row of their subscription follows.
//   - HeadsAfter: a recursive CTE whose every step is one descent of the
//     (tenant, product, seq DESC) index to the next place's head,
//     (tenant, product) > the last place, kind = 0, LIMIT n: a page costs n
//     descents, and one more per chain of changes stepped over, however
//     long the histories.
//   - Load, LoadRecords (bulk): one transaction holding LOCK TABLE … IN
//     SHARE ROW EXCLUSIVE MODE (other writers wait; readers do not); per
//     20,000 rows, reads of the heads, the spent keys and, for import rows,
//     the states on their days (unnest … CROSS JOIN LATERAL), then one
//     COPY of the new records, computed as COPY asks for them. No other
//     writer can take a place the load computed, and the unique keys still
//     stand behind it.
//   - Export: SELECT record … ORDER BY id in a REPEATABLE READ, READ ONLY
//     transaction. [MigrationSQL] prints what Migrate runs.
//   - AppendInTurn (a Book's redemptions on a subscription where it lost a
//     race): BEGIN ISOLATION LEVEL READ COMMITTED, pg_advisory_xact_lock of
//     a hash of (tenant, product), the head — one round trip; then the
//     insert above and COMMIT — a second. Writers of one subscription queue
//     on the lock instead of recomputing blind after every lost race; the
//     lock is released when the commit is durable, so the records of one
//     subscription commit one after another (one WAL flush each), while
//     those of distinct subscriptions share flushes.
//   - AppendBatchInTurn (the batch into which a Book combines the
//     redemptions its goroutines queued on such a subscription): the same
//     first round trip; then the batch insert above and COMMIT. The
//     leaders of several processes queue on the lock, each carrying its
//     process's queue in one commit; a batch that met a taken key rolls
//     back whole and the conflict is read after.
//
// Serialization failures (SQLSTATE 40001, which a server whose
// default_transaction_isolation is serializable or repeatable read returns
// for an insert that lost a race) and deadlocks (40P01) are retried, up to 30
// times and while the context allows; so is a call that failed before it
// sent anything. Errors are classified by SQLSTATE, never by message text.
//
// # Errors and durability
//
// Errors wrap the driver's (errors.As finds a *pgconn.PgError) and say
// whether anything can have been recorded: "nothing was recorded" when the
// server refused or could not be reached, "may or may not have been made"
// when the connection failed mid-call. After any error, retrying the
// identical request through a Book or Redeemer converges on exactly one
// record. No error contains the URL's password or a product key.
//
// A record is acknowledged after the server commits it. It survives a crash
// of the server as far as the server's commit is durable: keep fsync on and
// do not set synchronous_commit to off for this database or role.
//
// # Standbys and failover
//
// A write, once sent, runs under the Store's commit timeout
// ([WithCommitTimeout], [DefaultCommitTimeout]), not its caller's context:
// with synchronous_commit on and a synchronous standby, PostgreSQL keeps a
// commit whose wait for the standby is cancelled committed on the primary
// without it being replicated, and a retry would then replay, as recorded,
// a record that a failover loses. A caller that gives up therefore waits
// for the commit it sent (or for the write it conflicts with), up to that
// timeout; past it the wait is cut with that risk. A connection URL with
// several hosts and target_session_attrs=read-write finds the new primary
// after a promotion; every acknowledged record is there if the standby was
// synchronous.
//
// With an asynchronous standby a failover can lose acknowledged records.
// A Book that remembers a head past the loss reports it
// (activation.ErrBrokenStore) and refuses that subscription until
// Book.Forget; a new Book cannot tell and writes at the next free place.
// The operator starts the old primary's data apart and runs
// activation.Missing with it and the new primary: it lists the records
// found only in the old, whose keys may have been redeemed again since.
//
// [WithReadPool] sends History, Heads and HeadsAfter (a Book's History, Due and
// Subscriptions) to another pool, such as one on a standby: its answers
// lag the primary by the standby's replay delay, and with an asynchronous
// standby may lack acknowledged records. Head, Lookup and every write,
// from which a Book decides what to record, stay on the primary.
//
// # Versions
//
// This is its own Go module, github.com/coterm/coterm/activation/pgledger,
// so that the library keeps no database driver. Releases are tagged
// activation/pgledger/vX.Y.Z; the replace directive in its go.mod serves
// development inside the repository.
//
// # Tests
//
// The tests run against a real server: COTERM_TEST_DATABASE_URL if set (a
// database in which they may create and drop schemas), otherwise a
// throwaway cluster they start with PostgreSQL's server programs (found
// with pg_config --bindir or under /usr/lib/postgresql) and remove at the
// end. Without either they skip, except under CI=true, where they fail.
package pgledger
