package ledgertest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/token"
)

// changeCases are the cases of change records ([activation.ChangeRecord]):
// the chains another package keeps on a Journal's machinery. [RunJournal]
// runs them; [RunChanges] runs them alone.
var changeCases = map[string]func(*testing.T, [2]activation.Journal){
	"ChangeRoundTrip":             testChangeRoundTrip,
	"ChangeOncePerRequest":        testChangeOnce,
	"ChangeRaceOncePerRequest":    testChangeRace,
	"ChangeOneKindPerPlace":       testChangeOneKind,
	"ChangeRaceKindsOnFreshPlace": testChangeKindRace,
	"ChangeNeverListed":           testChangeNotListed,
	"ChangeHistoryPages":          testChangeHistory,
	"ChangeRefusedStoresNothing":  testChangeRefused,
	"ChangeStoreFails":            testChangeFails,
}

// RunChanges runs the cases of change records alone, against the stores
// open returns, as [RunJournal] runs them among its own: a round trip of
// every field, exactly one record per change request (under a race of many
// requests on one place), one kind per place (under a race on a fresh
// place), never a head that Heads or HeadsAfter list, History and Head of
// a chain, Lookup by [activation.ChangeFingerprint], refused records that
// store nothing, and a store that fails before or after its commit.
func RunChanges(t *testing.T, open OpenJournal) {
	t.Helper()
	run(t, changeCases, opener(open))
}

// changeKind is the name of the suite's chains ([activation.ChangeFingerprint]).
const changeKind = "ledgertest"

// branch is the place of the suite's chains of changes beside the fixture's
// subscription product.
const branch = "Munich"

// change returns a well-formed change record of request id at (tenant,
// where) Seq seq: its Request is the same for every Seq, its Change names
// its Seq.
func change(tenant, where, id string, seq int64) activation.Record {
	return activation.Record{
		Kind:        activation.ChangeRecord,
		Fingerprint: activation.ChangeFingerprint(changeKind, id),
		Request:     activation.RequestID(activation.ChangeFingerprint(changeKind+"/request", id)),
		Seq:         seq,
		Policy:      "ledgertest changes v1",
		RecordedAt:  recordedAt,
		Outcome: activation.Outcome{
			At:    fixtureDay,
			After: activation.Subscription{Tenant: tenant, Product: where},
		},
		Change: fmt.Sprintf(`{"request":%q,"seq":%d,"deploy":{"pool":"Office Professional Plus","licences":20}}`, id, seq),
		Note:   "20 Office Professional Plus licences deployed at " + where,
	}
}

// requireStored requires that j holds exactly recs at (tenant, where), in
// Seq order, each found by Lookup under its fingerprint (if it has one).
func requireStored(t *testing.T, j activation.Journal, tenant, where string, recs ...activation.Record) {
	t.Helper()
	ctx := context.Background()
	h, err := j.History(ctx, tenant, where, 0, len(recs)+10)
	require.NoError(t, err, "History")
	require.Equal(t, utcAll(recs), utcAll(h), "the chain of (%s, %s)", tenant, where)
	head, ok, err := j.Head(ctx, tenant, where)
	require.NoError(t, err, "Head")
	require.Equal(t, len(recs) > 0, ok, "a head of (%s, %s)", tenant, where)
	if len(recs) > 0 {
		require.Equal(t, utc(recs[len(recs)-1]), utc(head), "the head of (%s, %s)", tenant, where)
	}
	for _, rec := range recs {
		if rec.Fingerprint.IsZero() {
			continue // an import guards no key
		}
		got, ok, err := j.Lookup(ctx, rec.Fingerprint)
		require.NoError(t, err, "Lookup")
		require.True(t, ok, "Lookup does not find the change at Seq %d", rec.Seq)
		require.Equal(t, utc(rec), utc(got))
	}
}

// requireNoFingerprint requires that j holds nothing under fp.
func requireNoFingerprint(t *testing.T, j activation.Journal, fp token.Fingerprint, why string) {
	t.Helper()
	_, ok, err := j.Lookup(context.Background(), fp)
	require.NoError(t, err, "Lookup")
	require.False(t, ok, why)
}

