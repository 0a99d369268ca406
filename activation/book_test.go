package activation_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/token"
)

const (
	bkTenant  = "contoso"
	bkProduct = "O365-E3"
)

func bkDate(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func bkKey(t testing.TB, n int) token.Key {
	t.Helper()
	k, err := token.ParseKey(fmt.Sprintf("BOOKK-TESTS-%05d-AAAAA-%05d", n, n))
	require.NoError(t, err)
	return k
}

func bkTok(t testing.TB, n, seats int) token.Token {
	return token.Token{Key: bkKey(t, n), Product: bkProduct, Seats: seats}
}

func bkSub(seats int, end time.Time) activation.Subscription {
	return activation.Subscription{Tenant: bkTenant, Product: bkProduct, Seats: seats, End: end}
}

// fixedClock returns a clock that always says at.
func fixedClock(at time.Time) func() time.Time { return func() time.Time { return at } }

func newBook() (*activation.Book, *activation.MemoryJournal) {
	j := activation.NewMemoryJournal()
	return &activation.Book{Policy: activation.PartnerCenter(), Journal: j, Clock: fixedClock(time.Date(2026, 12, 1, 4, 5, 6, 7, time.UTC))}, j
}

// requireChain checks that h is a chain: Seq 1, 2, …, each Before the
// previous After, the first Before none.
func requireChain(t testing.TB, h []activation.Record) {
	t.Helper()
	for i, rec := range h {
		require.Equal(t, int64(i+1), rec.Seq, "record %d", i)
		if i == 0 {
			require.True(t, rec.Outcome.Before.IsNone(), "first record's Before is not none: %+v", rec.Outcome.Before)
			continue
		}
		require.Equal(t, h[i-1].Outcome.After, rec.Outcome.Before, "record %d's Before is not record %d's After", i+1, i)
	}
}

func TestBookImportAndRedeem(t *testing.T) {
	ctx := context.Background()
	b, _ := newBook()
	_, ok, err := b.Subscription(ctx, bkTenant, bkProduct)
	require.NoError(t, err)
	require.False(t, ok)

	// R5 scenario 1: 100 active seats + a 25-seat key = +3 months.
	require.NoError(t, b.Import(ctx, bkSub(100, bkDate(2027, 1, 1)), bkDate(2026, 6, 1)))
	require.NoError(t, b.Import(ctx, bkSub(100, bkDate(2027, 1, 1)), bkDate(2026, 6, 2)), "an import equal to the head")
	s, ok, err := b.Subscription(ctx, bkTenant, bkProduct)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, bkSub(100, bkDate(2027, 1, 1)), s)

	o, err := b.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 1, 25), activation.ExtendEnd, bkDate(2026, 6, 15))
	require.NoError(t, err)
	require.False(t, o.Replayed)
	require.Equal(t, bkSub(100, bkDate(2027, 4, 1)), o.After)
	require.Equal(t, bkKey(t, 1), o.Token.Key)

	// A second key on the new state (R4).
	o2, err := b.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 2, 25), activation.AddSeats, bkDate(2026, 6, 15))
	require.NoError(t, err)
	require.Equal(t, o.After, o2.Before)

	// A correction, then the history.
	require.NoError(t, b.Import(ctx, bkSub(130, bkDate(2027, 5, 1)), bkDate(2026, 7, 1)))
	h, err := b.History(ctx, bkTenant, bkProduct)
	require.NoError(t, err)
	require.Len(t, h, 4)
	requireChain(t, h)
	assert.Equal(t, activation.Import, h[0].Outcome.Op)
	assert.Equal(t, "Import on 2026-06-01: 100 seats, end date 2027-01-01.", h[0].Outcome.Explain())
	assert.Equal(t, activation.ExtendEnd, h[1].Outcome.Op)
	assert.Equal(t, "00001", h[1].KeyTail, "KeyTail is the last group, as the masked form shows it")
	assert.Equal(t, bkKey(t, 1).Last5(), h[1].KeyTail)
	assert.Equal(t, bkKey(t, 1).Fingerprint(), h[1].Fingerprint)
	assert.True(t, h[1].Outcome.Token.Key.IsZero(), "a history holds no key")
	assert.Equal(t, "partner-center", h[1].Policy)
	assert.Equal(t, time.Date(2026, 12, 1, 4, 5, 6, 7, time.UTC), h[1].RecordedAt)
	assert.Empty(t, h[0].KeyTail)
	assert.Contains(t, h[3].Outcome.Explain(), "Correction on 2026-07-01")

	// Lookup of a spent key through the book.
	rec, ok, err := b.Lookup(ctx, bkKey(t, 2))
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, h[2], rec)
	_, ok, err = b.Lookup(ctx, bkKey(t, 3))
	require.NoError(t, err)
	require.False(t, ok)

	subs, err := b.Subscriptions(ctx)
	require.NoError(t, err)
	require.Equal(t, []activation.Subscription{bkSub(130, bkDate(2027, 5, 1))}, subs)
}

