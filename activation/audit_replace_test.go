package activation_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/token"
)

// replaceScenario builds two histories with replacements (R12), through
// Books on a MemoryJournal:
//
//	"contoso" "M365-E3" (partner-center): #1 import 100 seats, #2 add 25
//	    (key 1), #3 key 2 (40 seats) replaces key 1 on day 19, #4 add 10
//	"fabrikam" "Visio" (open-2014): #1 activate 10 (key 4), #2 key 5
//	    (20 seats, 24 months) replaces key 4 on day 30, the window's last
func replaceScenario(t testing.TB) *activation.MemoryJournal {
	t.Helper()
	j, pc, open, redeem := scenarioBooks(t)
	replace := func(b *activation.Book, old, key, seats, term int, product string, at time.Time) {
		t.Helper()
		tk := token.Token{Key: auditKey(t, key), Product: product, Seats: seats, TermMonths: term}
		_, err := b.Replace(context.Background(), auditKey(t, old), tk, at)
		require.NoError(t, err)
	}
	redeem(pc, ct, cp, 1, 25, 0, activation.AddSeats, auditDay(2026, 3, 1))
	replace(pc, 1, 2, 40, 0, cp, auditDay(2026, 3, 20))
	redeem(pc, ct, cp, 3, 10, 0, activation.AddSeats, auditDay(2026, 6, 1))
	redeem(open, ft, fp, 4, 10, 0, activation.Activate, auditDay(2026, 1, 10))
	replace(open, 4, 5, 20, 24, fp, auditDay(2026, 2, 9))
	return j
}