// A change record comes back with every field as given, through either
// handle: by Head, History and Lookup under its request's fingerprint; so
// does a change of MaxChange bytes and one with no note.
func testChangeRoundTrip(t *testing.T, js [2]activation.Journal) {
	ctx := context.Background()
	first := change(firstTenant, branch, "rt-1", 1)
	first.Change = `{"deploy":{"pool":"Office Professional Plus","licences":20},"site":"München — Schwabing ✓"}`
	first.Note = "20 licences deployed at München\ton the 3rd floor"
	first.RecordedAt = time.Date(2026, time.June, 15, 11, 30, 0, 123456789, time.FixedZone("CEST", 2*3600))
	first.Outcome.At = date(2026, time.June, 14)
	for name, zero := range map[string]bool{
		"Kind": first.Kind == 0, "Fingerprint": first.Fingerprint.IsZero(), "Request": first.Request == activation.RequestID{},
		"Policy": first.Policy == "", "RecordedAt": first.RecordedAt.IsZero(), "Outcome.At": first.Outcome.At.IsZero(),
		"Change": first.Change == "", "Note": first.Note == "",
	} {
		require.False(t, zero, "the round trip leaves %s zero", name)
	}
	big := change(firstTenant, branch, "rt-2", 2)
	big.Change = `"` + strings.Repeat("ä", (activation.MaxChange-2)/2) + `"`
	require.Len(t, big.Change, activation.MaxChange)
	bare := change(firstTenant, branch, "rt-3", 3)
	bare.Note = ""
	for _, rec := range []activation.Record{first, big, bare} {
		requireAppend(t, js[rec.Seq%2], rec, activation.NothingTaken, rec)
	}
	for _, j := range js {
		requireStored(t, j, firstTenant, branch, first, big, bare)
	}
	got, ok, err := js[1].Lookup(ctx, activation.ChangeFingerprint(changeKind, "rt-1"))
	require.NoError(t, err)
	require.True(t, ok, "Lookup by ChangeFingerprint")
	require.True(t, got.RecordedAt.Equal(first.RecordedAt), "RecordedAt %v, want the instant %v", got.RecordedAt, first.RecordedAt)
	requireNoFingerprint(t, js[0], activation.ChangeFingerprint(changeKind, "rt-4"), "a request never made is found")
	requireNoFingerprint(t, js[0], activation.ChangeFingerprint("other", "rt-1"), "another chain kind's request is found")
}

// One record per change request: a retry finds its record (KeyTaken) at any
// place, even in another chain; another request finds the place taken or a
// gap; the same id under another kind is another request.
func testChangeOnce(t *testing.T, js [2]activation.Journal) {
	j := js[0]
	r1 := change(firstTenant, branch, "once-1", 1)
	requireAppend(t, j, r1, activation.NothingTaken, r1)
	requireAppend(t, js[1], r1, activation.KeyTaken, r1)
	requireAppend(t, j, change(firstTenant, branch, "once-1", 2), activation.KeyTaken, r1)
	requireAppend(t, j, change(firstTenant, "Berlin", "once-1", 1), activation.KeyTaken, r1)
	requireAppend(t, j, change(firstTenant, branch, "once-2", 1), activation.PlaceTaken, r1)
	_, _, err := j.Append(context.Background(), change(firstTenant, branch, "once-2", 3))
	require.ErrorIs(t, err, activation.ErrGap, "a change at Seq 3 after Seq 1")
	requireNoFingerprint(t, j, activation.ChangeFingerprint(changeKind, "once-2"), "a refused change is recorded")
	r2 := change(firstTenant, branch, "once-2", 2)
	requireAppend(t, js[1], r2, activation.NothingTaken, r2)
	other := change(firstTenant, "Berlin", "once-1", 1)
	other.Fingerprint = activation.ChangeFingerprint("other", "once-1")
	requireAppend(t, j, other, activation.NothingTaken, other)
	requireStored(t, j, firstTenant, branch, r1, r2)
	requireStored(t, js[1], firstTenant, "Berlin", other)
}

