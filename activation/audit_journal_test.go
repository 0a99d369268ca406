package activation_test

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/token"
)

// rawJournal is a Journal for the audit's tests that returns its histories
// exactly as they were put in it — gaps, repeats, records of another place,
// a key twice — as a broken store would. It checks nothing and cannot
// append.
type rawJournal struct {
	chains map[[2]string][]activation.Record       // each history as given, in order
	heads  map[[2]string]int64                     // a head's Seq other than its last record's
	claims []activation.Record                     // keys claimed outside any history
	lost   map[token.Fingerprint]bool              // keys Lookup does not find
	wrong  map[token.Fingerprint]activation.Record // what Lookup answers for a key instead
	// fromStart makes History answer from the first record whatever
	// afterSeq is: a store whose pages do not go on.
	fromStart bool
	err       error // every call fails with it, if set
	pages     int   // History calls made
}

func newRawJournal() *rawJournal {
	return &rawJournal{chains: map[[2]string][]activation.Record{}, heads: map[[2]string]int64{}}
}

// rawCopy returns a rawJournal with every history of j.
func rawCopy(t require.TestingT, j activation.Journal) *rawJournal {
	helper(t)
	ctx := context.Background()
	r := newRawJournal()
	heads, err := j.Heads(ctx, time.Time{}, time.Time{})
	require.NoError(t, err)
	for _, h := range heads {
		k := [2]string{h.Outcome.After.Tenant, h.Outcome.After.Product}
		recs, err := j.History(ctx, k[0], k[1], 0, 1<<20)
		require.NoError(t, err)
		r.chains[k] = recs
	}
	return r
}

// at returns a pointer to the record at index seq-1 of (tenant, product).
func (r *rawJournal) at(tenant, product string, seq int) *activation.Record {
	return &r.chains[[2]string{tenant, product}][seq-1]
}

func (r *rawJournal) keys() [][2]string {
	ks := make([][2]string, 0, len(r.chains))
	for k := range r.chains {
		ks = append(ks, k)
	}
	slices.SortFunc(ks, func(a, b [2]string) int { return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1])) })
	return ks
}

func (r *rawJournal) Append(context.Context, activation.Record) (activation.Record, activation.Taken, error) {
	return activation.Record{}, activation.NothingTaken, errors.New("raw journal: read only")
}

func (r *rawJournal) Lookup(_ context.Context, fp token.Fingerprint) (activation.Record, bool, error) {
	if r.err != nil {
		return activation.Record{}, false, r.err
	}
	if fp.IsZero() || r.lost[fp] {
		return activation.Record{}, false, nil
	}
	if rec, ok := r.wrong[fp]; ok {
		return rec, true, nil
	}
	for _, rec := range r.claims { // claimed first
		if rec.Fingerprint == fp {
			return rec, true, nil
		}
	}
	for _, k := range r.keys() {
		for _, rec := range r.chains[k] {
			if rec.Fingerprint == fp {
				return rec, true, nil
			}
		}
	}
	return activation.Record{}, false, nil
}

func (r *rawJournal) Head(_ context.Context, tenant, product string) (activation.Record, bool, error) {
	h := r.chains[[2]string{tenant, product}]
	if len(h) == 0 {
		return activation.Record{}, false, r.err
	}
	return h[len(h)-1], true, r.err
}

func (r *rawJournal) History(_ context.Context, tenant, product string, afterSeq int64, limit int) ([]activation.Record, error) {
	r.pages++
	if r.err != nil {
		return nil, r.err
	}
	if r.fromStart {
		afterSeq = 0
	}
	var out []activation.Record
	for _, rec := range r.chains[[2]string{tenant, product}] {
		if rec.Seq > afterSeq && len(out) < limit {
			out = append(out, rec)
		}
	}
	return out, nil
}

// Heads lists every history, unbounded (the audit asks for no bounds).
func (r *rawJournal) Heads(_ context.Context, from, to time.Time) ([]activation.Record, error) {
	if r.err != nil {
		return nil, r.err
	}
	if !from.IsZero() || !to.IsZero() {
		return nil, errors.New("raw journal: Heads with bounds")
	}
	var out []activation.Record
	for _, k := range r.keys() {
		h := r.chains[k]
		head := activation.Record{Outcome: activation.Outcome{After: activation.Subscription{Tenant: k[0], Product: k[1]}}}
		if len(h) > 0 {
			head = h[len(h)-1]
		}
		if seq, ok := r.heads[k]; ok {
			head.Seq = seq
		}
		out = append(out, head)
	}
	return out, nil
}

