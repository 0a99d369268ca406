package entitlement

import (
	"strconv"
	"testing"

	"github.com/coterm/coterm/activation"
)

// largeKeeper returns a Keeper of [large]'s organisation (50 locations in
// 20 countries, 10 pools, 200 tenants) on a MemoryJournal shared with a
// Book of its 600 subscriptions, with large's grants and deployments
// recorded.
func largeKeeper(b *testing.B) *Keeper {
	o, r := large(6_000)
	book := &activation.Book{Policy: o.Policy, Journal: activation.NewMemoryJournal()}
	var err error
	eachLargeSubscription(func(tenant, product string) {
		s := activation.Subscription{Tenant: tenant, Product: product, Seats: 5, End: day("2027-07-01")}
		if e := book.Import(bg, s, day("2026-07-02")); e != nil && err == nil {
			err = e
		}
	})
	if err != nil {
		b.Fatal(err)
	}
	k, err := NewKeeper(o, KeeperConfig{Book: book})
	if err != nil {
		b.Fatal(err)
	}
	for i, g := range r.Grants {
		if _, err := k.AddGrant(bg, "grant-"+strconv.Itoa(i), g); err != nil {
			b.Fatal(err)
		}
	}
	for i, d := range r.Deployments {
		if _, err := k.Deploy(bg, "deployment-"+strconv.Itoa(i), d); err != nil {
			b.Fatal(err)
		}
	}
	return k
}

// BenchmarkKeeperDeploy: one deployment at a location of the large
// organisation (a country of 3 locations, 30 grants there in its pool, 24
// subscriptions placed there read from the Book for the figures), its
// chain growing by one record per iteration; and the identical request
// replayed.
func BenchmarkKeeperDeploy(b *testing.B) {
	k := largeKeeper(b)
	d := Deployment{Location: "loc00", Licence: "L0", Quantity: 1, Day: day("2026-08-01"), Reason: "roll-out"}
	b.Run("new", func(b *testing.B) {
		i := 0
		for b.Loop() {
			i++
			if _, err := k.Deploy(bg, "bench-"+strconv.Itoa(i), d); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("replay", func(b *testing.B) {
		for b.Loop() {
			if e, err := k.Deploy(bg, "bench-1", d); err != nil || !e.Replayed {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkKeeperPosition: Position from a Keeper's Source: 2,000 changes
// in 50 chains, read a page at a time and decoded, and 600 subscriptions
// from the Book.
func BenchmarkKeeperPosition(b *testing.B) {
	p, err := largeKeeper(b).Partner()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := p.Position(bg, day("2026-10-15")); err != nil {
			b.Fatal(err)
		}
	}
}