// TestVerifyChecksReplacements (R12): the audit recomputes a replacement
// from the record it replaces, the one before it in its history, as
// Book.Replace made it — what the replacement key would have made of that
// record's Before with its operation on its day — and checks that it names
// that record's key and tail and lies in its replacement window; a record
// that names a replaced key but is no replacement, or a replacement that
// names none, is malformed. Every case but the first finds nothing where
// replacements are checked for their chain only.
func TestVerifyChecksReplacements(t *testing.T) {
	runAuditCases(t, replaceScenario, 2, []auditCase{
		{name: "clean", tamper: func(*rawJournal) {}},
		{
			name: "seats after a replacement tampered, and the next Before with them",
			tamper: func(r *rawJournal) {
				r.at(ct, cp, 3).Outcome.After.Seats = 150
				r.at(ct, cp, 4).Outcome.Before.Seats = 150
			},
			want: []want{
				{ct, cp, 3, activation.BreakOutcome, `R12: the replacement of the key ending "00007" (#2): After.Seats 150, recomputed 140`},
				{ct, cp, 4, activation.BreakOutcome, "After.Seats 150, recomputed 160"},
			},
		},
		{
			name: "the end after a replacement tampered on the head",
			tamper: func(r *rawJournal) {
				o := &r.at(ft, fp, 2).Outcome
				o.After.End = o.After.End.AddDate(0, 0, -1)
			},
			want: []want{{ft, fp, 2, activation.BreakOutcome, `R12: the replacement of the key ending "00028" (#1): After.End 2028-01-09, recomputed 2028-01-10`}},
		},
		{
			name: "the replacement key's seats tampered: the After no longer follows from them",
			tamper: func(r *rawJournal) {
				r.at(ft, fp, 2).Outcome.Token.Seats = 30
			},
			want: []want{{ft, fp, 2, activation.BreakOutcome, "After.Seats 20, recomputed 30"}},
		},
		{
			name: "the replacement key's term tampered",
			tamper: func(r *rawJournal) {
				r.at(ft, fp, 2).Outcome.Token.TermMonths = 12
			},
			want: []want{{ft, fp, 2, activation.BreakOutcome, "After.End 2028-01-10, recomputed 2027-01-10; TermDays 730, recomputed 365"}},
		},
		{
			name: "a replacement whose Before is not the head it replaced",
			tamper: func(r *rawJournal) {
				r.at(ct, cp, 3).Outcome.Before.Seats = 124
			},
			want: []want{
				{ct, cp, 3, activation.BreakLink, "Outcome.Before is 124 seats until 2027-01-24, the previous record's After is 125 seats until 2027-01-24"},
				{ct, cp, 3, activation.BreakOutcome, `R12: the replacement of the key ending "00007" (#2): Before.Seats 124, recomputed 125`},
			},
		},
		{
			name: "a replacement's state before tampered",
			tamper: func(r *rawJournal) {
				r.at(ct, cp, 3).Outcome.StateBefore = activation.Expired
			},
			want: []want{{ct, cp, 3, activation.BreakOutcome, "StateBefore expired, recomputed active"}},
		},
		{
			name: "a replacement that names another key than the one before it",
			tamper: func(r *rawJournal) {
				r.at(ct, cp, 3).Replaces = auditKey(t, 3).Fingerprint()
			},
			want: []want{{ct, cp, 3, activation.BreakOutcome, `R12: Replaces is not the key fingerprint of the record before it (#2, the key ending "00007")`}},
		},
		{
			name: "a replacement that names another key's tail",
			tamper: func(r *rawJournal) {
				r.at(ct, cp, 3).ReplacesTail = "00003"
			},
			want: []want{{ct, cp, 3, activation.BreakOutcome, `R12: ReplacesTail "00003", the record before it (#2) is of the key ending "00007"`}},
		},
		{
			name: "a replacement after its window (day 31)",
			tamper: func(r *rawJournal) {
				r.at(ft, fp, 2).Outcome.At = auditDay(2026, 2, 10)
			},
			want: []want{{ft, fp, 2, activation.BreakOutcome, "R12: the day 2026-02-10 is outside the replacement window of the record before it, 2026-01-10 … 2026-02-09"}},
		},
		{
			name: "a replacement computed on its own day instead of the replaced record's",
			tamper: func(r *rawJournal) {
				o := &r.at(ft, fp, 2).Outcome
				o.After.End = auditDay(2028, 2, 9) // 24 months from the replacement day
			},
			want: []want{{ft, fp, 2, activation.BreakOutcome, "After.End 2028-02-09, recomputed 2028-01-10"}},
		},
		{
			name: "a replacement key of another product: the policy refuses it",
			tamper: func(r *rawJournal) {
				r.at(ft, fp, 2).Outcome.Token.Product = cp
			},
			want: []want{{ft, fp, 2, activation.BreakOutcome, `R12: policy "open-2014" refuses the replacement key on the replaced record's day`}},
		},
		{
			name: "a replacement under a policy not given is not verifiable",
			tamper: func(r *rawJournal) {
				r.at(ct, cp, 3).Policy = "partner-centre"
			},
			want: []want{{ct, cp, 3, activation.NotVerifiable, `policy "partner-centre" is not among the policies given`}},
		},
		{
			name: "a replacement recomputed under a customised copy of its policy",
			policies: func(m map[string]activation.Policy) {
				p := m["open-2014"]
				p.ReplacementWindowDays = 10
				m["open-2014"] = p
			},
			tamper: func(*rawJournal) {},
			want:   []want{{ft, fp, 2, activation.BreakOutcome, "R12: the day 2026-02-09 is outside the replacement window of the record before it, 2026-01-10 … 2026-01-20"}},
		},
		{
			name: "a replacement at Seq 1 replaces nothing",
			tamper: func(r *rawJournal) {
				rec := *r.at(ft, fp, 2)
				rec.Seq = 1
				r.chains[[2]string{ft, fp}] = []activation.Record{rec}
			},
			want: []want{
				{ft, fp, 1, activation.BreakLink, "Outcome.Before is 10 seats until 2027-01-10, want none"},
				{ft, fp, 1, activation.BreakOutcome, "R12: a replacement at Seq 1: there is no record before it to replace"},
			},
		},
		{
			name: "a replacement of an import",
			tamper: func(r *rawJournal) {
				h := r.chains[[2]string{ct, cp}]
				rep := h[2]
				rep.Seq, rep.Outcome.Before = 2, h[0].Outcome.After
				r.chains[[2]string{ct, cp}] = []activation.Record{h[0], rep}
			},
			want: []want{{ct, cp, 2, activation.BreakOutcome, "R12: the record before it (#1) is an import, not a redemption: there is no key to replace"}},
		},
		{
			name: "a replacement of a replacement",
			tamper: func(r *rawJournal) {
				h := r.chains[[2]string{ft, fp}]
				again := h[1]
				again.Seq, again.Outcome.Before = 3, h[1].Outcome.After
				again.Fingerprint, again.KeyTail = auditKey(t, 9).Fingerprint(), auditKey(t, 9).Last5()
				again.Replaces, again.ReplacesTail = h[1].Fingerprint, h[1].KeyTail
				r.chains[[2]string{ft, fp}] = append(h, again)
			},
			want: []want{{ft, fp, 3, activation.BreakOutcome, "R12: the record before it (#2) is a replace, not a redemption"}},
		},
		{
			name: "a replacement that claims no replaced key",
			tamper: func(r *rawJournal) {
				r.at(ct, cp, 3).Replaces = token.Fingerprint{}
			},
			want: []want{
				{ct, cp, 3, activation.BreakMalformed, "a replacement without the replaced key's fingerprint: it claims no key (R12)"},
				{ct, cp, 3, activation.BreakOutcome, "R12: Replaces is not the key fingerprint of the record before it"},
			},
		},
		{
			name: "a replacement without the replaced key's tail",
			tamper: func(r *rawJournal) {
				r.at(ct, cp, 3).ReplacesTail = ""
			},
			want: []want{
				{ct, cp, 3, activation.BreakMalformed, "a replacement whose replaced key tail is not five characters A–Z, 0–9"},
				{ct, cp, 3, activation.BreakOutcome, `R12: ReplacesTail "", the record before it (#2) is of the key ending "00007"`},
			},
		},
		{
			name: "a replacement without its own key fingerprint",
			tamper: func(r *rawJournal) {
				r.at(ft, fp, 2).Fingerprint = token.Fingerprint{}
			},
			want: []want{{ft, fp, 2, activation.BreakMalformed, "a redemption without a key fingerprint"}},
		},
		{
			name: "a redemption that names a replaced key",
			tamper: func(r *rawJournal) {
				r.at(ct, cp, 4).Replaces = auditKey(t, 1).Fingerprint()
			},
			want: []want{{ct, cp, 4, activation.BreakMalformed, "an add-seats record that names a replaced key: only a replacement does (R12)"}},
		},
		{
			name: "an import that names a replaced key's tail",
			tamper: func(r *rawJournal) {
				r.at(ct, cp, 1).ReplacesTail = "00001"
			},
			want: []want{{ct, cp, 1, activation.BreakMalformed, "an import record that names a replaced key"}},
		},
		{
			name: "the record before a replacement unreadable: nothing to recompute it from",
			tamper: func(r *rawJournal) {
				h := r.chains[[2]string{ct, cp}]
				r.chains[[2]string{ct, cp}] = append(h[:1:1], h[2:]...)
			},
			want: []want{{ct, cp, 2, activation.BreakSequence, "Seq 2 is missing: the history goes on at Seq 3"}},
		},
	})
}

