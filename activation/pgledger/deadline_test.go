package pgledger_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/activation/pgledger"
	"github.com/coterm/coterm/token"
)

// redeemerRecord is the record a Redeemer claims for (s, tk, op, at).
func redeemerRecord(t *testing.T, s activation.Subscription, tk token.Token, op activation.Operation, at time.Time) activation.Record {
	t.Helper()
	o, err := activation.PartnerCenter().Apply(s, tk, op, at)
	require.NoError(t, err)
	o.Token.Key = token.Key{}
	return activation.Record{Fingerprint: tk.Key.Fingerprint(), Request: activation.NewRequestID(s, tk, op, at), Outcome: o}
}

// shortCommitStore is newStore whose writes give up after 300 ms: a
// caller's deadline does not cut a write once sent (WithCommitTimeout).
func shortCommitStore(t *testing.T) *pgledger.Store {
	t.Helper()
	schema := freshSchema(t)
	s, err := pgledger.Open(context.Background(), schemaURL(adminURL, schema, map[string]string{"pool_max_conns": "16"}),
		pgledger.WithCommitTimeout(300*time.Millisecond))
	require.NoError(t, err)
	t.Cleanup(s.Close)
	return s
}

// TestClaimDeadlineBehindUncommittedInsert: a claim waits behind another
// transaction's uncommitted insert of the same key, and the store's commit
// timeout fires (an error now; the caller's deadline does not cut a write). The server may still run the claim's
// insert after the other transaction ends (a commit later). Whatever the
// other transaction does, identical retries converge on exactly one record.
func TestClaimDeadlineBehindUncommittedInsert(t *testing.T) {
	needDB(t)
	for _, c := range []struct {
		name     string
		other    string // whose record the other transaction inserts: "same" request or "another"
		commit   bool
		wantErr  error
		replayed bool
	}{
		{"OtherCommitsSameRequest", "same", true, nil, true},
		{"OtherCommitsAnotherRequest", "another", true, activation.ErrAlreadyRedeemed, false},
		{"OtherRollsBack", "another", false, nil, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			store := shortCommitStore(t)
			r := &activation.Redeemer{Policy: activation.PartnerCenter(), Ledger: store}
			s, k := testSubscription("contoso"), testKey(t, "DEADL", 1)
			tk := testToken(k, 25)

			otherRec := redeemerRecord(t, s, tk, activation.ExtendEnd, testDay)
			if c.other == "another" {
				otherRec = redeemerRecord(t, testSubscription("fabrikam"), tk, activation.ExtendEnd, testDay)
			}
			args, err := pgledger.InsertArgs(otherRec)
			require.NoError(t, err)
			tx, err := store.Pool().Begin(ctx)
			require.NoError(t, err)
			defer tx.Rollback(ctx) //nolint:errcheck // ended below
			_, err = tx.Exec(ctx, pgledger.SQLInsert, args...)
			require.NoError(t, err)

			short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
			_, err = r.Redeem(short, s, tk, activation.ExtendEnd, testDay)
			cancel()
			require.Error(t, err, "the claim waited behind the uncommitted insert past its deadline")
			require.True(t, errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, activation.ErrAlreadyRedeemed), "got %v", err)

			if c.commit {
				require.NoError(t, tx.Commit(ctx))
			} else {
				// The claim's insert may still be waiting on the server
				// (pgx gives up on the connection, it sends no cancel): it
				// can now insert and commit though its caller got an error,
				// racing the retries below.
				require.NoError(t, tx.Rollback(ctx))
			}
			var first activation.Outcome
			for i := range 3 {
				o, err := r.Redeem(ctx, s, tk, activation.ExtendEnd, testDay)
				if c.wantErr != nil {
					require.ErrorIs(t, err, c.wantErr, "retry %d", i)
					continue
				}
				require.NoError(t, err, "retry %d", i)
				if i == 0 {
					first = o
					if c.replayed {
						require.True(t, o.Replayed, "the other transaction recorded the identical request")
					}
				} else {
					require.True(t, o.Replayed, "retry %d after a success", i)
					o.Replayed = first.Replayed
					require.Equal(t, first, o)
				}
			}
			require.Equal(t, 1, rowsOf(t, store, k.Fingerprint()))
			// Once the abandoned insert is over, still one record.
			require.Eventually(t, func() bool { return insertsRunning(t, store) == 0 }, 30*time.Second, 10*time.Millisecond)
			require.Equal(t, 1, rowsOf(t, store, k.Fingerprint()))
			if c.name == "OtherRollsBack" {
				t.Logf("the first retry replayed the abandoned claim: %v", first.Replayed)
			}
		})
	}
}