// Racers goroutines, spread over both handles, append a quarter as many
// requests to one chain, each appending its request after the head it read
// until it is stored or found: each request is recorded once, the chain
// has no gap, and every goroutine ends with its request's record.
func testChangeRace(t *testing.T, js [2]activation.Journal) {
	ctx := context.Background()
	const requests = Racers / 4
	type answer struct {
		rec   activation.Record
		taken activation.Taken
		err   error
	}
	res := raceAll(func(i int) answer {
		j, id := js[i%2], fmt.Sprint("race-", i%requests)
		for range 8 * Racers {
			head, _, err := j.Head(ctx, firstTenant, branch)
			if err != nil {
				return answer{err: err}
			}
			stored, taken, err := j.Append(ctx, change(firstTenant, branch, id, head.Seq+1))
			if err != nil || taken != activation.PlaceTaken {
				return answer{stored, taken, err}
			}
		}
		return answer{err: fmt.Errorf("request %s: the place was taken %d times", id, 8*Racers)}
	})
	applied := map[string]int{}
	bySeq := map[int64]activation.Record{}
	for i, a := range res {
		require.NoError(t, a.err, "racer %d", i)
		id := fmt.Sprint("race-", i%requests)
		require.Equal(t, activation.ChangeFingerprint(changeKind, id), a.rec.Fingerprint, "racer %d ends with another request's record", i)
		if a.taken == activation.NothingTaken {
			applied[id]++
		} else {
			require.Equal(t, activation.KeyTaken, a.taken, "racer %d", i)
		}
		if prev, ok := bySeq[a.rec.Seq]; ok {
			require.Equal(t, utc(prev), utc(a.rec), "two records answered for Seq %d", a.rec.Seq)
		}
		bySeq[a.rec.Seq] = a.rec
	}
	require.Len(t, applied, requests, "requests applied")
	for id, n := range applied {
		require.Equal(t, 1, n, "request %s applied %d times", id, n)
	}
	h, err := js[1].History(ctx, firstTenant, branch, 0, 2*requests)
	require.NoError(t, err)
	require.Len(t, h, requests, "one record per request")
	seen := map[token.Fingerprint]bool{}
	for i, rec := range h {
		require.Equal(t, int64(i+1), rec.Seq, "a gap in the chain")
		require.False(t, seen[rec.Fingerprint], "a request recorded twice")
		seen[rec.Fingerprint] = true
		require.Equal(t, utc(bySeq[rec.Seq]), utc(rec), "the record at Seq %d is not the one its racers were answered with", rec.Seq)
	}
}

// importAt returns an import (a subscription record) at (tenant, where)
// Seq seq.
func importAt(tenant, where string, seq int64, seats int) activation.Record {
	rec := place(tenant, seq, token.Key{}, seats)
	rec.Outcome.After.Product, rec.Outcome.Before.Product = where, where
	return rec
}

