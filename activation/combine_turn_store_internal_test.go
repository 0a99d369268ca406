package activation

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/internal/daymath"
	"github.com/coterm/coterm/token"
)

// queuedJobs returns n queued redemptions of one seat each, keys from, on
// the given days (combineDay if none).
func queuedJobs(t *testing.T, from, n int, days ...time.Time) []*combineJob {
	t.Helper()
	var js []*combineJob
	for i := range n {
		at := combineDay
		if i < len(days) {
			at = days[i]
		}
		tok := token.Token{Key: combineKey(t, from+i), Product: combineProduct, Seats: 1}
		js = append(js, &combineJob{ctx: context.Background(), t: &tok, fp: tok.Key.Fingerprint(), op: AddSeats, at: at, day: daymath.Of(at), lead: make(chan bool, 1)})
	}
	return js
}

// requireAnsweredOnce requires that runCombined returns, within a second,
// having answered every job exactly once (a second answer would block on
// the full lead channel: the call would not return).
func requireAnsweredOnce(t *testing.T, b *Book, bj BatchJournal, js []*combineJob) {
	t.Helper()
	done := make(chan []*combineJob, 1)
	go func() {
		done <- b.runCombined(context.Background(), bj, "contoso", combineProduct, append([]*combineJob(nil), js...))
	}()
	select {
	case again := <-done:
		require.Empty(t, again)
	case <-time.After(time.Second):
		t.Fatal("runCombined did not return: a job answered twice blocks on its lead channel")
	}
	for i, j := range js {
		require.True(t, j.done, "job %d never answered: its caller waits forever", i)
		require.Len(t, j.lead, 1, "job %d", i)
	}
}

// wrappingTurns is slowTurns whose AppendBatchInTurn does not return next's
// error as it is: it wraps it (wrap) or swallows it, appending nothing.
type wrappingTurns struct {
	*slowTurns
	swallow bool
}

func (w *wrappingTurns) AppendBatchInTurn(ctx context.Context, tenant, product string, next func(Record, bool) ([]Record, error)) (Conflict, error) {
	c, err := w.slowTurns.AppendBatchInTurn(ctx, tenant, product, next)
	switch {
	case err == nil:
		return c, nil
	case w.swallow:
		return Conflict{}, nil
	}
	return Conflict{}, fmt.Errorf("store: %w", err)
}

// A store that wraps or swallows the error next returned on a head of
// another subscription must not leave the batch's callers unanswered.
func TestCombinedTurnStoreAltersNextsError(t *testing.T) {
	for _, swallow := range []bool{false, true} {
		t.Run(fmt.Sprint("swallow=", swallow), func(t *testing.T) {
			j := &wrappingTurns{slowTurns: &slowTurns{slowBatches: &slowBatches{MemoryJournal: NewMemoryJournal()}}, swallow: swallow}
			b := contendedBook(t, j)
			j.head = func(h *Record) { h.Outcome.After.Tenant = "fabrikam" }
			js := queuedJobs(t, 1000, 3)
			requireAnsweredOnce(t, b, j, js)
			for _, jb := range js {
				require.ErrorIs(t, jb.err, ErrBrokenStore)
			}
		})
	}
}

// twiceTurns is slowTurns whose AppendBatchInTurn calls next once more
// before the real turn, on a head first changes, as a store that retries
// after a failed attempt does; the first answer is thrown away.
type twiceTurns struct {
	*slowTurns
	first func(*Record)
}

func (s *twiceTurns) AppendBatchInTurn(ctx context.Context, tenant, product string, next func(Record, bool) ([]Record, error)) (Conflict, error) {
	h, ok, err := s.MemoryJournal.Head(ctx, tenant, product)
	if err != nil {
		return Conflict{}, err
	}
	s.first(&h)
	if _, err := next(h, ok); err != nil {
		return Conflict{}, err
	}
	return s.slowTurns.AppendBatchInTurn(ctx, tenant, product, next)
}

// next called twice: only the last call's batch and refusals count, every
// redemption is answered once, and its answer is what was stored.
func TestCombinedTurnNextTwice(t *testing.T) {
	ctx := context.Background()
	later := combineDay.AddDate(0, 0, 3)
	for _, realFirst := range []bool{false, true} {
		t.Run(fmt.Sprint("refused only by the last call=", realFirst), func(t *testing.T) {
			tj := &twiceTurns{slowTurns: &slowTurns{slowBatches: &slowBatches{MemoryJournal: NewMemoryJournal()}}}
			b := contendedBook(t, tj)
			moveDay := func(h *Record) { h.Outcome.At = combineDay.AddDate(0, 0, 1) } // after the first job's day
			if realFirst {
				tj.first = func(*Record) {}
				tj.slowTurns.head = moveDay
			} else {
				tj.first = moveDay
			}
			js := queuedJobs(t, 1100, 3, combineDay, later, later)
			requireAnsweredOnce(t, b, tj, js)
			if realFirst {
				require.ErrorIs(t, js[0].err, ErrInvalid, "refused by the last call's head")
			} else {
				require.NoError(t, js[0].err, "refused by a call whose batch was thrown away")
			}
			h, err := b.History(ctx, "contoso", combineProduct)
			require.NoError(t, err)
			for i, jb := range js {
				if jb.err != nil {
					_, ok, err := tj.Lookup(ctx, jb.fp)
					require.NoError(t, err)
					require.False(t, ok, "a refused key stored")
					continue
				}
				stored, ok, err := tj.Lookup(ctx, jb.fp)
				require.NoError(t, err)
				require.True(t, ok, "job %d answered but not stored", i)
				require.Equal(t, stored.Outcome.After, jb.out.After)
			}
			for i := 1; i < len(h); i++ {
				require.EqualValues(t, i+1, h[i].Seq)
				require.Equal(t, h[i-1].Outcome.After, h[i].Outcome.Before, "lost update at %d", i)
			}
		})
	}
}