func auditDay(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// auditKey returns the i-th key of the audit's tests.
func auditKey(t testing.TB, i int) token.Key {
	t.Helper()
	k, err := token.ParseKey(fmt.Sprintf("AUDIT-TESTS-KEYSS-%05d-%05d", i, i*7))
	require.NoError(t, err)
	return k
}

// auditScenario builds three histories with every kind of record, through
// Books on a MemoryJournal:
//
//	"contoso" "M365-E3" (partner-center): #1 import 100 seats, #2 add 25,
//	    #3 extend by 50 (4.8 months), #4 add 10
//	"fabrikam" "Visio" (open-2014): #1 activate 10, #2 early renew (days
//	    lost), #3 renew in the grace on the old end with a 24-month key
//	"northwind" "O365-E1" (partner-center): #1 activate 5, #2 renew after
//	    the end (applied as an activation, R7)
func auditScenario(t testing.TB) *activation.MemoryJournal {
	t.Helper()
	j, pc, open, redeem := scenarioBooks(t)
	redeem(pc, "contoso", "M365-E3", 1, 25, 0, activation.AddSeats, auditDay(2026, 3, 1))
	redeem(pc, "contoso", "M365-E3", 2, 50, 0, activation.ExtendEnd, auditDay(2026, 5, 1))
	redeem(pc, "contoso", "M365-E3", 3, 10, 0, activation.AddSeats, auditDay(2026, 6, 1))
	redeem(open, "fabrikam", "Visio", 4, 10, 0, activation.Activate, auditDay(2026, 1, 10))
	redeem(open, "fabrikam", "Visio", 5, 10, 0, activation.Renew, auditDay(2027, 1, 1))
	redeem(open, "fabrikam", "Visio", 6, 10, 24, activation.Renew, auditDay(2028, 1, 20))
	redeem(pc, "northwind", "O365-E1", 7, 5, 0, activation.Activate, auditDay(2026, 2, 1))
	redeem(pc, "northwind", "O365-E1", 8, 5, 0, activation.Renew, auditDay(2027, 2, 10))
	return j
}

// scenarioBooks returns a MemoryJournal where "contoso" "M365-E3" is
// imported (100 seats until 2027-01-15, on 2026-01-15), Books under
// partner-center and open-2014 on it with a fixed clock, and redeem, which
// redeems key number key (seats, term) through a Book and requires it done.
func scenarioBooks(t testing.TB) (j *activation.MemoryJournal, pc, open *activation.Book,
	redeem func(b *activation.Book, tenant, product string, key, seats, term int, op activation.Operation, at time.Time)) {
	t.Helper()
	ctx := context.Background()
	j = activation.NewMemoryJournal()
	clock := func() time.Time { return time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC) }
	pc = &activation.Book{Policy: activation.PartnerCenter(), Journal: j, Clock: clock}
	open = &activation.Book{Policy: activation.Open2014(), Journal: j, Clock: clock}
	require.NoError(t, pc.Import(ctx, activation.Subscription{Tenant: "contoso", Product: "M365-E3", Seats: 100, End: auditDay(2027, 1, 15)}, auditDay(2026, 1, 15)))
	redeem = func(b *activation.Book, tenant, product string, key, seats, term int, op activation.Operation, at time.Time) {
		t.Helper()
		tk := token.Token{Key: auditKey(t, key), Product: product, Seats: seats, TermMonths: term}
		_, err := b.Redeem(ctx, tenant, product, tk, op, at)
		require.NoError(t, err)
	}
	return j, pc, open, redeem
}

// presets maps every preset's name to the preset.
func presets(t require.TestingT) map[string]activation.Policy {
	m := map[string]activation.Policy{}
	for _, name := range activation.PolicyNames() {
		p, err := activation.PolicyByName(name)
		require.NoError(t, err)
		m[name] = p
	}
	return m
}

// verify runs the audit of j under policies and returns every finding.
func verify(t require.TestingT, j activation.Journal, policies map[string]activation.Policy) ([]activation.Finding, activation.AuditSummary) {
	helper(t)
	var found []activation.Finding
	sum, err := activation.Verifier{Policies: policies}.Verify(context.Background(), j, func(f activation.Finding) error {
		found = append(found, f)
		return nil
	})
	require.NoError(t, err)
	return found, sum
}

// helper marks the caller as a test helper, if t keeps helpers (a rapid.T
// does not).
func helper(t require.TestingT) {
	if h, ok := t.(interface{ Helper() }); ok {
		h.Helper()
	}
}
