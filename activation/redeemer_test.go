package activation_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/activation/ledgertest"
	"github.com/coterm/coterm/token"
)

func redeemFixture(t testing.TB) (activation.Subscription, token.Token, time.Time) {
	t.Helper()
	s := activation.Subscription{Tenant: "contoso", Product: "O365-E3", Seats: 100,
		End: time.Date(2027, time.January, 1, 0, 0, 0, 0, time.UTC)}
	k, err := token.ParseKey("RDEEM-TESTS-AAAAA-BBBBB-00001")
	require.NoError(t, err)
	return s, token.Token{Key: k, Product: "O365-E3", Seats: 25, TermMonths: 12},
		time.Date(2026, time.June, 15, 0, 0, 0, 0, time.UTC)
}

// TestRedeemMisuse: a misconfigured Redeemer or a malformed call is an
// ErrInvalid error, never a panic, and records nothing.
func TestRedeemMisuse(t *testing.T) {
	s, tk, at := redeemFixture(t)
	ctx := context.Background()
	l := activation.NewMemoryLedger()
	cases := map[string]func() (activation.Outcome, error){
		"nil Redeemer": func() (activation.Outcome, error) {
			var r *activation.Redeemer
			return r.Redeem(ctx, s, tk, activation.AddSeats, at)
		},
		"nil Ledger": func() (activation.Outcome, error) {
			r := &activation.Redeemer{Policy: activation.PartnerCenter()}
			return r.Redeem(ctx, s, tk, activation.AddSeats, at)
		},
		"nil context": func() (activation.Outcome, error) {
			r := &activation.Redeemer{Policy: activation.PartnerCenter(), Ledger: l}
			//lint:ignore SA1012 a nil context must be an error, not a panic
			return r.Redeem(nil, s, tk, activation.AddSeats, at)
		},
		"zero key": func() (activation.Outcome, error) {
			r := &activation.Redeemer{Policy: activation.PartnerCenter(), Ledger: l}
			zero := tk
			zero.Key = token.Key{}
			return r.Redeem(ctx, s, zero, activation.AddSeats, at)
		},
		"zero Policy": func() (activation.Outcome, error) {
			r := &activation.Redeemer{Ledger: l}
			return r.Redeem(ctx, s, tk, activation.AddSeats, at)
		},
	}
	for name, call := range cases {
		var (
			o   activation.Outcome
			err error
		)
		require.NotPanics(t, func() { o, err = call() }, name)
		require.ErrorIs(t, err, activation.ErrInvalid, name)
		require.Equal(t, activation.Outcome{}, o, name)
	}
	require.Zero(t, l.Len(), "a refused call recorded a redemption")
}

// TestRedeemRecordHoldsNoKey: the ledger gets the fingerprint, never the key;
// the caller gets the key back, also on a replay.
func TestRedeemRecordHoldsNoKey(t *testing.T) {
	s, tk, at := redeemFixture(t)
	l := activation.NewMemoryLedger()
	r := &activation.Redeemer{Policy: activation.PartnerCenter(), Ledger: l}
	for range 2 {
		o, err := r.Redeem(context.Background(), s, tk, activation.AddSeats, at)
		require.NoError(t, err)
		require.Equal(t, tk.Key, o.Token.Key)
	}
	recs := l.Records()
	require.Len(t, recs, 1)
	require.True(t, recs[0].Outcome.Token.Key.IsZero())
	require.Equal(t, tk.Key.Fingerprint(), recs[0].Fingerprint)
	clear := tk.Key.Reveal()
	dump := fmt.Sprintf("%+v %#v", recs[0], recs[0])
	require.NotContains(t, dump, clear)
	require.NotContains(t, dump, strings.ReplaceAll(clear, "-", ""))
}

