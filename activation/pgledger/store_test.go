package pgledger_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/activation/ledgertest"
	"github.com/coterm/coterm/activation/pgledger"
	"github.com/coterm/coterm/token"
)

// TestLedgerSerializable runs the Ledger suite with every transaction
// SERIALIZABLE by default, as a server configured so would run them: the
// inserts that lose a race then fail with 40001 instead of doing nothing,
// and the Store must retry them.
func TestLedgerSerializable(t *testing.T) {
	needDB(t)
	ledgertest.Run(t, func(t *testing.T) activation.Ledger {
		return openStore(t, freshSchema(t), map[string]string{
			"pool_max_conns":                "16",
			"default_transaction_isolation": "serializable",
		})
	})
}

// TestOpenConcurrently: instances calling Open at once on an empty schema
// all succeed (one migrates, the others wait for it), also when the server
// defaults to SERIALIZABLE.
func TestOpenConcurrently(t *testing.T) {
	needDB(t)
	for _, iso := range []string{"read committed", "serializable"} {
		t.Run(iso, func(t *testing.T) {
			schema := freshSchema(t)
			const n = 8
			errs := make([]error, n)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range n {
				wg.Go(func() {
					<-start
					s, err := pgledger.Open(context.Background(), schemaURL(adminURL, schema, map[string]string{
						"pool_max_conns": "2", "default_transaction_isolation": iso,
					}))
					if err == nil {
						s.Close()
					}
					errs[i] = err
				})
			}
			close(start)
			wg.Wait()
			for i, err := range errs {
				require.NoError(t, err, "instance %d", i)
			}
			var versions int
			require.NoError(t, adminPool(t).QueryRow(context.Background(),
				fmt.Sprintf("SELECT count(*) FROM %s.coterm_migrations", schema)).Scan(&versions))
			require.Equal(t, pgledger.SchemaVersion, versions, "each migration applied once")
		})
	}
}

// TestSchemaNewerThanCode: a database migrated by a newer release is a clear
// error for Open, Migrate and New; an unmigrated one is an error for New.
func TestSchemaVersions(t *testing.T) {
	needDB(t)
	ctx := context.Background()
	schema := freshSchema(t)
	u := schemaURL(adminURL, schema, map[string]string{"pool_max_conns": "2"})
	pool, err := pgxpool.New(ctx, u)
	require.NoError(t, err)
	defer pool.Close()

	_, err = pgledger.New(ctx, pool)
	require.ErrorIs(t, err, pgledger.ErrSchemaTooOld, "New on an empty schema")

	require.NoError(t, pgledger.Migrate(ctx, pool))
	require.NoError(t, pgledger.Migrate(ctx, pool), "Migrate again: nothing to do")
	s, err := pgledger.New(ctx, pool)
	require.NoError(t, err)
	s.Close()
	require.NoError(t, pool.Ping(ctx), "Close of a Store made by New closed the caller's pool")

	_, err = pool.Exec(ctx, `INSERT INTO coterm_migrations (version) VALUES ($1)`, pgledger.SchemaVersion+1)
	require.NoError(t, err)
	_, err = pgledger.Open(ctx, u)
	require.ErrorIs(t, err, pgledger.ErrSchemaTooNew)
	assert.Contains(t, err.Error(), "newer than this program")
	require.ErrorIs(t, pgledger.Migrate(ctx, pool), pgledger.ErrSchemaTooNew)
	_, err = pgledger.New(ctx, pool)
	require.ErrorIs(t, err, pgledger.ErrSchemaTooNew)
}

// TestOpenNeverEchoesPassword: neither a URL that does not parse nor one
// that does not connect shows its password in the error.
func TestOpenNeverEchoesPassword(t *testing.T) {
	const secret = "Sup3rS3cretPassw0rd"
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, u := range []string{
		"postgres://coterm:" + secret + "@127.0.0.1:1/coterm?sslmode=disable",        // nothing listens on port 1
		"postgres://coterm:" + secret + "@127.0.0.1:notaport/coterm",                 // does not parse
		"postgres://coterm:" + secret + "@[::1/coterm",                               // does not parse
		"host=127.0.0.1 port=1 user=coterm password=" + secret + " sslmode=disable",  // key=value
		"host=127.0.0.1 port=1 user=coterm password='" + secret + " sslmode=disable", // unterminated quote
		"postgres://coterm@127.0.0.1:1/coterm?sslmode=disable&password=" + secret,
	} {
		s, err := pgledger.Open(ctx, u)
		require.Error(t, err, "Open(%q)", u)
		require.Nil(t, s)
		assert.NotContains(t, err.Error(), secret)
		assert.NotContains(t, fmt.Sprintf("%v %+v %#v", err, err, err.Error()), secret)
		t.Logf("%v", err)
	}
}

