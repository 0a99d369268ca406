package history

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/activation/ledgertest"
	"github.com/coterm/coterm/token"
)

// TestCompactJournalMatches runs random appends and reads on a
// CompactJournal and on activation.MemoryJournal, the reference, and
// requires the same answers (records compared by their binary encoding).
func TestCompactJournalMatches(t *testing.T) {
	ctx := context.Background()
	same := func(t *rapid.T, what string, a, b activation.Record) {
		ea, err := a.MarshalBinary()
		require.NoError(t, err)
		eb, err := b.MarshalBinary()
		require.NoError(t, err)
		require.Equal(t, ea, eb, what)
	}
	rapid.Check(t, func(t *rapid.T) {
		var got CompactJournal
		want := activation.NewMemoryJournal()
		tenants := []string{"contoso", "fabrikam"}
		keys := []token.Fingerprint{{}, token.MustParseKey("FAKE0-KEY00-NOT00-REAL0-AAAA1").Fingerprint(),
			token.MustParseKey("FAKE0-KEY00-NOT00-REAL0-AAAA2").Fingerprint(), token.MustParseKey("FAKE0-KEY00-NOT00-REAL0-AAAA3").Fingerprint()}
		day := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		t.Repeat(map[string]func(*rapid.T){
			"append": func(t *rapid.T) {
				tenant := rapid.SampledFrom(tenants).Draw(t, "tenant")
				seats := rapid.IntRange(1, 1000).Draw(t, "seats")
				end := day.Add(time.Duration(rapid.IntRange(0, 800).Draw(t, "end")) * 24 * time.Hour)
				s := activation.Subscription{Tenant: tenant, Product: "M365", Seats: seats, End: end}
				rec := activation.Record{
					Fingerprint: rapid.SampledFrom(keys).Draw(t, "key"),
					Seq:         int64(rapid.IntRange(0, 6).Draw(t, "seq")),
					Outcome:     activation.Outcome{Op: activation.Import, At: day, After: s},
					KeyTail:     "AAAA1",
					Policy:      "partner-center",
				}
				gs, gt, gerr := got.Append(ctx, rec)
				ws, wt, werr := want.Append(ctx, rec)
				require.Equal(t, werr == nil, gerr == nil, "append error: %v, want %v", gerr, werr)
				require.Equal(t, wt, gt, "taken")
				if werr == nil {
					same(t, "stored", ws, gs)
				}
			},
			"read": func(t *rapid.T) {
				tenant := rapid.SampledFrom(tenants).Draw(t, "tenant")
				gh, gok, gerr := got.Head(ctx, tenant, "M365")
				wh, wok, werr := want.Head(ctx, tenant, "M365")
				require.NoError(t, gerr)
				require.NoError(t, werr)
				require.Equal(t, wok, gok)
				if wok {
					same(t, "head", wh, gh)
				}
				after := int64(rapid.IntRange(-1, 5).Draw(t, "after"))
				limit := rapid.IntRange(1, 3).Draw(t, "limit")
				gl, gerr := got.History(ctx, tenant, "M365", after, limit)
				wl, werr := want.History(ctx, tenant, "M365", after, limit)
				require.NoError(t, gerr)
				require.NoError(t, werr)
				require.Len(t, gl, len(wl))
				for i := range wl {
					same(t, "history", wl[i], gl[i])
				}
				fp := rapid.SampledFrom(keys[1:]).Draw(t, "lookup")
				gr, gok, gerr := got.Lookup(ctx, fp)
				wr, wok, werr := want.Lookup(ctx, fp)
				require.NoError(t, gerr)
				require.NoError(t, werr)
				require.Equal(t, wok, gok)
				if wok {
					same(t, "lookup", wr, gr)
				}
				from := day.Add(time.Duration(rapid.IntRange(0, 800).Draw(t, "from")) * 24 * time.Hour)
				gs, gerr := got.Heads(ctx, from, time.Time{})
				ws, werr := want.Heads(ctx, from, time.Time{})
				require.NoError(t, gerr)
				require.NoError(t, werr)
				require.Len(t, gs, len(ws))
				for i := range ws {
					same(t, "heads", ws[i], gs[i])
				}
			},
		})
	})
}

