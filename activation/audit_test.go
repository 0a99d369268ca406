package activation_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/proration"
	"github.com/coterm/coterm/token"
)

// want is a finding a case expects: its place, kind and a part of its
// detail.
type want struct {
	tenant, product string
	seq             int64
	kind            activation.FindingKind
	detail          string
}

const (
	ct, cp = "contoso", "M365-E3"
	ft, fp = "fabrikam", "Visio"
	nt, np = "northwind", "O365-E1"
)

// TestVerifyFindsEachBreak builds broken journals — a store that lost a
// record or returns one twice, a Before that does not follow, an Outcome
// tampered with, an unknown policy, a key recorded twice, a record of
// another subscription — and checks that the audit reports exactly the
// findings each one causes, at their places (R2 for keys; R4, R5, R7 and
// R9 for the recomputed outcomes).
func TestVerifyFindsEachBreak(t *testing.T) {
	runAuditCases(t, auditScenario, 3, []auditCase{
		{name: "clean", tamper: func(*rawJournal) {}},
		{
			name: "a record missing in the middle",
			tamper: func(r *rawJournal) {
				h := r.chains[[2]string{ct, cp}]
				r.chains[[2]string{ct, cp}] = append(h[:2:2], h[3:]...)
			},
			want: []want{{ct, cp, 3, activation.BreakSequence, "Seq 3 is missing: the history goes on at Seq 4"}},
		},
		{
			name: "the first records missing",
			tamper: func(r *rawJournal) {
				r.chains[[2]string{ft, fp}] = r.chains[[2]string{ft, fp}][2:]
			},
			want: []want{{ft, fp, 1, activation.BreakSequence, "Seq 1 to 2 are missing"}},
		},
		{
			name: "the last records missing: the head is further",
			tamper: func(r *rawJournal) {
				r.heads[[2]string{nt, np}] = 4
			},
			want: []want{{nt, np, 3, activation.BreakSequence, "Seq 3 to 4 are missing: the history ends at Seq 2, its head is at Seq 4"}},
		},
		{
			name: "a record returned twice",
			tamper: func(r *rawJournal) {
				h := r.chains[[2]string{ct, cp}]
				r.chains[[2]string{ct, cp}] = append(h[:2:2], h[1:]...)
			},
			want: []want{{ct, cp, 2, activation.BreakSequence, "Seq 2 comes after Seq 2: repeated or out of order"}},
		},
		{
			name: "a Before that does not follow the previous After",
			tamper: func(r *rawJournal) {
				r.at(ct, cp, 4).Outcome.Before.Seats++
			},
			want: []want{
				{ct, cp, 4, activation.BreakLink, "Outcome.Before is 126 seats until 2027-06-18, the previous record's After is 125 seats until 2027-06-18"},
				{ct, cp, 4, activation.BreakOutcome, "After.Seats 135, recomputed 136"},
			},
		},
		{
			name: "the first record does not start from none",
			tamper: func(r *rawJournal) {
				r.at(nt, np, 1).Outcome.Before.Seats = 5
				r.at(nt, np, 1).Outcome.Before.End = auditDay(2026, 3, 1)
			},
			want: []want{
				{nt, np, 1, activation.BreakLink, "Outcome.Before is 5 seats until 2026-03-01, want none (the first record starts from no subscription)"},
				{nt, np, 1, activation.BreakOutcome, `policy "partner-center" refuses this redemption: activation: activate not allowed: subscription active`},
			},
		},
		{
			name: "seats after tampered",
			tamper: func(r *rawJournal) {
				r.at(ct, cp, 2).Outcome.After.Seats = 130
			},
			want: []want{
				{ct, cp, 2, activation.BreakOutcome, "After.Seats 130, recomputed 125"},
				{ct, cp, 3, activation.BreakLink, "the previous record's After is 130 seats"},
			},
		},
		{
			name: "seats after tampered and the next Before with it",
			tamper: func(r *rawJournal) {
				r.at(ct, cp, 2).Outcome.After.Seats = 130
				r.at(ct, cp, 3).Outcome.Before.Seats = 130
			},
			want: []want{
				{ct, cp, 2, activation.BreakOutcome, "After.Seats 130, recomputed 125"},
				{ct, cp, 3, activation.BreakOutcome, "After.Seats 125, recomputed 130"},
			},
		},
		{
			name: "end after tampered on the head",
			tamper: func(r *rawJournal) {
				o := &r.at(ct, cp, 4).Outcome
				o.After.End = o.After.End.AddDate(0, 0, 1)
			},
			want: []want{{ct, cp, 4, activation.BreakOutcome, "After.End 2027-06-18, recomputed 2027-06-17"}},
		},
		{
			name: "months of an extension tampered",
			tamper: func(r *rawJournal) {
				r.at(ct, cp, 3).Outcome.MonthsNum = 6
			},
			want: []want{{ct, cp, 3, activation.BreakOutcome, "MonthsNum 6, recomputed 24"}},
		},
		{
			name: "the key's term tampered on a grace renewal (R9)",
			tamper: func(r *rawJournal) {
				r.at(ft, fp, 3).Outcome.Token.TermMonths = 12
			},
			want: []want{{ft, fp, 3, activation.BreakOutcome, "After.End 2030-01-01, recomputed 2029-01-01; TermDays 731, recomputed 366"}},
		},
		{
			name: "the applied operation of a renewal after the end tampered (R7)",
			tamper: func(r *rawJournal) {
				r.at(nt, np, 2).Outcome.Applied = activation.Renew
			},
			want: []want{{nt, np, 2, activation.BreakOutcome, "Applied renew, recomputed activate"}},
		},
		{
			name: "a key over the extension cap: the policy refuses it (R6)",
			tamper: func(r *rawJournal) {
				r.at(ct, cp, 3).Outcome.Token.Seats = 376
			},
			want: []want{{ct, cp, 3, activation.BreakOutcome, `policy "partner-center" refuses this redemption`}},
		},
		{
			name: "a day before the previous record's",
			tamper: func(r *rawJournal) {
				r.at(nt, np, 2).Outcome.At = auditDay(2026, 1, 1)
			},
			want: []want{
				{nt, np, 2, activation.BreakLink, "the day 2026-01-01 is before the previous record's, 2026-02-01"},
				{nt, np, 2, activation.BreakOutcome, `policy "partner-center" refuses this redemption`},
			},
		},
		{
			name: "an unknown policy name is not verifiable, not a break",
			tamper: func(r *rawJournal) {
				r.at(ct, cp, 2).Policy = "partner-centre"
			},
			want: []want{{ct, cp, 2, activation.NotVerifiable, `policy "partner-centre" is not among the policies given`}},
		},
		{
			name:     "a policy left out of the map",
			policies: func(m map[string]activation.Policy) { delete(m, "open-2014") },
			tamper:   func(*rawJournal) {},
			want: []want{
				{ft, fp, 1, activation.NotVerifiable, `policy "open-2014"`},
				{ft, fp, 2, activation.NotVerifiable, `policy "open-2014"`},
				{ft, fp, 3, activation.NotVerifiable, `policy "open-2014"`},
			},
		},
		{
			name: "a customised copy under the preset's name recomputes otherwise",
			policies: func(m map[string]activation.Policy) {
				p := m["partner-center"]
				p.Rounding = proration.Down // the blended end of R4 and the extension of R5 move
				m["partner-center"] = p
			},
			tamper: func(*rawJournal) {},
			want: []want{
				{ct, cp, 2, activation.BreakOutcome, "Rounding half-even, recomputed down"}, // 41,125 seat-days ÷ 125 seats: no rounding
				{ct, cp, 3, activation.BreakOutcome, "After.End 2027-06-18, recomputed 2027-06-17"},
				{ct, cp, 4, activation.BreakOutcome, "After.End 2027-06-17, recomputed 2027-06-16"},
				{nt, np, 1, activation.BreakOutcome, "Rounding half-even, recomputed down"},
				{nt, np, 2, activation.BreakOutcome, "Rounding half-even, recomputed down"},
			},
		},
		{
			name: "a key recorded twice (R2)",
			tamper: func(r *rawJournal) {
				r.at(nt, np, 2).Fingerprint = r.at(ct, cp, 2).Fingerprint
			},
			want: []want{{nt, np, 2, activation.BreakDuplicateKey, `the same key is recorded at "contoso" "M365-E3" #2`}},
		},
		{
			name: "a key of a history also claimed outside any (R2)",
			tamper: func(r *rawJournal) {
				claim := *r.at(ft, fp, 1)
				claim.Seq = 0
				r.claims = append(r.claims, claim)
			},
			want: []want{{ft, fp, 1, activation.BreakDuplicateKey, `the same key is recorded at "fabrikam" "Visio" (claim)`}},
		},
		{
			name: "a record whose After names another subscription",
			tamper: func(r *rawJournal) {
				r.at(ct, cp, 3).Outcome.After.Tenant = "contoso-ltd"
			},
			want: []want{
				{ct, cp, 3, activation.BreakPlace, `Outcome.After names "contoso-ltd" "M365-E3"`},
				{ct, cp, 3, activation.BreakOutcome, `After.Tenant "contoso-ltd", recomputed "contoso"`},
				{ct, cp, 4, activation.BreakLink, `Outcome.Before is "contoso" "M365-E3" 125 seats until 2027-06-18, the previous record's After is "contoso-ltd" "M365-E3" 125 seats until 2027-06-18`},
			},
		},
		{
			name: "an import tampered with: imports are checked for continuity only",
			tamper: func(r *rawJournal) {
				r.at(ct, cp, 1).Outcome.After.Seats = 90
			},
			want: []want{{ct, cp, 2, activation.BreakLink, "Outcome.Before is 100 seats until 2027-01-15, the previous record's After is 90 seats until 2027-01-15"}},
		},
		{
			name: "a redemption without a key fingerprint",
			tamper: func(r *rawJournal) {
				r.at(ft, fp, 2).Fingerprint = token.Fingerprint{}
			},
			want: []want{{ft, fp, 2, activation.BreakMalformed, "a redemption without a key fingerprint"}},
		},
		{
			name: "a redemption whose key tail is not a key's",
			tamper: func(r *rawJournal) {
				r.at(ft, fp, 2).KeyTail = "eeee5"
			},
			want: []want{{ft, fp, 2, activation.BreakMalformed, "a redemption whose key tail is not five characters"}},
		},
		{
			name: "a key tail of A to Z and 0 to 9 is a key's",
			tamper: func(r *rawJournal) {
				r.at(ft, fp, 2).KeyTail = "AZ09Z"
			},
		},
		{
			name: "a redemption without a key tail",
			tamper: func(r *rawJournal) {
				r.at(ct, cp, 4).KeyTail = ""
			},
			want: []want{{ct, cp, 4, activation.BreakMalformed, "a redemption whose key tail is not five characters"}},
		},
		{
			name: "an import with a key fingerprint",
			tamper: func(r *rawJournal) {
				r.at(ct, cp, 1).Fingerprint = auditKey(t, 99).Fingerprint()
			},
			want: []want{{ct, cp, 1, activation.BreakMalformed, "an import with a key fingerprint"}},
		},
		{
			name: "a record that holds a product key",
			tamper: func(r *rawJournal) {
				r.at(ft, fp, 1).Outcome.Token.Key = auditKey(t, 4)
			},
			want: []want{{ft, fp, 1, activation.BreakMalformed, "the record holds a product key"}},
		},
		{
			name: "a replayed outcome stored",
			tamper: func(r *rawJournal) {
				r.at(ft, fp, 1).Outcome.Replayed = true
			},
			want: []want{{ft, fp, 1, activation.BreakMalformed, "Outcome.Replayed is set"}},
		},
		{
			name: "an import with a key tail",
			tamper: func(r *rawJournal) {
				r.at(ct, cp, 1).KeyTail = "EEEE5"
			},
			want: []want{{ct, cp, 1, activation.BreakMalformed, "an import with a key tail"}},
		},
		{
			name: "a day with a time of day",
			tamper: func(r *rawJournal) {
				o := &r.at(nt, np, 2).Outcome
				o.At = o.At.Add(10 * time.Hour)
			},
			want: []want{{nt, np, 2, activation.BreakOutcome, "At 2027-02-10T10:00:00Z, recomputed 2027-02-10"}},
		},
		{
			name: "an unknown operation",
			tamper: func(r *rawJournal) {
				r.at(ft, fp, 1).Outcome.Op = 9
			},
			want: []want{{ft, fp, 1, activation.BreakMalformed, "unknown operation Operation(9)"}},
		},
	})
}

