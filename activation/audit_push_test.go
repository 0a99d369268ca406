package activation_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
)

// history returns the records of (tenant, product) in j.
func historyOf(t *testing.T, j activation.Journal, tenant, product string) []activation.Record {
	t.Helper()
	recs, err := j.History(context.Background(), tenant, product, 0, 1<<20)
	require.NoError(t, err)
	return recs
}

// TestAuditFedByAStore: a store that reads its own records feeds an Audit:
// a change of tenant or of product alone starts a history; an unreadable
// record takes its place (counted, a break, its successor not linked); the
// store's own findings and duplicate keys are counted by kind; after found
// fails, every call returns its error and nothing more is reported.
func TestAuditFedByAStore(t *testing.T) {
	j := auditScenario(t)
	var found []activation.Finding
	a, err := activation.Verifier{Policies: presets(t)}.Begin(func(f activation.Finding) error {
		found = append(found, f)
		return nil
	})
	require.NoError(t, err)
	feed := func(tenant, product string, recs []activation.Record) {
		for _, rec := range recs {
			require.NoError(t, a.Record(tenant, product, rec))
		}
	}
	contoso := historyOf(t, j, ct, cp)
	feed(ct, cp, contoso[:1])
	require.NoError(t, a.Unreadable(ct, cp, 2, "bad bytes"))
	feed(ct, cp, contoso[2:])
	// Another tenant, same product: an unreadable record starts a history.
	require.NoError(t, a.Unreadable("contoso-ltd", cp, 1, "bad bytes"))
	// Same tenant, another product: a history of its own. Its first record
	// is contoso's #1 (another product in After and Before): a link and a
	// place break.
	feed(ct, "Visio", contoso[:1])
	feed(ft, fp, historyOf(t, j, ft, fp))
	// Another tenant, same product as the last: a history of its own too.
	// Its record, northwind's activation, breaks link and place; its
	// recomputation holds (it starts from the record's own Before).
	feed(nt, fp, historyOf(t, j, nt, np)[:1])
	require.NoError(t, a.Report(activation.Finding{Place: activation.Place{Tenant: nt, Product: np}, Kind: activation.BreakStore, Detail: "a column"}))
	require.NoError(t, a.Report(activation.Finding{Place: activation.Place{Tenant: nt, Product: np, Seq: 1}, Kind: activation.NotVerifiable, Detail: "no policy"}))
	require.NoError(t, a.DuplicateKey(activation.Place{Tenant: nt, Product: np, Seq: 2}, activation.Place{Tenant: ct, Product: cp, Seq: 2}))

	want := []struct {
		place activation.Place
		kind  activation.FindingKind
	}{
		{activation.Place{Tenant: ct, Product: cp, Seq: 2}, activation.BreakUnreadable},
		{activation.Place{Tenant: "contoso-ltd", Product: cp, Seq: 1}, activation.BreakUnreadable},
		{activation.Place{Tenant: ct, Product: "Visio", Seq: 1}, activation.BreakLink},
		{activation.Place{Tenant: ct, Product: "Visio", Seq: 1}, activation.BreakPlace},
		{activation.Place{Tenant: nt, Product: fp, Seq: 1}, activation.BreakLink},
		{activation.Place{Tenant: nt, Product: fp, Seq: 1}, activation.BreakPlace},
		{activation.Place{Tenant: nt, Product: np}, activation.BreakStore},
		{activation.Place{Tenant: nt, Product: np, Seq: 1}, activation.NotVerifiable},
		{activation.Place{Tenant: nt, Product: np, Seq: 2}, activation.BreakDuplicateKey},
	}
	require.Len(t, found, len(want), "%v", found)
	for i, w := range want {
		require.Equal(t, w.place, found[i].Place, "finding %d: %v", i, found[i])
		require.Equal(t, w.kind, found[i].Kind, "finding %d: %v", i, found[i])
	}
	require.Equal(t, "bad bytes", found[0].Detail)
	require.Equal(t, `the same key is recorded at "contoso" "M365-E3" #2`, found[8].Detail)
	require.Equal(t, activation.AuditSummary{Chains: 5, Records: 4 + 1 + 1 + 3 + 1, Breaks: 8, NotVerifiable: 1}, a.Summary())

	// found fails: the Audit stops and keeps answering with its error.
	stop := errors.New("stop")
	calls := 0
	a, err = activation.Verifier{Policies: presets(t)}.Begin(func(activation.Finding) error { calls++; return stop })
	require.NoError(t, err)
	require.ErrorIs(t, a.Unreadable(ct, cp, 1, "bad"), stop)
	require.ErrorIs(t, a.Record(ct, cp, contoso[1]), stop)
	require.ErrorIs(t, a.Unreadable(ct, cp, 3, "bad"), stop)
	require.ErrorIs(t, a.Report(activation.Finding{Kind: activation.BreakStore}), stop)
	require.ErrorIs(t, a.DuplicateKey(activation.Place{}, activation.Place{}), stop)
	require.Equal(t, 1, calls)
	require.Equal(t, activation.AuditSummary{Chains: 1, Records: 1, Breaks: 1}, a.Summary())

	_, err = activation.Verifier{}.Begin(nil)
	require.ErrorIs(t, err, activation.ErrInvalid)
}

