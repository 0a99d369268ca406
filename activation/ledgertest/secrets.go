package ledgertest

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/token"
)

// pasted is a key as a person pastes it where a name belongs: each spelling
// is refused by a store in every text field of a record.
const pasted = "AB3DE-FG5HJ-KL7MN-PQ9RS-TUVW2"

// pastedSpellings are spellings of pasted that ParseKey refuses and the
// module's rule for names catches, and a name of words that is wholly a
// key.
var pastedSpellings = []string{
	pasted,
	pasted + ".",
	strings.ReplaceAll(pasted, "-", "\u00a0"),
	"“" + pasted + "”",
	strings.ReplaceAll(pasted, "-", "—"),
	"ＡＢ３ＤＥ－ＦＧ５ＨＪ－ＫＬ７ＭＮ－ＰＱ９ＲＳ－ＴＵＶＷ２",
	"key: " + pasted,
	"AB3DE-FG5HJ KL7MN_PQ9RS.TUVW2",
	"Tenant (" + pasted + ")",
	"XXXXX-XXXXX-XXXXX-XXXXX-TUVW2",
	"Adams Baker Clark Davis Evans",
}

// keyTextEdits are the text fields of a record a store must refuse a key
// in, each a function that writes s there; a key tail is refused unless it
// is at most five characters A–Z, 0–9.
var keyTextEdits = map[string]func(rec *activation.Record, s string){
	"key tail":              func(rec *activation.Record, s string) { rec.KeyTail = s },
	"policy":                func(rec *activation.Record, s string) { rec.Policy = s },
	"the token's product":   func(rec *activation.Record, s string) { rec.Outcome.Token.Product = s },
	"tenant before":         func(rec *activation.Record, s string) { rec.Outcome.Before.Tenant = s },
	"product before":        func(rec *activation.Record, s string) { rec.Outcome.Before.Product = s },
	"tenant after (place)":  func(rec *activation.Record, s string) { rec.Outcome.After.Tenant = s },
	"product after (place)": func(rec *activation.Record, s string) { rec.Outcome.After.Product = s },
}

// badKeyTails are key tails that a masked key never shows.
var badKeyTails = []string{"tuvw2", "TUVW23", "TUVW-", "ＴＵＶＷ２"}

// requireRefusedKeyText checks the answer to a record that holds a key in a
// text field: an error wrapping ErrInvalid that shows no group of the key.
func requireRefusedKeyText(t *testing.T, err error, what string) {
	t.Helper()
	require.ErrorIs(t, err, activation.ErrInvalid, what)
	msg := strings.ToUpper(err.Error())
	for _, g := range []string{"AB3DE", "FG5HJ", "KL7MN", "PQ9RS", "TUVW2", "ＴＵＶＷ２", "ADAMS"} {
		require.NotContains(t, msg, g, "%s: %s", what, err)
	}
}

// testJournalRefusesKeyText: Append refuses a record whose key tail, policy,
// token's product, or tenant or product before or after holds a key in any
// spelling (activation.ErrInvalid), stores nothing, neither the place nor
// the key, and echoes nothing.
func testJournalRefusesKeyText(t *testing.T, js [2]activation.Journal) {
	j := js[0]
	ctx := context.Background()
	n := 0
	for field, edit := range keyTextEdits {
		spellings := pastedSpellings
		if field == "key tail" {
			spellings = append(spellings, badKeyTails...)
		}
		for _, s := range spellings {
			n++
			k := key(t, "KT", n)
			rec := place(firstTenant, 1, k, 5)
			edit(&rec, s)
			_, taken, err := j.Append(ctx, rec)
			requireRefusedKeyText(t, err, "Append, "+field+" "+s)
			require.Equal(t, activation.NothingTaken, taken)
			_, ok, err := j.Lookup(ctx, k.Fingerprint())
			require.NoError(t, err)
			require.False(t, ok, "Append of a key in the %s recorded the key", field)
			_, ok, err = j.Head(ctx, rec.Outcome.After.Tenant, rec.Outcome.After.Product)
			require.NoError(t, err)
			require.False(t, ok, "Append of a key in the %s stored the record", field)
		}
	}
	// A record of the same shape with names of words is stored.
	rec := place("Adams Baker Clark Davis Evans LLP", 1, key(t, "KT", 0), 5)
	rec.Policy = "Adams Baker Clark Davis Evans LLP"
	_, taken, err := j.Append(ctx, rec)
	require.NoError(t, err)
	require.Equal(t, activation.NothingTaken, taken)
}

// testClaimRefusesKeyText: Claim refuses the same records as Append, and
// records nothing.
func testClaimRefusesKeyText(t *testing.T, l activation.Ledger) {
	ctx := context.Background()
	n := 0
	for field, edit := range keyTextEdits {
		for _, s := range append(pastedSpellings, badKeyTails...) {
			if field != "key tail" && !slices.Contains(pastedSpellings, s) {
				continue
			}
			n++
			k := key(t, "KC", n)
			rec := claimFor(k)
			edit(&rec, s)
			_, inserted, err := l.Claim(ctx, rec)
			requireRefusedKeyText(t, err, "Claim, "+field+" "+s)
			require.False(t, inserted)
			_, ok := lookup(t, l, k)
			require.False(t, ok, "Claim of a key in the %s recorded the key", field)
		}
	}
}

// claimFor is a Redeemer's record of k: Seq 0, no place, a key tail.
func claimFor(k token.Key) activation.Record {
	rec := place(firstTenant, 0, k, 5)
	rec.Seq = 0
	return rec
}