// A place holds records of one kind: a subscription record after a change
// and a change after a subscription record are refused (ErrInvalid),
// storing nothing, through Append, AppendBatch and AppendInTurn, and so is
// a batch of two kinds; a taken key, then a taken place, answer before the
// kind.
func testChangeOneKind(t *testing.T, js [2]activation.Journal) {
	ctx := context.Background()
	j := js[0]
	c1 := change(firstTenant, branch, "kind-1", 1)
	requireAppend(t, j, c1, activation.NothingTaken, c1)
	k := key(t, "CK", 1)
	keyed := importAt(firstTenant, branch, 2, 7)
	keyed.Fingerprint, keyed.KeyTail = k.Fingerprint(), k.Last5()
	keyed.Outcome.Op, keyed.Outcome.Applied = activation.AddSeats, activation.AddSeats
	keyed.Outcome.Token = token.Token{Product: branch, Seats: 7}
	for name, rec := range map[string]activation.Record{"an import": importAt(firstTenant, branch, 2, 5), "a redemption": keyed} {
		_, _, err := js[1].Append(ctx, rec)
		require.ErrorIs(t, err, activation.ErrInvalid, "%s after a change", name)
	}
	requireNoFingerprint(t, j, k.Fingerprint(), "a record refused for its kind recorded its key")

	imp := importAt(firstTenant, product, 1, 100)
	requireAppend(t, j, imp, activation.NothingTaken, imp)
	_, _, err := js[1].Append(ctx, change(firstTenant, product, "kind-2", 2))
	require.ErrorIs(t, err, activation.ErrInvalid, "a change after a subscription record")
	requireNoFingerprint(t, j, activation.ChangeFingerprint(changeKind, "kind-2"), "a change refused for its kind is recorded")
	requireAppend(t, j, change(firstTenant, product, "kind-2", 1), activation.PlaceTaken, imp)
	requireAppend(t, j, change(firstTenant, product, "kind-1", 2), activation.KeyTaken, c1)

	if bj, ok := j.(activation.BatchJournal); ok {
		_, err := bj.AppendBatch(ctx, []activation.Record{importAt(firstTenant, branch, 2, 5)})
		require.ErrorIs(t, err, activation.ErrInvalid, "a batch of an import after a change")
		_, err = bj.AppendBatch(ctx, []activation.Record{change(firstTenant, product, "kind-3", 2)})
		require.ErrorIs(t, err, activation.ErrInvalid, "a batch of a change after a subscription record")
		requireNoFingerprint(t, j, activation.ChangeFingerprint(changeKind, "kind-3"), "a batch refused for its kind is recorded")
		_, err = bj.AppendBatch(ctx, []activation.Record{change(firstTenant, "Fresh", "kind-7", 1), importAt(firstTenant, "Fresh", 2, 5)})
		require.Error(t, err, "a batch of two kinds")
		requireStored(t, j, firstTenant, "Fresh")
		requireNoFingerprint(t, j, activation.ChangeFingerprint(changeKind, "kind-7"), "a batch of two kinds is recorded")
		c2, c3 := change(firstTenant, branch, "kind-4", 2), change(firstTenant, branch, "kind-5", 3)
		c, err := bj.AppendBatch(ctx, []activation.Record{c2, c3})
		require.NoError(t, err, "a batch of changes")
		require.Equal(t, activation.Conflict{}, c)
		c1 = c3 // the chain's head
		requireStored(t, j, firstTenant, branch, change(firstTenant, branch, "kind-1", 1), c2, c3)
	}
	if tj, ok := js[1].(activation.TurnJournal); ok {
		_, _, err := tj.AppendInTurn(ctx, firstTenant, branch, func(head activation.Record, _ bool) (activation.Record, error) {
			return importAt(firstTenant, branch, head.Seq+1, 5), nil
		})
		require.ErrorIs(t, err, activation.ErrInvalid, "a turn's import after a change")
		next := change(firstTenant, branch, "kind-6", c1.Seq+1)
		stored, taken, err := tj.AppendInTurn(ctx, firstTenant, branch, func(head activation.Record, _ bool) (activation.Record, error) {
			require.Equal(t, utc(c1), utc(head), "the head read in the turn")
			return next, nil
		})
		require.NoError(t, err, "a turn's change after a change")
		require.Equal(t, activation.NothingTaken, taken)
		require.Equal(t, utc(next), utc(stored))
	}
	requireStored(t, j, firstTenant, product, imp)
}

// Racers goroutines, spread over both handles, race for Seq 1 of fresh
// places, half with a change, half with an import: one of each race is
// stored and every other one finds the place taken by it; afterwards the
// place takes records of its winner's kind only.
func testChangeKindRace(t *testing.T, js [2]activation.Journal) {
	ctx := context.Background()
	for round := range 4 {
		fresh := fmt.Sprint("Fresh-", round)
		candidate := func(i int, seq int64) activation.Record {
			if (i+round)%2 == 0 {
				return change(firstTenant, fresh, fmt.Sprintf("fresh-%d-%d", round, i), seq)
			}
			return importAt(firstTenant, fresh, seq, i+1)
		}
		type answer struct {
			rec   activation.Record
			taken activation.Taken
			err   error
		}
		res := raceAll(func(i int) answer {
			stored, taken, err := js[i%2].Append(ctx, candidate(i, 1))
			return answer{stored, taken, err}
		})
		winner := -1
		for i, a := range res {
			require.NoError(t, a.err, "racer %d", i)
			if a.taken == activation.NothingTaken {
				require.Equal(t, -1, winner, "racers %d and %d both stored at Seq 1", winner, i)
				winner = i
			}
		}
		require.NotEqual(t, -1, winner, "no racer stored")
		won := utc(candidate(winner, 1))
		for i, a := range res {
			require.Equal(t, won, utc(a.rec), "racer %d was answered with another record", i)
			if i != winner {
				require.Equal(t, activation.PlaceTaken, a.taken, "racer %d", i)
			}
		}
		_, _, err := js[round%2].Append(ctx, candidate(winner+1, 2))
		require.ErrorIs(t, err, activation.ErrInvalid, "round %d: the other kind at Seq 2", round)
		same := candidate(winner+2, 2)
		requireAppend(t, js[1-round%2], same, activation.NothingTaken, same)
		requireStored(t, js[0], firstTenant, fresh, candidate(winner, 1), same)
	}
}

