package activation_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/proration"
	"github.com/coterm/coterm/token"
)

// customPartnerCenter is a customised copy of PartnerCenter that keeps the
// preset's name, as a channel's own rules would be kept.
func customPartnerCenter() activation.Policy {
	p := activation.PartnerCenter()
	p.Rounding = proration.Up
	p.Convention = proration.ExactSeatDays
	p.CapFactor = 5
	p.AddWhenInactive = true
	return p
}

// TestVerifyCleanJournal: whatever Books under several policies (a
// customised copy among them) record on a MemoryJournal — imports,
// redemptions of every operation, replacements (R12, often under another
// policy than the key they replace), refusals that record nothing — beside
// chains of changes, the audit finds nothing, counts every history and
// every record, and VerifyChain finds nothing in the chains of changes; a
// replacement's seats changed afterwards are found at its place.
func TestVerifyCleanJournal(t *testing.T) {
	replacements := 0
	rapid.Check(t, func(rt *rapid.T) {
		ctx := context.Background()
		j := activation.NewMemoryJournal()
		books := []*activation.Book{
			{Policy: customPartnerCenter(), Journal: j},
			{Policy: activation.Open2014(), Journal: j},
			{Policy: activation.VolumeLicensing(), Journal: j},
		}
		tenants := []string{"contoso", "fabrikam", "northwind"}
		products := []string{"M365-E3", "Visio"}
		now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rapid.IntRange(0, 3000).Draw(rt, "start"))
		keys := 0
		var last redeemed // the key redeemed last, if not replaced since
		for range rapid.IntRange(1, 100).Draw(rt, "steps") {
			now = now.AddDate(0, 0, rapid.IntRange(0, 200).Draw(rt, "days pass"))
			b := rapid.SampledFrom(books).Draw(rt, "book")
			tenant, product := rapid.SampledFrom(tenants).Draw(rt, "tenant"), rapid.SampledFrom(products).Draw(rt, "product")
			if rapid.IntRange(0, 5).Draw(rt, "change?") == 0 { // a chain of changes beside the subscriptions
				appendChange(rt, j, tenant, rapid.SampledFrom(changePlaces).Draw(rt, "change place"), now)
				continue
			}
			if rapid.IntRange(0, 5).Draw(rt, "import?") == 0 {
				s := activation.Subscription{Tenant: tenant, Product: product, Seats: rapid.IntRange(1, 500).Draw(rt, "seats"),
					End: now.AddDate(0, 0, rapid.IntRange(-200, 900).Draw(rt, "end"))}
				err := b.Import(ctx, s, now)
				if err != nil && !errors.Is(err, activation.ErrInvalid) { // a day before the last record
					rt.Fatalf("Import: %v", err)
				}
				continue
			}
			keys++
			k, err := token.ParseKey(fmt.Sprintf("CLEAN-AUDIT-%05d-KEYSS-%05d", keys, keys*3))
			require.NoError(rt, err)
			tk := token.Token{Key: k, Product: product, Seats: rapid.IntRange(1, 800).Draw(rt, "key seats"),
				TermMonths: rapid.SampledFrom([]int{0, 1, 12, 24, 36}).Draw(rt, "term")}
			if !last.Key.IsZero() && rapid.IntRange(0, 3).Draw(rt, "replace?") == 0 {
				// A replacement (R12) of the key redeemed last, mostly in
				// its window; it may replace a key redeemed elsewhere.
				tk.Product = last.Product
				at := last.day.AddDate(0, 0, rapid.IntRange(0, 35).Draw(rt, "replacement day"))
				if at.After(now) {
					now = at
				}
				_, err := b.Replace(ctx, last.Key, tk, now)
				requireAllowedRefusal(rt, "Replace", err)
				last = redeemed{}
				continue
			}
			op := rapid.SampledFrom([]activation.Operation{activation.AddSeats, activation.ExtendEnd, activation.Renew, activation.Activate}).Draw(rt, "op")
			_, err = b.Redeem(ctx, tenant, product, tk, op, now)
			requireAllowedRefusal(rt, "Redeem", err)
			if err == nil {
				last = redeemed{Token: tk, day: now}
			}
		}

		policies := presets(rt)
		policies["partner-center"] = customPartnerCenter()
		var found []activation.Finding
		sum, err := activation.Verifier{Policies: policies}.Verify(ctx, j, func(f activation.Finding) error {
			found = append(found, f)
			return nil
		})
		require.NoError(rt, err)
		require.Empty(rt, found)

		heads, err := j.Heads(ctx, time.Time{}, time.Time{})
		require.NoError(rt, err)
		var records int64
		for _, h := range heads {
			records += h.Seq
		}
		require.Equal(rt, activation.AuditSummary{Chains: int64(len(heads)), Records: records}, sum)
		requireCleanChanges(rt, j, tenants)

		// A replacement's seats changed after the fact are found at its
		// place, as a replacement that does not follow from the record it
		// replaces (R12).
		r := rawCopy(rt, j)
		var rep *activation.Record
		for _, k := range r.keys() {
			for i := range r.chains[k] {
				if rec := &r.chains[k][i]; rec.Outcome.Op == activation.Replace && rep == nil {
					rep = rec
				}
			}
		}
		if rep == nil {
			return
		}
		replacements++
		rep.Outcome.After.Seats++
		found, _ = verify(rt, r, policies)
		want := activation.Place{Tenant: rep.Outcome.After.Tenant, Product: rep.Outcome.After.Product, Seq: rep.Seq}
		require.True(rt, slices.ContainsFunc(found, func(f activation.Finding) bool {
			return f.Place == want && f.Kind == activation.BreakOutcome && strings.HasPrefix(f.Detail, "R12: ")
		}), "findings: %v", found)
	})
	t.Logf("%d runs changed a replacement", replacements)
}