// TestRedeemStoreError: a store error is returned wrapped, without the key.
func TestRedeemStoreError(t *testing.T) {
	s, tk, at := redeemFixture(t)
	storeDown := errors.New("store: connection refused")
	l := activation.NewMemoryLedger()
	r := &activation.Redeemer{Policy: activation.PartnerCenter(),
		Ledger: &ledgertest.FailingLedger{Inner: l, FailBefore: 1, Err: storeDown}}
	_, err := r.Redeem(context.Background(), s, tk, activation.AddSeats, at)
	require.ErrorIs(t, err, storeDown)
	require.NotContains(t, err.Error(), tk.Key.Reveal())
	require.Zero(t, l.Len())
}

// TestRedeemRefusedLookupFails: when Apply refuses and the follow-up lookup
// fails, the answer is unknown (the key may be recorded: the identical
// request would replay), so the error is the store's, not the refusal, and
// nothing is recorded. (It used to wrap both, which told a caller that
// branches on ErrExtensionCap the wrong answer.)
func TestRedeemRefusedLookupFails(t *testing.T) {
	s, tk, at := redeemFixture(t)
	l := activation.NewMemoryLedger()
	r := &activation.Redeemer{Policy: activation.PartnerCenter(),
		Ledger: &ledgertest.FailingLedger{Inner: l, FailLookup: 1}}
	tk.Seats = 301 // over the R6 cap for 100 seats
	_, err := r.Redeem(context.Background(), s, tk, activation.ExtendEnd, at)
	require.NotErrorIs(t, err, activation.ErrExtensionCap)
	require.ErrorIs(t, err, ledgertest.ErrInjected)
	require.Zero(t, l.Len())

	// With the key recorded, the same failure must not hide the replay: the
	// retry after the store recovers answers as for a recorded key.
	ok := tk
	ok.Seats = 25
	first, err := r.Redeem(context.Background(), s, ok, activation.ExtendEnd, at)
	require.NoError(t, err)
	r.Policy.TermMonths = 0 // now Apply refuses the identical request (an invalid policy)
	f := &ledgertest.FailingLedger{Inner: l, FailLookup: 1}
	r.Ledger = f
	_, err = r.Redeem(context.Background(), s, ok, activation.ExtendEnd, at)
	require.ErrorIs(t, err, ledgertest.ErrInjected)
	again, err := r.Redeem(context.Background(), s, ok, activation.ExtendEnd, at)
	require.NoError(t, err)
	require.True(t, again.Replayed)
	require.Equal(t, first.After, again.After)
}

// TestRedeemReplayAfterPolicyChange: the identical request replays what was
// recorded even when the policy has changed since and would now refuse it;
// any other request for the key is ErrAlreadyRedeemed, not the policy's
// refusal (R2: a recorded key answers as a recorded key).
func TestRedeemReplayAfterPolicyChange(t *testing.T) {
	s, tk, at := redeemFixture(t)
	tk.Seats = 300 // exactly the R6 cap for 100 seats: +36 months
	l := activation.NewMemoryLedger()
	before := &activation.Redeemer{Policy: activation.PartnerCenter(), Ledger: l}
	first, err := before.Redeem(context.Background(), s, tk, activation.ExtendEnd, at)
	require.NoError(t, err)

	strict := activation.PartnerCenter()
	strict.CapFactor = 2
	after := &activation.Redeemer{Policy: strict, Ledger: l}
	_, err = strict.Apply(s, tk, activation.ExtendEnd, at)
	require.ErrorIs(t, err, activation.ErrExtensionCap, "the stricter policy must refuse the request")

	again, err := after.Redeem(context.Background(), s, tk, activation.ExtendEnd, at)
	require.NoError(t, err)
	require.True(t, again.Replayed)
	first.Replayed = true
	require.Equal(t, first, again)

	other := s
	other.Tenant = "fabrikam"
	_, err = after.Redeem(context.Background(), other, tk, activation.ExtendEnd, at)
	require.ErrorIs(t, err, activation.ErrAlreadyRedeemed)
	require.NotErrorIs(t, err, activation.ErrExtensionCap)
}

// wrongLedger breaks the Ledger contract: it answers with another key's record.
type wrongLedger struct{}