// Heads, HeadsAfter, and so a Book's listings and Due, list subscriptions
// only: a chain of changes between two subscriptions in byte order, with
// no end date, is never a head.
func testChangeNotListed(t *testing.T, js [2]activation.Journal) {
	ctx := context.Background()
	for _, tenant := range []string{"a", "z"} {
		imp := importAt(tenant, product, 1, 10)
		requireAppend(t, js[0], imp, activation.NothingTaken, imp)
	}
	noTerm := importAt("b", product, 1, 10)
	noTerm.Outcome.After.End = time.Time{}
	requireAppend(t, js[0], noTerm, activation.NothingTaken, noTerm)
	for seq := int64(1); seq <= 3; seq++ {
		for _, tenant := range []string{"a", "m"} {
			c := change(tenant, "Munich", fmt.Sprintf("%s-%d", tenant, seq), seq)
			requireAppend(t, js[seq%2], c, activation.NothingTaken, c)
		}
	}
	want := []string{"a", "b", "z"}
	tenants := func(recs []activation.Record) []string {
		out := []string{}
		for _, r := range recs {
			require.Equal(t, activation.SubscriptionRecord, r.Kind, "a head of (%s, %s)", r.Outcome.After.Tenant, r.Outcome.After.Product)
			out = append(out, r.Outcome.After.Tenant)
		}
		return out
	}
	for _, j := range js {
		for _, b := range [][2]time.Time{{}, {{}, date(9999, time.January, 1)}, {date(2000, time.January, 1), {}}} {
			heads, err := j.Heads(ctx, b[0], b[1])
			require.NoError(t, err)
			expect := want
			if !b[0].IsZero() {
				expect = []string{"a", "z"} // no term is no end date from a day on
			}
			require.Equal(t, expect, tenants(heads), "Heads(%v, %v)", b[0], b[1])
		}
		if pj, ok := j.(activation.PagedJournal); ok {
			var got []activation.Record
			var after [2]string
			for range 10 {
				page, err := pj.HeadsAfter(ctx, after[0], after[1], 1)
				require.NoError(t, err)
				if len(page) == 0 {
					break
				}
				got = append(got, page...)
				after = [2]string{page[0].Outcome.After.Tenant, page[0].Outcome.After.Product}
			}
			require.Equal(t, want, tenants(got), "HeadsAfter in pages of 1")
		}
		var listed []string
		for s, err := range book(j).SubscriptionsSeq(ctx) {
			require.NoError(t, err)
			listed = append(listed, s.Tenant)
		}
		require.Equal(t, want, listed, "a Book's listing")
		due, err := book(j).Due(ctx, time.Time{}, time.Time{})
		require.NoError(t, err)
		for _, d := range due {
			require.NotEqual(t, "Munich", d.Product, "a deadline of a chain of changes")
		}
	}
}

// History pages a chain of changes by Seq and Head answers its last record,
// through either handle.
func testChangeHistory(t *testing.T, js [2]activation.Journal) {
	ctx := context.Background()
	var recs []activation.Record
	for seq := int64(1); seq <= 5; seq++ {
		c := change(firstTenant, branch, fmt.Sprint("hist-", seq), seq)
		requireAppend(t, js[seq%2], c, activation.NothingTaken, c)
		recs = append(recs, c)
	}
	for _, j := range js {
		for _, p := range []struct {
			after int64
			limit int
			want  []activation.Record
		}{{0, 2, recs[:2]}, {2, 2, recs[2:4]}, {4, 10, recs[4:]}, {5, 10, nil}, {1, 1, recs[1:2]}} {
			page, err := j.History(ctx, firstTenant, branch, p.after, p.limit)
			require.NoError(t, err)
			require.Equal(t, utcAll(p.want), utcAll(page), "History(after %d, limit %d)", p.after, p.limit)
		}
		requireStored(t, j, firstTenant, branch, recs...)
	}
}