func TestBookRedeemUntrackedStartsFromNone(t *testing.T) {
	ctx := context.Background()
	b, _ := newBook()
	_, err := b.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 1, 25), activation.AddSeats, bkDate(2026, 6, 15))
	require.ErrorIs(t, err, activation.ErrNotAllowed, "only Activate applies to none (R7)")
	o, err := b.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 1, 25), activation.Activate, bkDate(2026, 6, 15))
	require.NoError(t, err, "the refusal did not spend the key")
	require.Equal(t, bkSub(25, bkDate(2027, 6, 15)), o.After)
	require.Equal(t, activation.Subscription{Tenant: bkTenant, Product: bkProduct}, o.Before)
}

// TestBookReplayAfterMovedOn: the identical request replays even after other
// keys moved the subscription on, and before any other check.
func TestBookReplayAfterMovedOn(t *testing.T) {
	ctx := context.Background()
	b, j := newBook()
	require.NoError(t, b.Import(ctx, bkSub(100, bkDate(2027, 1, 1)), bkDate(2026, 6, 1)))
	first, err := b.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 1, 25), activation.ExtendEnd, bkDate(2026, 6, 15))
	require.NoError(t, err)
	_, err = b.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 2, 300), activation.ExtendEnd, bkDate(2026, 7, 1))
	require.NoError(t, err)
	p, err := b.Preview(ctx, bkTenant, bkProduct, bkTok(t, 9, 1), bkDate(2026, 7, 1))
	require.NoError(t, err)
	require.NoError(t, b.Import(ctx, bkSub(5, bkDate(2026, 12, 1)), bkDate(2026, 8, 1)))

	checks := map[string]func() (activation.Outcome, error){
		"plain": func() (activation.Outcome, error) {
			return b.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 1, 25), activation.ExtendEnd, bkDate(2026, 6, 15))
		},
		"another time of the same day": func() (activation.Outcome, error) {
			return b.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 1, 25), activation.ExtendEnd, bkDate(2026, 6, 15).Add(20*time.Hour))
		},
		"changed since the preview": func() (activation.Outcome, error) {
			return b.RedeemIfUnchanged(ctx, bkTenant, bkProduct, p.Seq, bkTok(t, 1, 25), activation.ExtendEnd, bkDate(2026, 6, 15))
		},
		"policy now refuses (the cap on 5 seats)": func() (activation.Outcome, error) {
			b2 := &activation.Book{Policy: activation.Open2014(), Journal: b.Journal, Clock: b.Clock}
			return b2.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 1, 25), activation.ExtendEnd, bkDate(2026, 6, 15))
		},
	}
	for name, redeem := range checks {
		again, err := redeem()
		require.NoError(t, err, name)
		require.True(t, again.Replayed, name)
		require.Equal(t, bkKey(t, 1), again.Token.Key, name)
		again.Replayed = false
		require.Equal(t, first, again, name)
	}
	h, err := b.History(ctx, bkTenant, bkProduct)
	require.NoError(t, err)
	require.Len(t, h, 4, "replays record nothing")

	others := map[string]func() (activation.Outcome, error){
		"another day": func() (activation.Outcome, error) {
			return b.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 1, 25), activation.ExtendEnd, bkDate(2026, 8, 2))
		},
		"another op": func() (activation.Outcome, error) {
			return b.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 1, 25), activation.AddSeats, bkDate(2026, 6, 15))
		},
		"another tenant": func() (activation.Outcome, error) {
			return b.Redeem(ctx, "fabrikam", bkProduct, bkTok(t, 1, 25), activation.Activate, bkDate(2026, 8, 2))
		},
		"other seats": func() (activation.Outcome, error) {
			return b.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 1, 26), activation.ExtendEnd, bkDate(2026, 6, 15))
		},
		"another product": func() (activation.Outcome, error) {
			tk := bkTok(t, 1, 25)
			tk.Product = "O365-E5"
			return b.Redeem(ctx, bkTenant, bkProduct, tk, activation.ExtendEnd, bkDate(2026, 6, 15))
		},
	}
	for name, redeem := range others {
		o, err := redeem()
		require.ErrorIs(t, err, activation.ErrAlreadyRedeemed, name)
		require.Equal(t, activation.Outcome{}, o)
		for _, secret := range []string{bkTenant, "2026-06-15", "2027-04-01", bkKey(t, 1).Reveal()} {
			require.NotContains(t, err.Error(), secret, name)
		}
	}
	// The key is spent for a Redeemer on the same store too.
	r := activation.Redeemer{Policy: activation.PartnerCenter(), Ledger: j}
	_, err = r.Redeem(ctx, bkSub(100, bkDate(2027, 1, 1)), bkTok(t, 1, 25), activation.ExtendEnd, bkDate(2026, 6, 15))
	require.ErrorIs(t, err, activation.ErrAlreadyRedeemed)
}

