package entitlement

import (
	"context"
	"testing"
	"time"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/token"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// bookKey returns a product key made from n, valid for token.ParseKey.
func bookKey(t testing.TB, n int) token.Key {
	const digits = "0123456789"
	s := "AAAA" + string(digits[n/10%10]) + "-BBBB" + string(digits[n%10]) + "-CCCC3-DDDD4-EEEE5"
	k, err := token.ParseKey(s)
	require.NoError(t, err)
	return k
}

// The position reads its online seats from a Book: each record's state
// from its day on, and a token's redemption day from the Book's record of
// its key (R14, R21).
func TestBookSource(t *testing.T) {
	ctx := context.Background()
	b := &activation.Book{Policy: activation.PartnerCenter(), Journal: activation.NewMemoryJournal(),
		Clock: func() time.Time { return day("2026-07-01") }}
	require.NoError(t, b.Import(ctx, activation.Subscription{Tenant: "contoso", Product: e3, Seats: 60, End: day("2027-07-01")}, day("2026-07-02")))
	k := bookKey(t, 1)
	_, err := b.Redeem(ctx, "contoso", e3, token.Token{Key: k, Product: e3, Seats: 20}, activation.AddSeats, day("2026-08-03"))
	require.NoError(t, err)

	tok := IssuedToken{Fingerprint: k.Fingerprint(), Location: "Munich", Membership: gold, Year: day("2026-07-01"), Pool: office,
		ActivateBy: day("2026-09-01")}
	other := tok
	other.Fingerprint = bookKey(t, 2).Fingerprint()
	other.Redeemed = day("2026-07-20") // spent elsewhere: the Book has no record of it
	src := BookSource{Book: b, Records: Records{Grants: []Grant{grant("Munich", gold, Core, 100)},
		Deployments: []Deployment{deploy("Munich", 20)}, Tokens: []IssuedToken{tok, other},
		Online: []Online{online("fabrikam", e3, 99)}}} // not read
	p, err := New(fixture(), src)
	require.NoError(t, err)

	for _, c := range []struct {
		on                 string
		online, onPremises int64
	}{{"2026-07-01", 0, 0}, {"2026-07-02", 60, 0}, {"2026-08-02", 60, 20}, {"2026-08-03", 80, 20}} {
		pos, err := p.Position(ctx, day(c.on))
		require.NoError(t, err)
		assert.Equal(t, c.online, pos.Pools[0].World.Online, c.on)
		assert.Equal(t, c.onPremises, pos.Pools[0].World.OnPremises, c.on)
	}
	var got []IssuedToken
	for x, err := range src.Tokens(ctx) {
		require.NoError(t, err)
		got = append(got, x)
	}
	require.Len(t, got, 2)
	assert.Equal(t, "2026-08-03", date(got[0].Redeemed), "the Book's record of the key")
	assert.Equal(t, "2026-07-20", date(got[1].Redeemed), "a key the Book has no record of keeps its day")

	fs, err := p.Check(ctx, day("2026-08-03"))
	require.NoError(t, err)
	assert.Empty(t, only(fs, OverEntitlement), "80 online + 20 on premises of 100 granted")
	require.NoError(t, b.Import(ctx, activation.Subscription{Tenant: "contoso", Product: e3, Seats: 81, End: day("2027-07-01")}, day("2026-08-10")))
	fs, err = p.Check(ctx, day("2026-08-10"))
	require.NoError(t, err)
	require.Len(t, only(fs, OverEntitlement), 1, "81 + 20: over by one, read from the Book on this call")
}

// A BookSource without a Book is an error of reading, never a panic.
func TestBookSourceNoBook(t *testing.T) {
	p, err := New(fixture(), BookSource{Records: Records{Tokens: []IssuedToken{{Fingerprint: [32]byte{1}, Location: "Munich",
		Membership: gold, Year: day("2026-07-01"), Pool: office}}}})
	require.NoError(t, err)
	_, err = p.Position(context.Background(), day("2026-08-01"))
	require.ErrorIs(t, err, ErrInvalid)
	_, err = p.Check(context.Background(), day("2026-08-01"))
	require.ErrorIs(t, err, ErrInvalid)
	for _, err := range (BookSource{}).Tokens(context.Background()) {
		require.ErrorIs(t, err, ErrInvalid)
	}
}

// A replacement (R12) counts with the replacement key's seats, not the
// replaced key's: the book's head after it is what the new key would have
// made; both keys count as redeemed.
func TestBookSourceReplacement(t *testing.T) {
	ctx := context.Background()
	b := &activation.Book{Policy: activation.PartnerCenter(), Journal: activation.NewMemoryJournal()}
	oldKey, newKey := bookKey(t, 1), bookKey(t, 2)
	_, err := b.Redeem(ctx, "contoso", e3, token.Token{Key: oldKey, Product: e3, Seats: 90}, activation.Activate, day("2026-07-02"))
	require.NoError(t, err)
	_, err = b.Replace(ctx, oldKey, token.Token{Key: newKey, Product: e3, Seats: 70}, day("2026-07-20"))
	require.NoError(t, err)

	toks := []IssuedToken{
		{Fingerprint: oldKey.Fingerprint(), Location: "Munich", Membership: gold, Year: day("2026-07-01"), Pool: office},
		{Fingerprint: newKey.Fingerprint(), Location: "Munich", Membership: gold, Year: day("2026-07-01"), Pool: office},
	}
	src := BookSource{Book: b, Records: Records{Grants: []Grant{grant("Munich", gold, Core, 100)}, Tokens: toks}}
	p, err := New(fixture(), src)
	require.NoError(t, err)
	pos, err := p.Position(ctx, day("2026-07-19"))
	require.NoError(t, err)
	assert.Equal(t, int64(90), pos.Pools[0].World.Online, "before the replacement: the old key's seats")
	pos, err = p.Position(ctx, day("2026-07-20"))
	require.NoError(t, err)
	assert.Equal(t, int64(70), pos.Pools[0].World.Online, "from the replacement: its seats, not the replaced key's")
	for x, err := range src.Tokens(ctx) {
		require.NoError(t, err)
		assert.False(t, x.Redeemed.IsZero(), "both keys are spent")
	}
}