// A change record that MarshalBinary refuses is refused by Append, storing
// nothing, and its error shows no key.
func testChangeRefused(t *testing.T, js [2]activation.Journal) {
	ctx := context.Background()
	k := key(t, "CR", 1)
	for name, mend := range map[string]func(*activation.Record){
		"Seq 0":              func(r *activation.Record) { r.Seq = 0 },
		"zero fingerprint":   func(r *activation.Record) { r.Fingerprint = token.Fingerprint{} },
		"a key tail":         func(r *activation.Record) { r.KeyTail = k.Last5() },
		"seats":              func(r *activation.Record) { r.Outcome.After.Seats = 5 },
		"no change":          func(r *activation.Record) { r.Change = "" },
		"change not UTF-8":   func(r *activation.Record) { r.Change = "\xff" },
		"change too long":    func(r *activation.Record) { r.Change = strings.Repeat("x", activation.MaxChange+1) },
		"a key in the note":  func(r *activation.Record) { r.Note = "deployed with " + k.Reveal() },
		"a key in a change":  func(r *activation.Record) { r.Change = `{"key":"` + k.Reveal() + `"}` },
		"a key as its place": func(r *activation.Record) { r.Outcome.After.Product = k.Reveal() },
		"a kind not defined": func(r *activation.Record) { r.Kind = 7 },
		"a product key":      func(r *activation.Record) { r.Outcome.Token.Key = k },
	} {
		rec := change(firstTenant, branch, "refused", 1)
		mend(&rec)
		_, _, err := js[0].Append(ctx, rec)
		require.Error(t, err, name)
		if rec.Seq != 0 {
			require.ErrorIs(t, err, activation.ErrInvalid, name)
		}
		require.NotContains(t, strings.ToUpper(err.Error()), k.Reveal(), name)
		requireStored(t, js[1], firstTenant, branch)
		requireStored(t, js[1], firstTenant, k.Reveal())
		requireNoFingerprint(t, js[1], activation.ChangeFingerprint(changeKind, "refused"), name+": recorded")
	}
}

// A store that fails before its commit records nothing: the retry stores.
// One that commits and then fails (a lost reply), or commits late, has
// stored: the retry finds its record (KeyTaken), at its place or at the
// next one, where a caller that read the head again retries.
func testChangeFails(t *testing.T, js [2]activation.Journal) {
	ctx := context.Background()
	j := js[0]
	c1 := change(firstTenant, branch, "fails-1", 1)
	f := &FailingJournal{Inner: j, FailBefore: 1}
	_, _, err := f.Append(ctx, c1)
	require.ErrorIs(t, err, ErrInjected)
	requireStored(t, js[1], firstTenant, branch)
	requireAppend(t, f, c1, activation.NothingTaken, c1)

	c2 := change(firstTenant, branch, "fails-2", 2)
	f = &FailingJournal{Inner: j, FailAfter: 1}
	_, _, err = f.Append(ctx, c2)
	require.ErrorIs(t, err, ErrInjected)
	requireStored(t, js[1], firstTenant, branch, c1, c2)
	requireAppend(t, f, c2, activation.KeyTaken, c2)
	requireAppend(t, f, change(firstTenant, branch, "fails-2", 3), activation.KeyTaken, c2)

	c3 := change(firstTenant, branch, "fails-3", 3)
	f = &FailingJournal{Inner: js[1], CommitLate: 1}
	_, _, err = f.Append(ctx, c3)
	require.ErrorIs(t, err, ErrInjected)
	require.NoError(t, f.Flush(), "the late commit")
	requireAppend(t, f, change(firstTenant, branch, "fails-3", 4), activation.KeyTaken, c3)
	requireStored(t, j, firstTenant, branch, c1, c2, c3)
}