func TestBookPreviewAndRedeemIfUnchanged(t *testing.T) {
	ctx := context.Background()
	b, _ := newBook()
	p, err := b.Preview(ctx, bkTenant, bkProduct, bkTok(t, 1, 25), bkDate(2026, 6, 15))
	require.NoError(t, err)
	require.Equal(t, int64(0), p.Seq)
	require.True(t, p.Subscription.IsNone())

	require.NoError(t, b.Import(ctx, bkSub(100, bkDate(2027, 1, 1)), bkDate(2026, 6, 1)))
	p, err = b.Preview(ctx, bkTenant, bkProduct, bkTok(t, 1, 25), bkDate(2026, 6, 15))
	require.NoError(t, err)
	require.Equal(t, int64(1), p.Seq)
	require.Equal(t, bkSub(100, bkDate(2027, 1, 1)), p.Subscription)
	require.Len(t, p.Options, 4)
	require.True(t, (p.Options[1].Err == nil))
	require.Equal(t, bkDate(2027, 4, 1), p.Options[1].Outcome.After.End)

	// Another key moves the subscription on: the previewed redemption fails
	// and spends nothing.
	_, err = b.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 2, 10), activation.AddSeats, bkDate(2026, 6, 15))
	require.NoError(t, err)
	_, err = b.RedeemIfUnchanged(ctx, bkTenant, bkProduct, p.Seq, bkTok(t, 1, 25), activation.ExtendEnd, bkDate(2026, 6, 15))
	require.ErrorIs(t, err, activation.ErrChanged)
	require.NotContains(t, err.Error(), bkKey(t, 1).Reveal())
	_, ok, err := b.Lookup(ctx, bkKey(t, 1))
	require.NoError(t, err)
	require.False(t, ok, "ErrChanged spent the key")

	p, err = b.Preview(ctx, bkTenant, bkProduct, bkTok(t, 1, 25), bkDate(2026, 6, 15))
	require.NoError(t, err)
	o, err := b.RedeemIfUnchanged(ctx, bkTenant, bkProduct, p.Seq, bkTok(t, 1, 25), activation.ExtendEnd, bkDate(2026, 6, 15))
	require.NoError(t, err)
	require.Equal(t, p.Options[1].Outcome, o)
}