// TestVerifyStoreFailures: an error of the Journal or of found stops the
// audit and is returned; a Policy that is not valid is refused before
// anything is read; a Lookup that does not find a record's key is the
// store's break.
func TestVerifyStoreFailures(t *testing.T) {
	ctx := context.Background()
	none := func(activation.Finding) error { return nil }

	r := rawCopy(t, auditScenario(t))
	r.err = errors.New("connection reset")
	_, err := activation.Verifier{Policies: presets(t)}.Verify(ctx, r, none)
	require.ErrorContains(t, err, "connection reset")

	stop := errors.New("stdout closed")
	n := 0
	_, err = activation.Verifier{}.Verify(ctx, auditScenario(t), func(activation.Finding) error { n++; return stop })
	require.ErrorIs(t, err, stop)
	require.Equal(t, 1, n, "found is not called after it failed")

	bad := presets(t)
	p := bad["open-2014"]
	p.CapFactor = 0
	bad["open-2014"] = p
	_, err = activation.Verifier{Policies: bad}.Verify(ctx, auditScenario(t), none)
	require.ErrorIs(t, err, activation.ErrInvalid)
	require.ErrorContains(t, err, `policy "open-2014"`)

	_, err = activation.Verifier{}.Verify(ctx, nil, none)
	require.ErrorIs(t, err, activation.ErrInvalid)
	_, err = activation.Verifier{}.Verify(ctx, auditScenario(t), nil)
	require.ErrorIs(t, err, activation.ErrInvalid)

	done, cancel := context.WithCancel(ctx)
	cancel()
	_, err = activation.Verifier{}.Verify(done, auditScenario(t), none)
	require.ErrorIs(t, err, context.Canceled)

	r = rawCopy(t, auditScenario(t))
	r.lost = map[token.Fingerprint]bool{r.at(ct, cp, 2).Fingerprint: true} // an index that lost a key
	found, _ := verify(t, r, presets(t))
	require.Len(t, found, 1)
	require.Equal(t, activation.BreakStore, found[0].Kind)
	require.Equal(t, activation.Place{Tenant: ct, Product: cp, Seq: 2}, found[0].Place)
	require.Contains(t, found[0].Detail, "does not find")

	r = rawCopy(t, auditScenario(t))
	r.wrong = map[token.Fingerprint]activation.Record{r.at(ct, cp, 2).Fingerprint: *r.at(ct, cp, 3)} // an index that points elsewhere
	found, _ = verify(t, r, presets(t))
	require.Len(t, found, 1)
	require.Equal(t, activation.BreakStore, found[0].Kind)
	require.Equal(t, activation.Place{Tenant: ct, Product: cp, Seq: 2}, found[0].Place)
	require.Contains(t, found[0].Detail, "another key's record")

	// A store whose History does not go past a full page would be read for
	// ever: the audit stops with ErrBrokenStore.
	j := activation.NewMemoryJournal()
	b := &activation.Book{Policy: activation.PartnerCenter(), Journal: j}
	require.NoError(t, b.Import(ctx, activation.Subscription{Tenant: ct, Product: cp, Seats: 100, End: auditDay(2027, 1, 15)}, auditDay(2026, 1, 15)))
	for i := range 1000 {
		_, err := b.Redeem(ctx, ct, cp, token.Token{Key: auditKey(t, i), Product: cp, Seats: 1}, activation.AddSeats, auditDay(2026, 3, 1))
		require.NoError(t, err)
	}
	r = rawCopy(t, j)
	r.fromStart = true
	_, err = activation.Verifier{Policies: presets(t)}.Verify(ctx, r, none)
	require.ErrorIs(t, err, activation.ErrBrokenStore)
}

