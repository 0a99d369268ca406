package activation_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/internal/keytext"
	"github.com/coterm/coterm/token"
)

// pastedKey is the key of the spellings below, and pastedGroups its groups
// and the words of the spelling without a digit.
const pastedKey = "AB3DE-FG5HJ-KL7MN-PQ9RS-TUVW2"

var pastedGroups = []string{"AB3DE", "FG5HJ", "KL7MN", "PQ9RS", "TUVW2", "ADAMS", "EVANS"}

// pastedSpellings are the ways a key went through as a name: each is
// refused as a name, and none comes back in any message or JSON.
var pastedSpellings = map[string]string{
	"canonical":                pastedKey,
	"trailing dot":             pastedKey + ".",
	"no-break spaces":          strings.ReplaceAll(pastedKey, "-", "\u00a0"),
	"ASCII quotes":             `"` + pastedKey + `"`,
	"typographic quotes":       "“" + pastedKey + "”",
	"em dashes":                strings.ReplaceAll(pastedKey, "-", "—"),
	"fullwidth between groups": "AB3DE－FG5HJ　KL7MN．PQ9RS／TUVW2",
	"fullwidth throughout":     "ＡＢ３ＤＥ－ＦＧ５ＨＪ－ＫＬ７ＭＮ－ＰＱ９ＲＳ－ＴＵＶＷ２",
	"key: label":               "key: " + pastedKey,
	"mixed separators":         "AB3DE-FG5HJ KL7MN_PQ9RS.TUVW2",
	"inside a longer name":     "Contoso (" + pastedKey + ")",
	"words, wholly a key":      "Adams Baker Clark Davis Evans",
}

// requireNoPastedKey fails if s shows any group of the pasted key, in ASCII
// or fullwidth, or the key as a run in any spelling.
func requireNoPastedKey(t *testing.T, s, what string) {
	t.Helper()
	folded := strings.ToUpper(strings.Map(func(r rune) rune {
		if 0xFF01 <= r && r <= 0xFF5E {
			return r - 0xFEE0
		}
		return r
	}, s))
	for _, g := range pastedGroups {
		require.NotContains(t, folded, g, "%s: %s", what, s)
	}
	require.False(t, slices.Contains(keytext.Shaped(s), pastedKey), "%s: %s", what, s)
}