func TestBookDue(t *testing.T) {
	ctx := context.Background()
	b, _ := newBook()
	imp := func(tenant string, end time.Time) {
		require.NoError(t, b.Import(ctx, activation.Subscription{Tenant: tenant, Product: bkProduct, Seats: 5, End: end}, bkDate(2026, 1, 1)))
	}
	imp("b-tenant", bkDate(2026, 3, 1))
	imp("a-tenant", bkDate(2026, 3, 1))
	imp("c-tenant", bkDate(2025, 12, 1)) // expired before; disabled 2025-12-31, deleted 2026-03-31
	require.NoError(t, b.Import(ctx, activation.Subscription{Tenant: "none-tenant", Product: bkProduct, Seats: 5, End: bkDate(2026, 3, 1)}, bkDate(2026, 1, 1)))
	require.NoError(t, b.Import(ctx, activation.Subscription{Tenant: "none-tenant", Product: bkProduct}, bkDate(2026, 1, 2)))

	due, err := b.Due(ctx, bkDate(2026, 3, 1), bkDate(2026, 6, 29))
	require.NoError(t, err)
	want := []activation.Deadline{
		{Tenant: "a-tenant", Product: bkProduct, State: activation.Expired, Date: bkDate(2026, 3, 1), Service: activation.FullService},
		{Tenant: "b-tenant", Product: bkProduct, State: activation.Expired, Date: bkDate(2026, 3, 1), Service: activation.FullService},
		{Tenant: "a-tenant", Product: bkProduct, State: activation.Disabled, Date: bkDate(2026, 3, 31), Service: activation.ReadOnlyService},
		{Tenant: "b-tenant", Product: bkProduct, State: activation.Disabled, Date: bkDate(2026, 3, 31), Service: activation.ReadOnlyService},
		{Tenant: "c-tenant", Product: bkProduct, State: activation.Deleted, Date: bkDate(2026, 3, 31), Service: activation.NoService},
	}
	require.Equal(t, want, due)
	due, err = b.Due(ctx, bkDate(2026, 3, 2), bkDate(2026, 6, 30)) // R8: deleted 120 days after the end date
	require.NoError(t, err)
	require.Equal(t, activation.Deadline{Tenant: "a-tenant", Product: bkProduct, State: activation.Deleted, Date: bkDate(2026, 6, 29), Service: activation.NoService}, due[3])
	require.Len(t, due, 5)
}

func TestBookBadInput(t *testing.T) {
	ctx := context.Background()
	key := bkKey(t, 1)
	long := strings.Repeat("x", 257)
	names := map[string]string{
		"empty":                  "",
		"257 bytes":              long,
		"invalid UTF-8":          "ten\xffant",
		"Cc (NUL)":               "ten\x00ant",
		"Cc (newline)":           "tenant\nforged line",
		"Cf (RLO)":               "tenant\u202e",
		"Cf (zero-width joiner)": "ten\u200dant",
		"Zl":                     "a\u2028b",
		"Zp":                     "a\u2029b",
		"a product key":          key.Reveal(),
		"a product key, lower":   strings.ToLower(key.Reveal()),
		"a product key, bare":    strings.ReplaceAll(key.Reveal(), "-", ""),
	}
	for name, bad := range names {
		t.Run(name, func(t *testing.T) {
			b, j := newBook()
			require.NoError(t, b.Import(ctx, bkSub(100, bkDate(2027, 1, 1)), bkDate(2026, 6, 1)))
			calls := map[string]error{}
			_, calls["Redeem tenant"] = b.Redeem(ctx, bad, bkProduct, bkTok(t, 2, 5), activation.AddSeats, bkDate(2026, 6, 15))
			// The subscription's product alone: the key's product is good,
			// so only the product check can refuse it.
			_, calls["Redeem product"] = b.Redeem(ctx, bkTenant, bad, bkTok(t, 2, 5), activation.AddSeats, bkDate(2026, 6, 15))
			tk := bkTok(t, 2, 5)
			tk.Product = bad
			_, calls["Redeem product and token product"] = b.Redeem(ctx, bkTenant, bad, tk, activation.AddSeats, bkDate(2026, 6, 15))
			_, calls["Redeem token product"] = b.Redeem(ctx, bkTenant, bkProduct, tk, activation.AddSeats, bkDate(2026, 6, 15))
			calls["Import tenant"] = b.Import(ctx, activation.Subscription{Tenant: bad, Product: bkProduct, Seats: 1, End: bkDate(2027, 1, 1)}, bkDate(2026, 6, 15))
			calls["Import product"] = b.Import(ctx, activation.Subscription{Tenant: bkTenant, Product: bad, Seats: 1, End: bkDate(2027, 1, 1)}, bkDate(2026, 6, 15))
			_, _, calls["Subscription"] = b.Subscription(ctx, bad, bkProduct)
			_, calls["History"] = b.History(ctx, bkTenant, bad)
			_, calls["Preview"] = b.Preview(ctx, bad, bkProduct, bkTok(t, 2, 5), bkDate(2026, 6, 15))
			if bad != "" { // an empty policy name is allowed
				named := &activation.Book{Policy: b.Policy, Journal: b.Journal}
				named.Policy.Name = bad
				_, calls["Redeem, policy name"] = named.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 2, 5), activation.AddSeats, bkDate(2026, 6, 15))
				calls["Import, policy name"] = named.Import(ctx, bkSub(120, bkDate(2027, 1, 1)), bkDate(2026, 6, 15))
			}
			for call, err := range calls {
				require.ErrorIs(t, err, activation.ErrInvalid, call)
				if bad != "" {
					require.NotContains(t, err.Error(), bad, "%s echoes the name", call)
				}
				require.NotContains(t, err.Error(), "BOOKK", call)
			}
			_, ok, err := j.Lookup(ctx, bkKey(t, 2).Fingerprint())
			require.NoError(t, err)
			require.False(t, ok, "bad input spent the key")
			subs, err := b.Subscriptions(ctx)
			require.NoError(t, err)
			require.Equal(t, []activation.Subscription{bkSub(100, bkDate(2027, 1, 1))}, subs, "bad input changed the book")
		})
	}
	// Accepted: 256 bytes, odd but printable Unicode, spaces inside.
	b, _ := newBook()
	for _, good := range []string{strings.Repeat("é", 128), "Ünïcödé tenant 租户 🙂", "a b"} {
		require.NoError(t, b.Import(ctx, activation.Subscription{Tenant: good, Product: bkProduct, Seats: 1, End: bkDate(2027, 1, 1)}, bkDate(2026, 6, 15)), good)
		s, ok, err := b.Subscription(ctx, good, bkProduct)
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, good, s.Tenant)
	}
	// Byte for byte: another normalisation is another tenant.
	_, ok, err := b.Subscription(ctx, strings.Repeat("e\u0301", 128)[:256], bkProduct)
	require.NoError(t, err)
	require.False(t, ok)
}