// insertsRunning counts the other sessions running an insert of a record.
func insertsRunning(t *testing.T, s *pgledger.Store) int {
	t.Helper()
	var n int
	require.NoError(t, s.Pool().QueryRow(context.Background(), `SELECT count(*) FROM pg_stat_activity
WHERE pid <> pg_backend_pid() AND state = 'active' AND query LIKE 'INSERT INTO coterm_records%'`).Scan(&n))
	return n
}

// capture is a Journal that remembers the last record appended through it.
type capture struct {
	activation.Journal
	last activation.Record
}

func (c *capture) Append(ctx context.Context, rec activation.Record) (activation.Record, activation.Taken, error) {
	c.last = rec
	return c.Journal.Append(ctx, rec)
}

// bookRecord is the record a Book appends for redeeming tk on contoso's
// M365-E3 as imported by testSubscription, on testDay, computed on a
// MemoryJournal: what another instance's Book would insert.
func bookRecord(t *testing.T, tk token.Token) activation.Record {
	t.Helper()
	c := &capture{Journal: activation.NewMemoryJournal()}
	b := &activation.Book{Policy: activation.PartnerCenter(), Journal: c}
	require.NoError(t, b.Import(context.Background(), testSubscription("contoso"), testDay))
	_, err := b.Redeem(context.Background(), "contoso", "M365-E3", tk, activation.ExtendEnd, testDay)
	require.NoError(t, err)
	return c.last
}

// TestBookDeadlineBehindUncommittedInsert: a Book's append waits behind
// another instance's uncommitted insert of the same key or the same place,
// and the store's commit timeout fires. Whatever the other transaction does
// then, identical retries converge on exactly one record of the key, on an
// intact chain.
func TestBookDeadlineBehindUncommittedInsert(t *testing.T) {
	needDB(t)
	for _, c := range []struct {
		name      string
		otherKey  bool // the other inserts another key at the same place; else the identical request
		commit    bool
		replayed  bool // the first retry must replay
		wantChain int  // records on the chain at the end
	}{
		{"SameRequestCommits", false, true, true, 2},
		{"SameRequestRollsBack", false, false, false, 2},
		{"SamePlaceCommits", true, true, false, 3},
		{"SamePlaceRollsBack", true, false, false, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			store := shortCommitStore(t)
			book := &activation.Book{Policy: activation.PartnerCenter(), Journal: store}
			require.NoError(t, book.Import(ctx, testSubscription("contoso"), testDay))
			tk := testToken(testKey(t, "BDEAD", 1), 25)
			other := bookRecord(t, tk)
			if c.otherKey {
				other = bookRecord(t, testToken(testKey(t, "BDEAD", 2), 10))
			}
			args, err := pgledger.InsertArgs(other)
			require.NoError(t, err)
			tx, err := store.Pool().Begin(ctx)
			require.NoError(t, err)
			defer tx.Rollback(ctx) //nolint:errcheck // ended below
			_, err = tx.Exec(ctx, pgledger.SQLInsert, args...)
			require.NoError(t, err)

			short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
			_, err = book.Redeem(short, "contoso", "M365-E3", tk, activation.ExtendEnd, testDay)
			cancel()
			require.Error(t, err, "the append waited behind the uncommitted insert past its deadline")
			if c.commit {
				require.NoError(t, tx.Commit(ctx))
			} else {
				require.NoError(t, tx.Rollback(ctx))
			}
			var first activation.Outcome
			for i := range 3 {
				o, err := book.Redeem(ctx, "contoso", "M365-E3", tk, activation.ExtendEnd, testDay)
				require.NoError(t, err, "retry %d", i)
				if i == 0 {
					first = o
					if c.replayed {
						require.True(t, o.Replayed, "the other instance recorded the identical request")
					}
					continue
				}
				require.True(t, o.Replayed, "retry %d after a success", i)
				o.Replayed = first.Replayed
				require.Equal(t, first, o)
			}
			require.Eventually(t, func() bool { return insertsRunning(t, store) == 0 }, 30*time.Second, 10*time.Millisecond)
			require.Equal(t, 1, rowsOf(t, store, tk.Key.Fingerprint()))
			require.Len(t, requireChain(t, store, "contoso"), c.wantChain)
		})
	}
}