// TestPastedKeyNeverComesBack: a key pasted into the token's product, a
// tenant, a product or a policy name, in every spelling that went through,
// is refused as a name by the Book and the Redeemer (ErrInvalid, nothing
// recorded, the key not spent), and no message or JSON of Policy.Apply,
// Policy.Options (a Preview's JSON), Book.Redeem, Book.Preview,
// Book.Import or Redeemer.Redeem shows it. The product mismatch that
// Policy.Apply reports names the product only when the rule lets it
// through.
func TestPastedKeyNeverComesBack(t *testing.T) {
	ctx := context.Background()
	at := bkDate(2026, 12, 1)
	sub := bkSub(100, bkDate(2027, 3, 1))
	for name, pasted := range pastedSpellings {
		t.Run(name, func(t *testing.T) {
			require.True(t, keytext.Holds(pasted), "the rule catches %q", pasted)

			// Policy.Apply and Options, which check no names: a product
			// mismatch with the pasted text on either side.
			p := activation.PartnerCenter()
			tk := bkTok(t, 1, 5)
			tk.Product = pasted
			_, err := p.Apply(sub, tk, activation.AddSeats, at)
			require.ErrorIs(t, err, activation.ErrProductMismatch)
			requireNoPastedKey(t, err.Error(), "Apply, the token's product")
			assert.Contains(t, err.Error(), `subscription for "O365-E3"`)
			other := sub
			other.Product = pasted
			_, err = p.Apply(other, bkTok(t, 1, 5), activation.AddSeats, at)
			require.ErrorIs(t, err, activation.ErrProductMismatch)
			requireNoPastedKey(t, err.Error(), "Apply, the subscription's product")
			b, err := json.Marshal(activation.Preview{Subscription: sub, Options: p.Options(sub, tk, at)})
			require.NoError(t, err)
			requireNoPastedKey(t, string(b), "a Preview's JSON")

			// The Book: every name it records.
			book, j := newBook()
			require.NoError(t, book.Import(ctx, sub, bkDate(2026, 6, 1)))
			named := &activation.Book{Policy: activation.PartnerCenter(), Journal: j}
			named.Policy.Name = pasted
			calls := map[string]error{}
			_, calls["Redeem, the token's product"] = book.Redeem(ctx, bkTenant, bkProduct, tk, activation.AddSeats, at)
			_, calls["Redeem, tenant"] = book.Redeem(ctx, pasted, bkProduct, bkTok(t, 1, 5), activation.Activate, at)
			_, calls["Redeem, product"] = book.Redeem(ctx, bkTenant, pasted, bkTok(t, 1, 5), activation.Activate, at)
			_, calls["Redeem, policy name"] = named.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 1, 5), activation.AddSeats, at)
			var previews []activation.Preview
			for _, c := range []struct {
				call            string
				b               *activation.Book
				tenant, product string
				tk              token.Token
			}{
				{"Preview, the token's product", book, bkTenant, bkProduct, tk},
				{"Preview, tenant", book, pasted, bkProduct, bkTok(t, 1, 5)},
				{"Preview, product", book, bkTenant, pasted, bkTok(t, 1, 5)},
				{"Preview, policy name", named, bkTenant, bkProduct, bkTok(t, 1, 5)},
			} {
				var pv activation.Preview
				pv, calls[c.call] = c.b.Preview(ctx, c.tenant, c.product, c.tk, at)
				previews = append(previews, pv)
			}
			calls["Import, tenant"] = book.Import(ctx, activation.Subscription{Tenant: pasted, Product: bkProduct, Seats: 1, End: bkDate(2027, 1, 1)}, at)
			calls["Import, product"] = book.Import(ctx, activation.Subscription{Tenant: bkTenant, Product: pasted, Seats: 1, End: bkDate(2027, 1, 1)}, at)
			calls["Import, policy name"] = named.Import(ctx, bkSub(120, bkDate(2027, 1, 1)), at)

			// The Redeemer: the same names.
			rs, rtk, rat := redeemFixture(t)
			l := activation.NewMemoryLedger()
			r := &activation.Redeemer{Policy: activation.PartnerCenter(), Ledger: l}
			rp := &activation.Redeemer{Policy: activation.PartnerCenter(), Ledger: l}
			rp.Policy.Name = pasted
			bad := rtk
			bad.Product = pasted
			_, calls["Redeemer, the token's product"] = r.Redeem(ctx, rs, bad, activation.AddSeats, rat)
			bs := rs
			bs.Tenant = pasted
			_, calls["Redeemer, tenant"] = r.Redeem(ctx, bs, rtk, activation.AddSeats, rat)
			bs = rs
			bs.Product = pasted
			_, calls["Redeemer, product"] = r.Redeem(ctx, bs, rtk, activation.AddSeats, rat)
			_, calls["Redeemer, policy name"] = rp.Redeem(ctx, rs, rtk, activation.AddSeats, rat)

			for call, err := range calls {
				require.ErrorIs(t, err, activation.ErrInvalid, call)
				require.Contains(t, err.Error(), "could be read as a product key", call)
				requireNoPastedKey(t, err.Error(), call)
			}
			for _, pv := range previews {
				b, err := json.Marshal(pv)
				require.NoError(t, err)
				requireNoPastedKey(t, string(b), "Preview JSON")
			}
			require.Equal(t, 1, j.Len(), "only the first import is recorded")
			require.Zero(t, l.Len(), "no key spent")
		})
	}
}

// TestNameOfWordsPasses: a name of words that holds a key-shaped run without
// a digit is not a key: the Book records it and quotes it in a product
// mismatch.
func TestNameOfWordsPasses(t *testing.T) {
	ctx := context.Background()
	const firm = "Adams Baker Clark Davis Evans LLP"
	require.NoError(t, activation.CheckName("tenant", firm))
	b, _ := newBook()
	s := bkSub(10, bkDate(2027, 3, 1))
	s.Tenant = firm
	require.NoError(t, b.Import(ctx, s, bkDate(2026, 6, 1)))
	got, ok, err := b.Subscription(ctx, firm, bkProduct)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, firm, got.Tenant)
	tk := bkTok(t, 1, 5)
	tk.Product = firm
	_, err = activation.PartnerCenter().Apply(s, tk, activation.AddSeats, bkDate(2026, 12, 1))
	require.ErrorIs(t, err, activation.ErrProductMismatch)
	require.Equal(t, `activation: product mismatch: key for "Adams Baker Clark Davis Evans LLP", subscription for "O365-E3"`, err.Error())
}
