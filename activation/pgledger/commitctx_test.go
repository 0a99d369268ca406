package pgledger_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/token"
)

// TestCallerCannotCutAWrite: a write, once sent, runs under the Store's
// commit timeout, not its caller's context. Another transaction holds the
// records table (LOCK … IN SHARE MODE), so each insert waits; the caller's
// deadline passes while it waits; the lock is released; the write commits
// and the caller is told so — through Append, AppendBatch, AppendInTurn and
// AppendBatchInTurn. (With a synchronous standby, a cut wait would leave the
// commit on the primary alone.)
func TestCallerCannotCutAWrite(t *testing.T) {
	needDB(t)
	ways := []struct {
		name string
		do   func(ctx context.Context, t *testing.T, s activation.Journal, k token.Key) error
	}{
		{"Append", func(ctx context.Context, t *testing.T, s activation.Journal, k token.Key) error {
			_, err := (&activation.Book{Policy: activation.PartnerCenter(), Journal: s}).Redeem(ctx, "contoso", "M365-E3", testToken(k, 1), activation.AddSeats, testDay)
			return err
		}},
		{"AppendBatch", func(ctx context.Context, t *testing.T, s activation.Journal, k token.Key) error {
			_, err := (&activation.Book{Policy: activation.PartnerCenter(), Journal: s}).RedeemAll(ctx, "contoso", "M365-E3", []token.Token{testToken(k, 1)}, activation.AddSeats, testDay)
			return err
		}},
		{"AppendInTurn", func(ctx context.Context, t *testing.T, s activation.Journal, k token.Key) error {
			_, _, err := s.(activation.TurnJournal).AppendInTurn(ctx, "contoso", "M365-E3", func(h activation.Record, _ bool) (activation.Record, error) {
				return redemptionAfter(t, h, k), nil
			})
			return err
		}},
		{"AppendBatchInTurn", func(ctx context.Context, t *testing.T, s activation.Journal, k token.Key) error {
			c, err := s.(activation.BatchTurnJournal).AppendBatchInTurn(ctx, "contoso", "M365-E3", func(h activation.Record, _ bool) ([]activation.Record, error) {
				return []activation.Record{redemptionAfter(t, h, k)}, nil
			})
			require.Equal(t, activation.Conflict{}, c)
			return err
		}},
	}
	for i, w := range ways {
		t.Run(w.name, func(t *testing.T) {
			ctx := context.Background()
			s := newStore(t)
			require.NoError(t, (&activation.Book{Policy: activation.PartnerCenter(), Journal: s}).Import(ctx, testSubscription("contoso"), testDay))
			k := testKey(t, "CUT", i)

			lock, err := s.Pool().Begin(ctx)
			require.NoError(t, err)
			_, err = lock.Exec(ctx, "LOCK TABLE coterm_records IN SHARE MODE")
			require.NoError(t, err)
			released := make(chan struct{})
			go func() {
				defer close(released)
				time.Sleep(700 * time.Millisecond)
				_ = lock.Commit(ctx)
			}()
			cctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
			defer cancel()
			err = w.do(cctx, t, s, k)
			<-released
			require.NoError(t, err, "the caller's deadline cut a write already sent")
			require.Equal(t, 1, rowsOf(t, s, k.Fingerprint()))
		})
	}
}

// redemptionAfter is the record a Book stores for a one-seat key k added
// on testDay after head.
func redemptionAfter(t *testing.T, head activation.Record, k token.Key) activation.Record {
	o, err := activation.PartnerCenter().Apply(head.Outcome.After, testToken(k, 1), activation.AddSeats, testDay)
	require.NoError(t, err)
	o.Token.Key = token.Key{}
	return activation.Record{Seq: head.Seq + 1, Fingerprint: k.Fingerprint(), KeyTail: k.Last5(), Outcome: o}
}