// TestVerifyPagesHistory: a history longer than a page is read in pages and
// checked across their boundaries.
func TestVerifyPagesHistory(t *testing.T) {
	ctx := context.Background()
	j := activation.NewMemoryJournal()
	b := &activation.Book{Policy: activation.PartnerCenter(), Journal: j}
	require.NoError(t, b.Import(ctx, activation.Subscription{Tenant: ct, Product: cp, Seats: 100, End: auditDay(2027, 1, 15)}, auditDay(2026, 1, 15)))
	for i := range 2100 {
		_, err := b.Redeem(ctx, ct, cp, token.Token{Key: auditKey(t, i), Product: cp, Seats: 1}, activation.AddSeats, auditDay(2026, 3, 1))
		require.NoError(t, err)
	}
	r := rawCopy(t, j)
	found, sum := verify(t, r, presets(t))
	require.Empty(t, found)
	require.EqualValues(t, 2101, sum.Records)
	require.Equal(t, 3, r.pages, "pages of 1,000")

	h := r.chains[[2]string{ct, cp}]
	r.chains[[2]string{ct, cp}] = append(h[:1000:1000], h[1001:]...) // Seq 1001 lost, at a page's edge
	found, _ = verify(t, r, presets(t))
	require.Len(t, found, 1)
	require.Equal(t, activation.Finding{Place: activation.Place{Tenant: ct, Product: cp, Seq: 1001}, Kind: activation.BreakSequence,
		Detail: "Seq 1001 is missing: the history goes on at Seq 1002"}, found[0])
}

// TestFindingNeverShowsKey: a finding's line holds no key in clear, though
// a tenant and a policy name are one.
func TestFindingNeverShowsKey(t *testing.T) {
	k := auditKey(t, 5)
	r := rawCopy(t, auditScenario(t))
	r.at(ct, cp, 3).Outcome.After.Tenant = k.Reveal()
	r.at(ct, cp, 2).Policy = k.Reveal()
	r.at(ft, fp, 2).Outcome.After.Tenant = strings.ToLower(strings.ReplaceAll(k.Reveal(), "-", " "))
	found, _ := verify(t, r, presets(t))
	require.Len(t, found, 7)
	bare := strings.ReplaceAll(k.Reveal(), "-", "")
	for _, f := range found {
		line := strings.ToUpper(strings.NewReplacer("-", "", " ", "").Replace(f.String()))
		assert.NotContains(t, line, bare, "%v", f)
	}
	// The names show as the package's rule for names that could be keys
	// has them (masked, or said to be one), never in clear.
	assert.Contains(t, found[0].Detail, "policy ")
}