// TestCompactJournalBook: a Book on a CompactJournal redeems, replays and
// refuses as on a MemoryJournal.
func TestCompactJournalBook(t *testing.T) {
	ctx := context.Background()
	done, cancel := context.WithCancel(ctx)
	cancel()
	var j CompactJournal
	_, _, err := j.Append(done, activation.Record{Seq: 1})
	require.Error(t, err, "a done context records nothing")
	book := &activation.Book{Policy: activation.PartnerCenter(), Journal: &j}
	at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	tok := token.Token{Key: token.MustParseKey("FAKE0-KEY00-NOT00-REAL0-AAAA1"), Product: "M365", Seats: 10}
	o, err := book.Redeem(ctx, "contoso", "M365", tok, activation.Activate, at)
	require.NoError(t, err)
	require.False(t, o.Replayed)
	o, err = book.Redeem(ctx, "contoso", "M365", tok, activation.Activate, at)
	require.NoError(t, err)
	require.True(t, o.Replayed, "the identical request replays")
	_, err = book.Redeem(ctx, "fabrikam", "M365", tok, activation.Activate, at)
	require.ErrorIs(t, err, activation.ErrAlreadyRedeemed)
	recs, err := book.History(ctx, "contoso", "M365")
	require.NoError(t, err)
	require.Len(t, recs, 1)
	require.Equal(t, "AAAA1", recs[0].KeyTail)
}

// TestCompactJournalConformance runs the Journal conformance suite every
// store must pass.
func TestCompactJournalConformance(t *testing.T) {
	ledgertest.RunJournal(t, func(t *testing.T) (activation.Journal, activation.Journal) {
		j := &CompactJournal{}
		return j, j
	})
}

// TestCompactJournalPrefixCollision: keys whose fingerprints share the
// first 8 bytes (the index's key) are told apart.
func TestCompactJournalPrefixCollision(t *testing.T) {
	ctx := context.Background()
	var j CompactJournal
	day := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var fps [3]token.Fingerprint
	for i := range fps {
		fps[i][0], fps[i][31] = 7, byte(i+1) // one prefix, three keys
	}
	for i, tenant := range []string{"contoso", "fabrikam"} {
		rec := activation.Record{Seq: 1, Fingerprint: fps[i], Outcome: activation.Outcome{
			Op: activation.Activate, Applied: activation.Activate, At: day,
			After: activation.Subscription{Tenant: tenant, Product: "M365", Seats: 10 + i, End: day.AddDate(1, 0, 0)}}}
		_, taken, err := j.Append(ctx, rec)
		require.NoError(t, err)
		require.Equal(t, activation.NothingTaken, taken, tenant)
	}
	for i, tenant := range []string{"contoso", "fabrikam"} {
		rec, ok, err := j.Lookup(ctx, fps[i])
		require.NoError(t, err)
		require.True(t, ok, tenant)
		require.Equal(t, tenant, rec.Outcome.After.Tenant)
		require.Equal(t, fps[i], rec.Fingerprint)
	}
	_, ok, err := j.Lookup(ctx, fps[2])
	require.NoError(t, err)
	require.False(t, ok, "a third key with the same prefix is not spent")
	stored, taken, err := j.Append(ctx, activation.Record{Seq: 1, Fingerprint: fps[1], Outcome: activation.Outcome{
		After: activation.Subscription{Tenant: "northwind", Product: "M365", Seats: 1, End: day}}})
	require.NoError(t, err)
	require.Equal(t, activation.KeyTaken, taken)
	require.Equal(t, "fabrikam", stored.Outcome.After.Tenant)
}
