package pgledger_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/activation/pgledger"
)

// The faults of the Journal's fault tests, for change records: a
// connection cut in the middle of an append, the server killed under
// appends (here), and processes that race on one chain or are killed in
// the middle of an append (change_procs_test.go).

// keepChange appends the change of request id to the chain at (tenant,
// where) as the package that keeps a chain does: after the head it reads,
// and again after a head that moved, until its request is stored
// (NothingTaken) or found stored (KeyTaken).
func keepChange(ctx context.Context, j activation.Journal, tenant, where, id string) (activation.Record, activation.Taken, error) {
	for {
		if err := ctx.Err(); err != nil {
			return activation.Record{}, activation.NothingTaken, err
		}
		head, _, err := j.Head(ctx, tenant, where)
		if err != nil {
			return activation.Record{}, activation.NothingTaken, err
		}
		stored, taken, err := j.Append(ctx, changeRec(tenant, where, id, head.Seq+1))
		if err != nil || taken != activation.PlaceTaken {
			return stored, taken, err
		}
	}
}

// changeAppend is one way a change reaches a Store: it appends the change
// of request id after the head of (tenant, where) and returns the record
// of the request, stored now or before.
type changeAppend func(ctx context.Context, s *pgledger.Store, tenant, where, id string) (activation.Record, error)

// changeAppends are the Store's ways to append a change.
var changeAppends = []struct {
	name string
	do   changeAppend
}{
	{"Append", func(ctx context.Context, s *pgledger.Store, tenant, where, id string) (activation.Record, error) {
		rec, _, err := keepChange(ctx, s, tenant, where, id)
		return rec, err
	}},
	{"AppendInTurn", func(ctx context.Context, s *pgledger.Store, tenant, where, id string) (activation.Record, error) {
		for ctx.Err() == nil { // a plain Append, which waits for no turn, may take the place
			rec, taken, err := s.AppendInTurn(ctx, tenant, where, func(head activation.Record, _ bool) (activation.Record, error) {
				return changeRec(tenant, where, id, head.Seq+1), nil
			})
			if err != nil || taken != activation.PlaceTaken {
				return rec, err
			}
		}
		return activation.Record{}, ctx.Err()
	}},
	{"AppendBatchInTurn", func(ctx context.Context, s *pgledger.Store, tenant, where, id string) (activation.Record, error) {
		for ctx.Err() == nil { // a plain Append, which waits for no turn, may take the place
			var rec activation.Record
			c, err := s.AppendBatchInTurn(ctx, tenant, where, func(head activation.Record, _ bool) ([]activation.Record, error) {
				rec = changeRec(tenant, where, id, head.Seq+1)
				return []activation.Record{rec}, nil
			})
			if got, done, err := batchOfOne(rec, c, err); done {
				return got, err
			}
		}
		return activation.Record{}, ctx.Err()
	}},
	{"AppendBatch", func(ctx context.Context, s *pgledger.Store, tenant, where, id string) (activation.Record, error) {
		for ctx.Err() == nil {
			head, _, err := s.Head(ctx, tenant, where)
			if err != nil {
				return activation.Record{}, err
			}
			rec := changeRec(tenant, where, id, head.Seq+1)
			c, err := s.AppendBatch(ctx, []activation.Record{rec})
			if got, done, err := batchOfOne(rec, c, err); done {
				return got, err
			}
		}
		return activation.Record{}, ctx.Err()
	}},
}

// batchOfOne reads the answer of a batch of one record rec: done with the
// record of its request (stored now or before) or an error, or not done
// (its place was taken: append again after the new head).
func batchOfOne(rec activation.Record, c activation.Conflict, err error) (activation.Record, bool, error) {
	switch {
	case err != nil:
		return activation.Record{}, true, err
	case c == (activation.Conflict{}):
		return rec, true, nil
	case c.Taken == activation.KeyTaken:
		return c.Stored, true, nil
	}
	return activation.Record{}, false, nil
}

// requireChangeChain requires that the chain at (tenant, where) on s is
// Seq 1, 2, … of change records, each request once, and returns its
// records by request.
func requireChangeChain(t *testing.T, s *pgledger.Store, tenant, where string) map[string]activation.Record {
	t.Helper()
	h, err := s.History(context.Background(), tenant, where, 0, 1<<20)
	require.NoError(t, err)
	byID := make(map[string]activation.Record, len(h))
	for i, rec := range h {
		require.Equal(t, int64(i+1), rec.Seq, "a gap in the chain of (%s, %s)", tenant, where)
		require.Equal(t, activation.ChangeRecord, rec.Kind)
		var c struct{ Request string }
		require.NoError(t, json.Unmarshal([]byte(rec.Change), &c))
		_, dup := byID[c.Request]
		require.False(t, dup, "request %s recorded twice", c.Request)
		require.Equal(t, changeRec(tenant, where, c.Request, 1).Fingerprint, rec.Fingerprint)
		byID[c.Request] = rec
		require.Equal(t, 1, rowsOf(t, s, rec.Fingerprint))
	}
	return byID
}

