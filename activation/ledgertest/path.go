package ledgertest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/token"
)

// A path is how a case spends keys in the store under test: a Redeemer over
// a Ledger (Run, RunShared) or a Book over a Journal (RunJournal), on one or
// two handles of one store. A case written against a path is written once.
type path struct {
	book    bool // a Book over a Journal; otherwise a Redeemer over a Ledger
	handles int
	// redeem redeems tk through handle i mod handles for s's tenant: a
	// Redeemer computes on s as given, a Book on the head it reads.
	redeem func(ctx context.Context, i int, s activation.Subscription, tk token.Token, op activation.Operation, at time.Time) (activation.Outcome, error)
	// lookup reads the store itself, never through injected failures.
	lookup func(ctx context.Context, fp token.Fingerprint) (activation.Record, bool, error)
	// through returns the path through a failing store on each handle, a
	// Flush of them all and how many failures they have left to inject.
	through func(f faults) (p *path, flush func() error, left func() int)
	// journals are a Book's handles, read directly; nil for a Redeemer's.
	journals []activation.Journal
}

// handle is the Journal of handle i.
func (p *path) handle(i int) activation.Journal { return p.journals[i%len(p.journals)] }

// faults are the failures a path through failing stores injects, on each
// handle: as FailBefore, FailAfter, CommitLate and FailHead.
type faults struct{ before, after, late, head int }

// ledgerPath spends keys through Redeemers on the handles ls.
func ledgerPath(ls ...activation.Ledger) *path {
	return &path{
		handles: len(ls),
		redeem: func(ctx context.Context, i int, s activation.Subscription, tk token.Token, op activation.Operation, at time.Time) (activation.Outcome, error) {
			return redeemer(ls[i%len(ls)]).Redeem(ctx, s, tk, op, at)
		},
		lookup: ls[0].Lookup,
		through: func(f faults) (*path, func() error, func() int) {
			fs := make([]*FailingLedger, len(ls))
			inner := make([]activation.Ledger, len(ls))
			for i, l := range ls {
				fs[i] = &FailingLedger{Inner: l, FailBefore: f.before, FailAfter: f.after, CommitLate: f.late}
				inner[i] = fs[i]
			}
			left := func() (n int) {
				for _, f := range fs {
					f.mu.Lock()
					n += f.FailBefore + f.FailAfter + f.CommitLate
					f.mu.Unlock()
				}
				return n
			}
			return withLookup(ledgerPath(inner...), ls[0].Lookup), flushAll(fs), left
		},
	}
}

// journalPath spends keys through Books on the handles js.
func journalPath(js ...activation.Journal) *path {
	return &path{
		book:    true,
		handles: len(js),
		redeem: func(ctx context.Context, i int, s activation.Subscription, tk token.Token, op activation.Operation, at time.Time) (activation.Outcome, error) {
			return book(js[i%len(js)]).Redeem(ctx, s.Tenant, s.Product, tk, op, at)
		},
		lookup:   js[0].Lookup,
		journals: js,
		through: func(f faults) (*path, func() error, func() int) {
			fs := make([]*FailingJournal, len(js))
			inner := make([]activation.Journal, len(js))
			for i, j := range js {
				fs[i] = &FailingJournal{Inner: j, FailBefore: f.before, FailAfter: f.after, CommitLate: f.late, FailHead: f.head}
				inner[i] = fs[i]
			}
			left := func() (n int) {
				for _, f := range fs {
					before, after, late, _, _ := f.Remaining()
					n += before + after + late
				}
				return n
			}
			p := withLookup(journalPath(inner...), js[0].Lookup)
			p.journals = js
			return p, flushAll(fs), left
		},
	}
}

func withLookup(p *path, lookup func(context.Context, token.Fingerprint) (activation.Record, bool, error)) *path {
	p.lookup = lookup
	return p
}

// flushAll returns a Flush of every store of fs, which returns the first
// error.
func flushAll[F interface{ Flush() error }](fs []F) func() error {
	return func() error {
		var first error
		for _, f := range fs {
			if err := f.Flush(); err != nil && first == nil {
				first = err
			}
		}
		return first
	}
}

// track makes tenant's subscription the fixture's: a Book imports it, a
// Redeemer's caller holds it.
func (p *path) track(t *testing.T, tenants ...string) {
	t.Helper()
	for _, tenant := range tenants {
		if p.book {
			importFixture(t, p.journals[0], tenant)
		}
	}
}

// requireRecorded checks that the store holds exactly the record of the
// redemption (s, tk, op, at) whose result was o, under tk's fingerprint: a
// Redeemer's under its request identity, a Book's in s's history.
func (p *path) requireRecorded(t *testing.T, s activation.Subscription, tk token.Token, op activation.Operation, at time.Time, o activation.Outcome) {
	t.Helper()
	rec, ok, err := p.lookup(context.Background(), tk.Key.Fingerprint())
	require.NoError(t, err, "Lookup")
	require.True(t, ok, "key %v not recorded", tk.Key)
	require.Equal(t, tk.Key.Fingerprint(), rec.Fingerprint, "Lookup returned the record of another fingerprint")
	require.Equal(t, normal(o), normal(rec.Outcome), "recorded Outcome")
	require.True(t, rec.Outcome.Token.Key.IsZero(), "the record holds the key itself, want only its fingerprint")
	require.False(t, rec.Outcome.Replayed, "recorded Outcome has Replayed set")
	if !p.book {
		require.Equal(t, activation.NewRequestID(s, tk, op, at), rec.Request, "recorded RequestID")
		return
	}
	require.Equal(t, tk.Key.Last5(), rec.KeyTail, "recorded key tail")
	h := history(t, p.journals[0], s.Tenant)
	require.Less(t, int64(0), rec.Seq, "a Book's record has no place")
	require.LessOrEqual(t, rec.Seq, int64(len(h)), "the key's record is not in its history")
	require.Equal(t, utc(rec), h[rec.Seq-1], "the key's record differs from its place in the history")
}

// requireNotRecorded checks that k is not spent.
func (p *path) requireNotRecorded(t *testing.T, k token.Key) {
	t.Helper()
	_, ok, err := p.lookup(context.Background(), k.Fingerprint())
	require.NoError(t, err, "Lookup")
	require.False(t, ok, "key %v recorded, want not spent", k)
}

// requireRedemptions checks that a Book's history of tenant is a chain of the
// tracked fixture and n redemptions; a Ledger keeps no histories.
func (p *path) requireRedemptions(t *testing.T, tenant string, n int) []activation.Record {
	t.Helper()
	if !p.book {
		return nil
	}
	h := history(t, p.journals[0], tenant)
	require.Equal(t, 1+n, len(h), "%s: not the import and %d redemptions: records lost or doubled", tenant, n)
	requireChain(t, h)
	return h
}