func TestBookBadRequests(t *testing.T) {
	ctx := context.Background()
	b, j := newBook()
	require.NoError(t, b.Import(ctx, bkSub(100, bkDate(2027, 1, 1)), bkDate(2026, 6, 15)))
	other := bkTok(t, 2, 5)
	other.Product = "O365-E5"
	cases := map[string]struct {
		err  error
		want error
	}{}
	add := func(name string, want error, err error) { cases[name] = struct{ err, want error }{err, want} }
	_, err := b.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 2, 5), activation.AddSeats, bkDate(2026, 6, 14))
	add("day before the last record", activation.ErrInvalid, err)
	err = b.Import(ctx, bkSub(101, bkDate(2027, 1, 1)), bkDate(2026, 6, 14))
	add("import before the last record", activation.ErrInvalid, err)
	_, err = b.Redeem(ctx, bkTenant, bkProduct, other, activation.AddSeats, bkDate(2026, 6, 15))
	add("key for another product", activation.ErrProductMismatch, err)
	_, err = b.Redeem(ctx, bkTenant, bkProduct, token.Token{Product: bkProduct, Seats: 5}, activation.AddSeats, bkDate(2026, 6, 15))
	add("zero key", activation.ErrInvalid, err)
	_, err = b.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 2, 5), activation.Import, bkDate(2026, 6, 15))
	add("Import is not a key operation", activation.ErrInvalid, err)
	_, err = b.Redeem(nil, bkTenant, bkProduct, bkTok(t, 2, 5), activation.AddSeats, bkDate(2026, 6, 15)) //lint:ignore SA1012 a nil context must be an error
	add("nil context", activation.ErrInvalid, err)
	_, err = (&activation.Book{Policy: activation.PartnerCenter()}).Redeem(ctx, bkTenant, bkProduct, bkTok(t, 2, 5), activation.AddSeats, bkDate(2026, 6, 15))
	add("nil Journal", activation.ErrInvalid, err)
	_, err = (*activation.Book)(nil).Redeem(ctx, bkTenant, bkProduct, bkTok(t, 2, 5), activation.AddSeats, bkDate(2026, 6, 15))
	add("nil Book", activation.ErrInvalid, err)
	err = (&activation.Book{Journal: j}).Import(ctx, bkSub(101, bkDate(2027, 1, 1)), bkDate(2026, 6, 16))
	add("zero Policy", activation.ErrInvalid, err)
	err = b.Import(ctx, activation.Subscription{Tenant: bkTenant, Product: bkProduct, Seats: -1, End: bkDate(2027, 1, 1)}, bkDate(2026, 6, 16))
	add("invalid subscription", activation.ErrInvalid, err)
	err = b.Import(ctx, bkSub(101, bkDate(2027, 1, 1)), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC))
	add("day past 9999", activation.ErrInvalid, err)
	_, _, err = b.Lookup(ctx, token.Key{})
	add("lookup of the zero key", activation.ErrInvalid, err)
	for name, c := range cases {
		require.ErrorIs(t, c.err, c.want, name)
		require.NotContains(t, c.err.Error(), "BOOKK", name)
	}
	h, err := b.History(ctx, bkTenant, bkProduct)
	require.NoError(t, err)
	require.Len(t, h, 1, "a refusal recorded something")
	_, ok, err := j.Lookup(ctx, bkKey(t, 2).Fingerprint())
	require.NoError(t, err)
	require.False(t, ok, "a refusal spent the key")
}