// TestLostConnectionChange cuts the connection of a change's append —
// through Append, AppendInTurn, AppendBatchInTurn and AppendBatch — before the server commits
// it and after: the caller gets an error; the retry, after the head it
// reads again, stores the change in the first case and finds it (KeyTaken)
// in the second; the request is recorded exactly once, with no gap.
func TestLostConnectionChange(t *testing.T) {
	needCluster(t)
	for _, a := range changeAppends {
		eachCut(t, a.name, func(t *testing.T, f fault, direct, via *pgledger.Store, p *proxy) {
			ctx := context.Background()
			appendChanges(t, direct, changeRec("contoso", "Munich", "lost-0", 1))
			fp := changeRec("contoso", "Munich", "lost-1", 1).Fingerprint

			cutInsert(t, p, f, direct, fp, func() error { _, err := a.do(ctx, via, "contoso", "Munich", "lost-1"); return err })

			rec, err := a.do(ctx, via, "contoso", "Munich", "lost-1")
			require.NoError(t, err, "the retry")
			require.Equal(t, int64(2), rec.Seq, "the retry answers with the record at Seq 2")
			got, ok, err := direct.Lookup(ctx, fp)
			require.NoError(t, err)
			require.True(t, ok)
			require.Equal(t, rec, got)
			require.Len(t, requireChangeChain(t, direct, "contoso", "Munich"), 2)
		})
	}
}

// changeAttempt is one request a worker of TestServerKilledChanges made.
type changeAttempt struct {
	where, id string
	rec       activation.Record
	err       error
}

// TestServerKilledChanges kills the server (SIGQUIT to the postmaster)
// while workers append changes to two chains, and restarts it: every
// change a caller was told about is recorded once, as told; every request
// that failed converges on retry to exactly one record; the chains have no
// gap and hold nothing but the requests made.
func TestServerKilledChanges(t *testing.T) {
	needCluster(t)
	ctx := within(t, 3*time.Minute)
	schema := freshSchema(t)
	store := openStore(t, schema, map[string]string{"pool_max_conns": "8"})
	const workers = 8
	results := make([][]changeAttempt, workers)
	killUnder(t, workers, func(w, n int) error {
		a := changeAttempt{where: fmt.Sprint("site-", w%2), id: fmt.Sprintf("kill-%d-%d", w, n)}
		a.rec, _, a.err = keepChange(ctx, store, "contoso", a.where, a.id)
		results[w] = append(results[w], a)
		return a.err
	})

	fresh := openStore(t, schema, nil)
	var ok, failed int
	made := map[string]map[string]bool{}
	for w := range workers {
		for _, a := range results[w] {
			if made[a.where] == nil {
				made[a.where] = map[string]bool{}
			}
			made[a.where][a.id] = true
			if a.err == nil {
				ok++
				got, found, err := fresh.Lookup(ctx, a.rec.Fingerprint)
				require.NoError(t, err)
				require.True(t, found, "a change the caller was told about is lost")
				require.Equal(t, a.rec, got)
			} else {
				failed++
			}
			rec, _, err := keepChange(ctx, fresh, "contoso", a.where, a.id)
			require.NoError(t, err, "the retry after the restart")
			if a.err == nil {
				require.Equal(t, a.rec, rec, "the retry finds the change as it was told")
			}
		}
	}
	t.Logf("%d changes acknowledged before the kill, %d failed by it", ok, failed)
	for where, ids := range made {
		chain := requireChangeChain(t, fresh, "contoso", where)
		require.Len(t, chain, len(ids), "the chain of %s holds the requests made, each once", where)
		for id := range chain {
			require.True(t, ids[id], "the chain of %s holds a request never made", where)
		}
	}
	found, err := verifyAll(t, fresh, activation.Verifier{Changes: func(prev *activation.Record, rec activation.Record) error {
		if prev != nil && prev.Seq+1 != rec.Seq {
			return errors.New("not the record before")
		}
		return nil
	}})
	require.NoError(t, err)
	require.Empty(t, found)
}