// auditCase is a case of an audit's table test: a journal tampered with,
// under policies changed or not, and the findings expected.
type auditCase struct {
	name     string
	policies func(map[string]activation.Policy) // changes the policies given, if set
	tamper   func(r *rawJournal)
	want     []want
}

// runAuditCases runs each case on a raw copy of the scenario's journal
// and checks its findings and that the audit read chains histories.
func runAuditCases(t *testing.T, scenario func(testing.TB) *activation.MemoryJournal, chains int64, cases []auditCase) {
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := rawCopy(t, scenario(t))
			c.tamper(r)
			policies := presets(t)
			if c.policies != nil {
				c.policies(policies)
			}
			found, sum := verify(t, r, policies)
			requireFindings(t, c.want, found, sum)
			assert.EqualValues(t, chains, sum.Chains)
		})
	}
}

// requireFindings checks that found are the findings expected, in order —
// place and kind, and each detail holding the one expected — and that sum
// counts them.
func requireFindings(t *testing.T, expected []want, found []activation.Finding, sum activation.AuditSummary) {
	t.Helper()
	got := make([]want, len(found))
	var breaks, nv int64
	for i, f := range found {
		got[i] = want{f.Tenant, f.Product, f.Seq, f.Kind, ""}
		if i < len(expected) {
			assert.Contains(t, f.Detail, expected[i].detail, "finding %d: %v", i, f)
		}
		if f.Kind.IsBreak() {
			breaks++
		} else {
			nv++
		}
	}
	expect := make([]want, len(expected))
	for i, w := range expected {
		expect[i] = want{w.tenant, w.product, w.seq, w.kind, ""}
	}
	require.Equal(t, expect, got, "findings: %v", found)
	assert.Equal(t, breaks, sum.Breaks)
	assert.Equal(t, nv, sum.NotVerifiable)
}