func TestMemoryJournalIsALedger(t *testing.T) {
	ctx := context.Background()
	b, j := newBook()
	r := activation.Redeemer{Policy: activation.PartnerCenter(), Ledger: j}
	s := bkSub(100, bkDate(2027, 1, 1))
	_, err := r.Redeem(ctx, s, bkTok(t, 1, 25), activation.AddSeats, bkDate(2026, 6, 15))
	require.NoError(t, err)
	require.NoError(t, b.Import(ctx, s, bkDate(2026, 6, 1)))
	_, err = b.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 1, 25), activation.AddSeats, bkDate(2026, 6, 15))
	require.ErrorIs(t, err, activation.ErrAlreadyRedeemed, "a key claimed through a Redeemer is spent for a Book")
	rec, ok, err := b.Lookup(ctx, bkKey(t, 1))
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, int64(0), rec.Seq, "a Ledger claim has no place")
	h, err := b.History(ctx, bkTenant, bkProduct)
	require.NoError(t, err)
	require.Len(t, h, 1)

	_, _, err = j.Claim(ctx, activation.Record{Fingerprint: bkKey(t, 5).Fingerprint(), Seq: 1})
	require.ErrorIs(t, err, activation.ErrInvalid, "a claim with a place")
	_, _, err = j.Claim(ctx, activation.Record{})
	require.ErrorIs(t, err, activation.ErrInvalid, "a claim without a fingerprint")
	_, _, err = j.Append(ctx, activation.Record{})
	require.ErrorIs(t, err, activation.ErrInvalid, "an append without a place")
}

// zoneJournal returns every record with its times in another location, as
// a store may (the same instants).
type zoneJournal struct{ *activation.MemoryJournal }

var newYork = time.FixedZone("EST", -5*3600)

func inZone(rec activation.Record) activation.Record {
	rec.RecordedAt = rec.RecordedAt.In(newYork)
	o := &rec.Outcome
	o.At, o.Before.End, o.After.End = o.At.In(newYork), o.Before.End.In(newYork), o.After.End.In(newYork)
	return rec
}

func (z zoneJournal) Append(ctx context.Context, rec activation.Record) (activation.Record, activation.Taken, error) {
	stored, taken, err := z.MemoryJournal.Append(ctx, rec)
	return inZone(stored), taken, err
}

func (z zoneJournal) Lookup(ctx context.Context, fp token.Fingerprint) (activation.Record, bool, error) {
	rec, ok, err := z.MemoryJournal.Lookup(ctx, fp)
	return inZone(rec), ok, err
}

func (z zoneJournal) Head(ctx context.Context, tenant, product string) (activation.Record, bool, error) {
	rec, ok, err := z.MemoryJournal.Head(ctx, tenant, product)
	return inZone(rec), ok, err
}

func (z zoneJournal) History(ctx context.Context, tenant, product string, after int64, limit int) ([]activation.Record, error) {
	h, err := z.MemoryJournal.History(ctx, tenant, product, after, limit)
	for i := range h {
		h[i] = inZone(h[i])
	}
	return h, err
}

func (z zoneJournal) Heads(ctx context.Context, from, to time.Time) ([]activation.Record, error) {
	h, err := z.MemoryJournal.Heads(ctx, from, to)
	for i := range h {
		h[i] = inZone(h[i])
	}
	return h, err
}