// TestStoreErrorsNeverShowKeys: a record that holds a product key is refused
// without showing it, by Append and by Claim.
func TestStoreRefusesKeys(t *testing.T) {
	needDB(t)
	s := newStore(t)
	k := testKey(t, "SECRT", 1)
	rec := activation.Record{Fingerprint: k.Fingerprint(), Seq: 1,
		Outcome: activation.Outcome{Token: testToken(k, 1), After: testSubscription("contoso")}}
	_, _, err := s.Append(context.Background(), rec)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), k.Reveal())
	assert.NotContains(t, err.Error(), k.Reveal()[:23])
	_, _, err = s.Claim(context.Background(), rec)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), k.Reveal())
	require.True(t, errors.Is(err, activation.ErrInvalid))
	requireNoRows(t, s)
}

func requireNoRows(t *testing.T, s *pgledger.Store) {
	t.Helper()
	var n int
	require.NoError(t, s.Pool().QueryRow(context.Background(), `SELECT count(*) FROM coterm_records`).Scan(&n))
	require.Zero(t, n)
}

// TestAppendOnly: the table refuses UPDATE, DELETE and TRUNCATE.
func TestAppendOnly(t *testing.T) {
	needDB(t)
	ctx := context.Background()
	s := newStore(t)
	k := testKey(t, "APPND", 1)
	_, _, err := s.Claim(ctx, activation.Record{Fingerprint: k.Fingerprint(), Outcome: activation.Outcome{After: testSubscription("contoso")}})
	require.NoError(t, err)
	for _, sql := range []string{
		`UPDATE coterm_records SET tenant = 'fabrikam'`,
		`DELETE FROM coterm_records`,
		`TRUNCATE coterm_records`,
	} {
		_, err := s.Pool().Exec(ctx, sql)
		require.Error(t, err, sql)
		assert.Contains(t, err.Error(), "append-only")
	}
}

// TestRecordsWithoutKeyOrPlace: Append needs a place (Seq 1 or more), Claim
// a key; a Claim whose place is another key's record is an error, not a
// claim of that record; nothing is recorded by any of them.
func TestRecordsWithoutKeyOrPlace(t *testing.T) {
	needDB(t)
	ctx := context.Background()
	s := newStore(t)
	k1, k2 := testKey(t, "PLACE", 1), testKey(t, "PLACE", 2)
	after := testSubscription("contoso")

	_, _, err := s.Append(ctx, activation.Record{Fingerprint: k1.Fingerprint(), Outcome: activation.Outcome{After: after}})
	require.Error(t, err, "Append of a record with Seq 0")
	_, _, err = s.Claim(ctx, activation.Record{Seq: 1, Outcome: activation.Outcome{After: after}})
	require.Error(t, err, "Claim of a record without a key")
	requireNoRows(t, s)

	_, taken, err := s.Append(ctx, activation.Record{Fingerprint: k1.Fingerprint(), Seq: 1, Outcome: activation.Outcome{After: after}})
	require.NoError(t, err)
	require.Equal(t, activation.NothingTaken, taken)
	_, inserted, err := s.Claim(ctx, activation.Record{Fingerprint: k2.Fingerprint(), Seq: 1, Outcome: activation.Outcome{After: after}})
	require.Error(t, err, "Claim of a record whose place is taken by another key")
	require.False(t, inserted)
	_, ok, err := s.Lookup(ctx, k2.Fingerprint())
	require.NoError(t, err)
	require.False(t, ok)
}