// TestFindingKinds: the zero kind is unknown and no break; every kind has
// its name; only NotVerifiable among the known kinds is not a break.
func TestFindingKinds(t *testing.T) {
	names := map[activation.FindingKind]string{
		activation.BreakSequence: "sequence", activation.BreakLink: "link", activation.BreakPlace: "place",
		activation.BreakOutcome: "outcome", activation.BreakMalformed: "malformed", activation.BreakDuplicateKey: "duplicate-key",
		activation.BreakStore: "store", activation.BreakUnreadable: "unreadable", activation.NotVerifiable: "not-verifiable",
	}
	for k := activation.FindingKind(-1); k <= activation.NotVerifiable+1; k++ {
		name, known := names[k]
		if !known {
			name = "FindingKind(" + map[activation.FindingKind]string{-1: "-1", 0: "0", activation.NotVerifiable + 1: "10"}[k] + ")"
		}
		require.Equal(t, name, k.String())
		require.Equal(t, known && k != activation.NotVerifiable, k.IsBreak(), "%v", k)
	}
	require.Equal(t, 1, int(activation.BreakSequence), "the zero value is unknown")
	f := activation.Finding{Place: activation.Place{Tenant: ct, Product: cp}, Kind: activation.BreakStore, Detail: "x"}
	require.Equal(t, `"contoso" "M365-E3" (claim): store: x`, f.String())
	require.Equal(t, "1 chain, 2 records: 0 breaks, 1 not verifiable", activation.AuditSummary{Chains: 1, Records: 2, NotVerifiable: 1}.String())
}

// TestMissingComparesPlaces: a record of the current Journal is the old
// one's only at the same place: the same Seq of the same subscription.
func TestMissingComparesPlaces(t *testing.T) {
	old := auditScenario(t)
	cur := rawCopy(t, old)
	h := cur.chains[[2]string{ct, cp}]
	cur.chains[[2]string{ct, cp}] = append(h[:1:1], h[2:]...) // #2 lost: current goes on at #3
	cur.at(ft, fp, 1).Outcome.After.Tenant = "fabrikam-ltd"   // the record at fabrikam #1 is another place's
	got, sum := missing(t, old, cur)
	require.Equal(t, activation.MissingSummary{Chains: 3, Records: 9, Missing: 2}, sum)
	require.Equal(t, activation.Place{Tenant: ct, Product: cp, Seq: 2}, placeOf(got[0].Record))
	require.False(t, got[0].PlaceTaken, "#3 is not at #2's place")
	require.False(t, got[0].KeySpent, "the key is lost with its record")
	require.Equal(t, activation.Place{Tenant: ft, Product: fp, Seq: 1}, placeOf(got[1].Record))
	require.False(t, got[1].PlaceTaken, "a record naming another subscription is not at the place")

	ctx := context.Background()
	none := func(activation.MissingRecord) error { return nil }
	for _, args := range []struct {
		ctx          context.Context
		old, current activation.Journal
		found        func(activation.MissingRecord) error
	}{{nil, old, old, none}, {ctx, nil, old, none}, {ctx, old, nil, none}, {ctx, old, old, nil}} {
		_, err := activation.Missing(args.ctx, args.old, args.current, args.found)
		require.ErrorIs(t, err, activation.ErrInvalid)
	}
}
