package pgledger_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/activation/pgledger"
	"github.com/coterm/coterm/token"
)

// replaceBooks writes, through a Book on s: "contoso" "M365-E3"
// (partner-center): #1 activate 100 seats (key 1), #2 key 2 (120 seats)
// replaces key 1 on day 30 (R12).
func replaceBooks(t *testing.T, s *pgledger.Store) {
	t.Helper()
	ctx := context.Background()
	b := &activation.Book{Policy: activation.PartnerCenter(), Journal: s}
	_, err := b.Redeem(ctx, "contoso", "M365-E3", token.Token{Key: testKey(t, "REPLC", 1), Product: "M365-E3", Seats: 100},
		activation.Activate, day(2027, 1, 31))
	require.NoError(t, err)
	_, err = b.Replace(ctx, testKey(t, "REPLC", 1), token.Token{Key: testKey(t, "REPLC", 2), Product: "M365-E3", Seats: 120}, day(2027, 3, 2))
	require.NoError(t, err)
}

// TestStoreVerifyReplacementColumns: the columns replaces_tail and
// replacement_claim (the claim that makes a key's replacement once, R12)
// must be what the record's bytes give — a replacement's replaced key's
// tail and Record.ReplacementClaim, NULL for every other record — as every
// other column must; a row whose columns say otherwise is the store's
// break, the columns named, never quoted. A replacement rewritten with
// every column to match is recomputed from the record it replaces.
func TestStoreVerifyReplacementColumns(t *testing.T) {
	needDB(t)
	contoso := func(seq int64) activation.Place {
		return activation.Place{Tenant: "contoso", Product: "M365-E3", Seq: seq}
	}
	cases := []pgCase{
		{name: "clean", tamper: func(*testing.T, *pgledger.Store) {}},
		{
			name: "the replaced key's tail",
			tamper: func(t *testing.T, s *pgledger.Store) {
				tamper(t, s, `UPDATE coterm_records SET replaces_tail = 'ZZZZZ' WHERE seq = 2`)
			},
			want: []pgWant{{contoso(2), activation.BreakStore, "columns differ from the record: replaces_tail differs"}},
		},
		{
			name: "the claim on the replaced key",
			tamper: func(t *testing.T, s *pgledger.Store) {
				tamper(t, s, `UPDATE coterm_records SET replacement_claim = sha256('another key') WHERE seq = 2`)
			},
			want: []pgWant{{contoso(2), activation.BreakStore, "columns differ from the record: replacement_claim differs"}},
		},
		{
			name: "a replacement's claim dropped: the key could be replaced again",
			tamper: func(t *testing.T, s *pgledger.Store) {
				tamper(t, s, `UPDATE coterm_records SET replaces_tail = NULL, replacement_claim = NULL WHERE seq = 2`)
			},
			want: []pgWant{{contoso(2), activation.BreakStore, "columns differ from the record: replaces_tail differs; replacement_claim differs"}},
		},
		{
			name: "a redemption given a claim",
			tamper: func(t *testing.T, s *pgledger.Store) {
				tamper(t, s, `UPDATE coterm_records SET replaces_tail = 'AAAAA', replacement_claim = sha256('a key') WHERE seq = 1`)
			},
			want: []pgWant{{contoso(1), activation.BreakStore, "columns differ from the record: replaces_tail differs; replacement_claim differs"}},
		},
		{
			name: "a replacement's Outcome rewritten with every column to match",
			tamper: func(t *testing.T, s *pgledger.Store) {
				rec := recordAt(t, s, "contoso", "M365-E3", 2)
				rec.Outcome.After.Seats = 150
				rewrite(t, s, "contoso", "M365-E3", 2, rec)
			},
			want: []pgWant{{contoso(2), activation.BreakOutcome, `R12: the replacement of the key ending "00001" (#1): After.Seats 150, recomputed 120`}},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newStore(t)
			replaceBooks(t, s)
			c.tamper(t, s)
			found, sum := storeVerify(t, s)
			requirePgFindings(t, c.want, found)
			require.Equal(t, activation.AuditSummary{Chains: 1, Records: 2, Breaks: int64(len(c.want))}, sum)
		})
	}
}

// pgCase is a case of a Store audit's table test: the store tampered with
// and the findings expected.
type pgCase struct {
	name   string
	tamper func(t *testing.T, s *pgledger.Store)
	want   []pgWant
}

// requirePgFindings checks that found are the findings expected, in order:
// place and kind, each detail holding the one expected and no key.
func requirePgFindings(t *testing.T, expected []pgWant, found []activation.Finding) {
	t.Helper()
	got := make([]pgWant, len(found))
	for i, f := range found {
		got[i] = pgWant{f.Place, f.Kind, ""}
		if i < len(expected) {
			assert.Contains(t, f.Detail, expected[i].detail, "finding %d: %v", i, f)
		}
		assert.NotContains(t, f.String(), "PGLDG-")
	}
	expect := make([]pgWant, len(expected))
	for i, w := range expected {
		expect[i] = pgWant{w.place, w.kind, ""}
	}
	require.Equal(t, expect, got, "findings: %v", found)
}