// TestAppendRefusesGap: a record with Seq past 1 whose predecessor is not
// there is refused with an error wrapping activation.ErrGap, and nothing is
// stored, not even its key; a taken key, then a taken place, is the answer
// before a gap.
func TestAppendRefusesGap(t *testing.T) {
	needDB(t)
	ctx := context.Background()
	s := newStore(t)
	after := testSubscription("contoso")
	k1, k2, k3 := testKey(t, "GAPKY", 1), testKey(t, "GAPKY", 2), testKey(t, "GAPKY", 3)
	at := func(k token.Key, seq int64) activation.Record {
		return activation.Record{Fingerprint: k.Fingerprint(), Seq: seq, Outcome: activation.Outcome{After: after}}
	}
	count := func() int {
		var n int
		require.NoError(t, s.Pool().QueryRow(ctx, `SELECT count(*) FROM coterm_records`).Scan(&n))
		return n
	}

	_, _, err := s.Append(ctx, at(k2, 2))
	require.ErrorIs(t, err, activation.ErrGap, "Seq 2 on an empty history")
	require.Zero(t, count())
	_, _, err = s.Append(ctx, activation.Record{Seq: 2, Outcome: activation.Outcome{After: after}})
	require.ErrorIs(t, err, activation.ErrGap, "an import at Seq 2 on an empty history")
	require.Zero(t, count())

	_, taken, err := s.Append(ctx, at(k1, 1))
	require.NoError(t, err)
	require.Equal(t, activation.NothingTaken, taken)
	_, _, err = s.Append(ctx, at(k3, 3))
	require.ErrorIs(t, err, activation.ErrGap, "Seq 3 after Seq 1")
	_, ok, err := s.Lookup(ctx, k3.Fingerprint())
	require.NoError(t, err)
	require.False(t, ok, "the refused record's key is spent")
	require.Equal(t, 1, count())

	stored, taken, err := s.Append(ctx, at(k1, 3))
	require.NoError(t, err, "a taken key is the answer before a gap")
	require.Equal(t, activation.KeyTaken, taken)
	require.Equal(t, int64(1), stored.Seq)

	_, taken, err = s.Append(ctx, at(k2, 2))
	require.NoError(t, err)
	require.Equal(t, activation.NothingTaken, taken)
	stored, taken, err = s.Append(ctx, at(k3, 2))
	require.NoError(t, err)
	require.Equal(t, activation.PlaceTaken, taken)
	require.Equal(t, k2.Fingerprint(), stored.Fingerprint)
	_, taken, err = s.Append(ctx, at(k3, 3))
	require.NoError(t, err, "Seq 3 once Seq 2 is there")
	require.Equal(t, activation.NothingTaken, taken)
	require.Equal(t, 3, count())
}

// TestDoneContextSendsNothing: a write whose context is already done sends
// nothing, records nothing, and says so (not "may or may not have been
// made"); its error wraps the context's.
func TestDoneContextSendsNothing(t *testing.T) {
	needDB(t)
	s := newStore(t)
	k := testKey(t, "DONE0", 1)
	rec := activation.Record{Fingerprint: k.Fingerprint(), Seq: 1, Outcome: activation.Outcome{After: testSubscription("contoso")}}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	expired, cancel2 := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel2()
	for _, c := range []struct {
		ctx  context.Context
		want error
	}{{cancelled, context.Canceled}, {expired, context.DeadlineExceeded}} {
		_, _, err := s.Append(c.ctx, rec)
		require.ErrorIs(t, err, c.want)
		assert.Contains(t, err.Error(), "nothing was recorded")
		assert.NotContains(t, err.Error(), "may or may not")
		claim := rec
		claim.Seq = 0
		_, _, err = s.Claim(c.ctx, claim)
		require.ErrorIs(t, err, c.want)
		assert.Contains(t, err.Error(), "nothing was recorded")
		assert.NotContains(t, err.Error(), "may or may not")
	}
	requireNoRows(t, s)
}

// TestOpenPoolSize: Open's pool has DefaultMaxConns connections unless the
// URL sets pool_max_conns as a setting; the words "pool_max_conns" in a
// password or an application_name set nothing.
func TestOpenPoolSize(t *testing.T) {
	needDB(t)
	schema := freshSchema(t)
	for _, c := range []struct {
		extra map[string]string
		want  int32
	}{
		{map[string]string{}, pgledger.DefaultMaxConns},
		{map[string]string{"pool_max_conns": "3"}, 3},
		{map[string]string{"password": "pool_max_conns=2"}, pgledger.DefaultMaxConns},
		{map[string]string{"application_name": "pool_max_conns"}, pgledger.DefaultMaxConns},
		{map[string]string{"application_name": "pool_max_conns", "pool_max_conns": "5"}, 5},
	} {
		s := openStore(t, schema, c.extra)
		assert.Equal(t, c.want, s.Pool().Config().MaxConns, "%v", c.extra)
	}
}