// redeemed is a key a Book redeemed, and on which day.
type redeemed struct {
	token.Token
	day time.Time
}

// requireAllowedRefusal fails t unless err is nil or one of the refusals a
// Book makes of a request drawn at random.
func requireAllowedRefusal(t require.TestingT, what string, err error) {
	if err != nil && !errors.Is(err, activation.ErrNotAllowed) && !errors.Is(err, activation.ErrExtensionCap) &&
		!errors.Is(err, activation.ErrSeatLimit) && !errors.Is(err, activation.ErrInvalid) {
		t.Errorf("%s: %v", what, err)
		t.FailNow()
	}
}

// TestApplyIgnoresTheKeysValue holds Policy.Apply to what the audit relies
// on: its result does not depend on which key it is given, only on the
// token's product, seats and term — two keys give the same Outcome but for
// Token.Key, or the same error.
func TestApplyIgnoresTheKeysValue(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		p := rapid.SampledFrom([]activation.Policy{activation.PartnerCenter(), activation.Open2014(), customPartnerCenter(), activation.VolumeLicensing()}).Draw(rt, "policy")
		at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rapid.IntRange(0, 1500).Draw(rt, "at"))
		s := activation.Subscription{Tenant: "contoso", Product: "M365-E3"}
		if rapid.Bool().Draw(rt, "has term") {
			s.Seats = rapid.IntRange(1, 1000).Draw(rt, "seats")
			s.End = at.AddDate(0, 0, rapid.IntRange(-400, 1200).Draw(rt, "end"))
		}
		key := func(label string) token.Key {
			var b [25]byte
			for i := range b {
				b[i] = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"[rapid.IntRange(0, 33).Draw(rt, label)]
			}
			return token.MustParseKey(string(b[:]))
		}
		t1 := token.Token{Key: key("key 1"), Product: rapid.SampledFrom([]string{"M365-E3", "Visio"}).Draw(rt, "key product"),
			Seats: rapid.IntRange(1, 4000).Draw(rt, "key seats"), TermMonths: rapid.IntRange(0, 36).Draw(rt, "term")}
		t2 := t1
		t2.Key = key("key 2")
		op := rapid.SampledFrom([]activation.Operation{activation.AddSeats, activation.ExtendEnd, activation.Renew, activation.Activate}).Draw(rt, "op")
		o1, err1 := p.Apply(s, t1, op, at)
		o2, err2 := p.Apply(s, t2, op, at)
		if err1 != nil || err2 != nil {
			require.Equal(rt, fmt.Sprint(err1), fmt.Sprint(err2))
			return
		}
		require.Equal(rt, t1.Key, o1.Token.Key)
		o1.Token.Key, o2.Token.Key = token.Key{}, token.Key{}
		require.Equal(rt, o1, o2)
	})
}