func (wrongLedger) Claim(_ context.Context, rec activation.Record) (activation.Record, bool, error) {
	rec.Fingerprint[0] ^= 1
	return rec, false, nil
}

func (wrongLedger) Lookup(_ context.Context, fp token.Fingerprint) (activation.Record, bool, error) {
	fp[0] ^= 1
	return activation.Record{Fingerprint: fp}, true, nil
}

// TestRedeemWrongRecord: a Ledger that answers for another key is an error,
// never a success or a replay.
func TestRedeemWrongRecord(t *testing.T) {
	s, tk, at := redeemFixture(t)
	r := &activation.Redeemer{Policy: activation.PartnerCenter(), Ledger: wrongLedger{}}
	o, err := r.Redeem(context.Background(), s, tk, activation.AddSeats, at)
	require.Error(t, err)
	require.Equal(t, activation.Outcome{}, o)
	tk.Product = "other"
	_, err = r.Redeem(context.Background(), s, tk, activation.AddSeats, at)
	require.Error(t, err)
	require.NotErrorIs(t, err, activation.ErrAlreadyRedeemed)
}

// BenchmarkRedeem measures Redeem with a MemoryLedger: a fresh key each
// iteration (Apply, RequestID, insert), the replay of an identical request,
// and a second request for a spent key.
func BenchmarkRedeem(b *testing.B) {
	s, tk, at := redeemFixture(b)
	ctx := context.Background()
	for _, op := range []activation.Operation{activation.AddSeats, activation.ExtendEnd} {
		b.Run("fresh/"+op.String(), func(b *testing.B) {
			// A fresh key each iteration; every 4096 keys a fresh ledger, so
			// the figure is the cost of a redemption, not of a store grown to
			// millions of records.
			const batch = 4096
			keys := make([]token.Key, batch)
			for i := range keys {
				keys[i] = token.MustParseKey(fmt.Sprintf("BENCH-%05d-AAAAA-BBBBB-CCCCC", i))
			}
			r := &activation.Redeemer{Policy: activation.PartnerCenter()}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if i%batch == 0 {
					r.Ledger = activation.NewMemoryLedger()
				}
				tk.Key = keys[i%batch]
				i++
				if _, err := r.Redeem(ctx, s, tk, op, at); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("replay", func(b *testing.B) {
		r := &activation.Redeemer{Policy: activation.PartnerCenter(), Ledger: activation.NewMemoryLedger()}
		if _, err := r.Redeem(ctx, s, tk, activation.AddSeats, at); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			o, err := r.Redeem(ctx, s, tk, activation.AddSeats, at)
			if err != nil || !o.Replayed {
				b.Fatal(err)
			}
		}
	})
	b.Run("already-redeemed", func(b *testing.B) {
		r := &activation.Redeemer{Policy: activation.PartnerCenter(), Ledger: activation.NewMemoryLedger()}
		if _, err := r.Redeem(ctx, s, tk, activation.AddSeats, at); err != nil {
			b.Fatal(err)
		}
		other := s
		other.Tenant = "fabrikam"
		b.ReportAllocs()
		for b.Loop() {
			if _, err := r.Redeem(ctx, other, tk, activation.AddSeats, at); !errors.Is(err, activation.ErrAlreadyRedeemed) {
				b.Fatal(err)
			}
		}
	})
}

// zoneLedger is a conforming Ledger that returns every stored time as the
// same instant in another location, as a SQL store may (see Ledger).
type zoneLedger struct {
	inner activation.Ledger
	loc   *time.Location
}

func (z zoneLedger) shift(rec activation.Record) activation.Record {
	o := &rec.Outcome
	o.At = o.At.In(z.loc)
	o.Before.End = o.Before.End.In(z.loc)
	o.After.End = o.After.End.In(z.loc)
	return rec
}

func (z zoneLedger) Claim(ctx context.Context, rec activation.Record) (activation.Record, bool, error) {
	stored, ok, err := z.inner.Claim(ctx, rec)
	return z.shift(stored), ok, err
}

func (z zoneLedger) Lookup(ctx context.Context, fp token.Fingerprint) (activation.Record, bool, error) {
	rec, ok, err := z.inner.Lookup(ctx, fp)
	return z.shift(rec), ok, err
}

// TestRedeemReplayKeepsDates: a replay from a ledger that answers in New York
// gives the same dates as the first redemption, not the day before (R2; the
// "Dates" open point: results are dates at 00:00 UTC). Found by review.
func TestRedeemReplayKeepsDates(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	ledgertest.Run(t, func(*testing.T) activation.Ledger {
		return zoneLedger{inner: activation.NewMemoryLedger(), loc: ny}
	})
	r := &activation.Redeemer{Policy: activation.PartnerCenter(), Ledger: zoneLedger{inner: activation.NewMemoryLedger(), loc: ny}}
	s := activation.Subscription{Tenant: "contoso", Product: "O365-E3", Seats: 10,
		End: time.Date(2027, time.January, 31, 0, 0, 0, 0, time.UTC)}
	tk := token.Token{Key: token.MustParseKey("AAAA1-BBBB2-CCCC3-DDDD4-EEEE5"), Product: "O365-E3", Seats: 5}
	at := time.Date(2026, time.June, 1, 0, 0, 0, 0, time.UTC)

	first, err := r.Redeem(context.Background(), s, tk, activation.ExtendEnd, at)
	require.NoError(t, err)
	again, err := r.Redeem(context.Background(), s, tk, activation.ExtendEnd, at)
	require.NoError(t, err)
	require.True(t, again.Replayed)
	again.Replayed = false
	assert.Equal(t, first, again, "the replay is the recorded Outcome, date for date")
	assert.Equal(t, "2027-07-31", again.After.End.Format(time.DateOnly))
	assert.Equal(t, first.Explain(), again.Explain())
}

// TestRedeemBadNames: a Redeemer records the subscription's tenant and
// product, the key's product and the policy's name; a name that fails a
// Book's rules (a product key, a control character, …) is refused with
// ErrInvalid, records nothing and is not echoed.
func TestRedeemBadNames(t *testing.T) {
	s, tk, at := redeemFixture(t)
	ctx := context.Background()
	name := "Q7RZK-M4XPA-J9CDV-T2WHN-B6G3F"
	for _, bad := range []string{name, strings.ToLower(name), "ten\x00ant", "a\nb", strings.Repeat("x", 257), "\xff"} {
		l := activation.NewMemoryLedger()
		r := &activation.Redeemer{Policy: activation.PartnerCenter(), Ledger: l}
		calls := map[string]error{}
		bs := s
		bs.Tenant = bad
		_, calls["tenant"] = r.Redeem(ctx, bs, tk, activation.AddSeats, at)
		bs = s
		bs.Product = bad
		_, calls["product"] = r.Redeem(ctx, bs, tk, activation.AddSeats, at)
		bs.Product, bs.Seats, bs.End = bad, 0, time.Time{}
		btk := tk
		btk.Product = bad
		_, calls["product of none, and the key's"] = r.Redeem(ctx, bs, btk, activation.Activate, at)
		np := *r
		np.Policy.Name = bad
		_, calls["policy name"] = np.Redeem(ctx, s, tk, activation.AddSeats, at)
		for call, err := range calls {
			require.ErrorIs(t, err, activation.ErrInvalid, call)
			assert.NotContains(t, strings.ToUpper(err.Error()), "Q7RZK", call)
			assert.NotContains(t, err.Error(), bad, call)
		}
		_, ok, err := l.Lookup(ctx, tk.Key.Fingerprint())
		require.NoError(t, err)
		require.False(t, ok, "a refused name spent the key")
	}
	// An empty tenant is allowed, as before.
	r := &activation.Redeemer{Policy: activation.PartnerCenter(), Ledger: activation.NewMemoryLedger()}
	s.Tenant = ""
	_, err := r.Redeem(ctx, s, tk, activation.AddSeats, at)
	require.NoError(t, err)
}