// TestBookDatesFromAnotherZone: a store that returns times in New York
// (2027-04-01 00:00 UTC is 2027-03-31 19:00 there) changes no date: the book
// reads every time as the same instant in UTC.
func TestBookDatesFromAnotherZone(t *testing.T) {
	ctx := context.Background()
	b := &activation.Book{Policy: activation.PartnerCenter(), Journal: zoneJournal{activation.NewMemoryJournal()}}
	require.NoError(t, b.Import(ctx, bkSub(100, bkDate(2027, 1, 1)), bkDate(2026, 6, 1)))
	tk := bkTok(t, 1, 25)
	first, err := b.Redeem(ctx, bkTenant, bkProduct, tk, activation.ExtendEnd, bkDate(2026, 6, 15))
	require.NoError(t, err)
	require.Equal(t, bkSub(100, bkDate(2027, 4, 1)), first.After)
	second, err := b.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 2, 100), activation.ExtendEnd, bkDate(2026, 6, 15))
	require.NoError(t, err)
	require.Equal(t, bkSub(100, bkDate(2028, 4, 1)), second.After, "computed on a head read in another zone")

	again, err := b.Redeem(ctx, bkTenant, bkProduct, tk, activation.ExtendEnd, bkDate(2026, 6, 15))
	require.NoError(t, err)
	require.True(t, again.Replayed)
	again.Replayed = false
	require.Equal(t, first, again, "a replay's dates moved")

	s, _, err := b.Subscription(ctx, bkTenant, bkProduct)
	require.NoError(t, err)
	require.Equal(t, second.After, s)
	h, err := b.History(ctx, bkTenant, bkProduct)
	require.NoError(t, err)
	require.Equal(t, withoutKey(first), h[1].Outcome)
	rec, _, err := b.Lookup(ctx, tk.Key)
	require.NoError(t, err)
	require.Equal(t, withoutKey(first), rec.Outcome)
	due, err := b.Due(ctx, bkDate(2028, 4, 1), bkDate(2028, 4, 2))
	require.NoError(t, err)
	require.Equal(t, []activation.Deadline{{Tenant: bkTenant, Product: bkProduct, State: activation.Expired, Date: bkDate(2028, 4, 1), Service: activation.FullService}}, due)
}

// TestBookHistoryPages: History reads a history longer than one page of the
// journal (1,000 records) to its end, in order.
func TestBookHistoryPages(t *testing.T) {
	ctx := context.Background()
	b, _ := newBook()
	const n = 2001
	for i := range n {
		require.NoError(t, b.Import(ctx, bkSub(1+i, bkDate(2027, 1, 1)), bkDate(2026, 6, 1)))
	}
	h, err := b.History(ctx, bkTenant, bkProduct)
	require.NoError(t, err)
	require.Equal(t, n, len(h))
	requireChain(t, h)
	require.Equal(t, n, h[n-1].Outcome.After.Seats)
}

// TestBookDueStatesWithoutDays: a state the policy gives no days has no
// date (R8): GraceDays 0 lists no Expired date, DisabledDays 0 no Disabled.
func TestBookDueStatesWithoutDays(t *testing.T) {
	ctx := context.Background()
	for name, tc := range map[string]struct {
		grace, disabled int
		want            []activation.Deadline
	}{
		"GraceDays 0": {0, 90, []activation.Deadline{
			{Tenant: bkTenant, Product: bkProduct, State: activation.Disabled, Date: bkDate(2026, 3, 1), Service: activation.ReadOnlyService},
			{Tenant: bkTenant, Product: bkProduct, State: activation.Deleted, Date: bkDate(2026, 5, 30), Service: activation.NoService},
		}},
		"DisabledDays 0": {30, 0, []activation.Deadline{
			{Tenant: bkTenant, Product: bkProduct, State: activation.Expired, Date: bkDate(2026, 3, 1), Service: activation.FullService},
			{Tenant: bkTenant, Product: bkProduct, State: activation.Deleted, Date: bkDate(2026, 3, 31), Service: activation.NoService},
		}},
	} {
		p := activation.PartnerCenter()
		p.GraceDays, p.DisabledDays = tc.grace, tc.disabled
		require.NoError(t, p.Validate(), name)
		b := &activation.Book{Policy: p, Journal: activation.NewMemoryJournal()}
		require.NoError(t, b.Import(ctx, bkSub(5, bkDate(2026, 3, 1)), bkDate(2026, 1, 1)), name)
		due, err := b.Due(ctx, bkDate(2026, 1, 1), bkDate(2027, 1, 1))
		require.NoError(t, err, name)
		require.Equal(t, tc.want, due, name)
	}
}
