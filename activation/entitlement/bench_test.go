package entitlement

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/coterm/coterm/activation"
)

// large is an organisation of 50 locations in 20 countries, 10 pools and
// 200 tenants, with history records per subscription so that the records
// number about n.
func large(n int) (Organisation, Records) {
	rng := rand.New(rand.NewPCG(1, 2))
	codes := []string{"DE", "FR", "US", "GB", "IT", "ES", "NL", "BE", "AT", "CH", "SE", "NO", "DK", "FI", "PL", "CZ", "IE", "PT", "CA", "JP"}
	o := Organisation{Policy: activation.PartnerCenter()}
	for i := range 50 {
		l := Location{Name: fmt.Sprintf("loc%02d", i), Country: MustParseCountry(codes[i%len(codes)]),
			Years: []Year{yearOf(gold), yearOf(ap)}}
		if i > 0 {
			l.Headquarters = "loc00"
		}
		o.Locations = append(o.Locations, l)
	}
	for p := range 10 {
		o.Pools = append(o.Pools, Pool{Name: fmt.Sprintf("pool%d", p),
			Online:     []Product{{Name: fmt.Sprintf("E%d", p), SKU: Enterprise}, {Name: fmt.Sprintf("K%d", p), SKU: Kiosk}},
			OnPremises: []string{fmt.Sprintf("L%d", p)}, CountryMax: 2000, WorldMax: 20000})
	}
	for t := range 200 {
		o.Placements = append(o.Placements, Placement{Tenant: fmt.Sprintf("t%03d", t), Location: fmt.Sprintf("loc%02d", rng.IntN(50))})
	}
	var r Records
	for i := range 50 {
		for p := range 10 {
			loc, pool := fmt.Sprintf("loc%02d", i), fmt.Sprintf("pool%d", p)
			r.Grants = append(r.Grants,
				Grant{Location: loc, Membership: gold, Year: day("2026-07-01"), Pool: pool, Kind: Core, Quantity: 50},
				Grant{Location: loc, Membership: ap, Year: day("2026-07-01"), Pool: pool, Kind: Core, Quantity: 10},
				Grant{Location: loc, Membership: gold, Year: day("2026-07-01"), Pool: pool, Kind: Demonstration, Quantity: 5, Day: day("2026-09-01")})
			r.Deployments = append(r.Deployments, Deployment{Location: loc, Licence: fmt.Sprintf("L%d", p), Change: Deploy,
				Quantity: 1 + rng.IntN(10), Day: day("2026-07-05")})
			var fp [32]byte
			fp[0], fp[1], fp[2] = byte(i), byte(p), 1
			r.Tokens = append(r.Tokens, IssuedToken{Fingerprint: fp, Location: loc, Membership: gold, Year: day("2026-07-01"),
				Pool: pool, ActivateBy: day("2026-10-01"), Redeemed: day("2026-07-02")})
		}
	}
	per := max(1, (n-len(r.Grants)-len(r.Deployments)-len(r.Tokens))/600)
	eachLargeSubscription(func(tenant, product string) {
		for h := range per {
			r.Online = append(r.Online, Online{From: day("2026-07-02").AddDate(0, 0, h%30), Subscription: activation.Subscription{
				Tenant: tenant, Product: product, Seats: 1 + rng.IntN(20), End: day("2027-07-01")}})
		}
	})
	return o, r
}

// eachLargeSubscription calls f with each of [large]'s 600 subscriptions:
// 200 tenants with three products each, two enterprise and one kiosk.
func eachLargeSubscription(f func(tenant, product string)) {
	for t := range 200 {
		for k := range 3 {
			product := fmt.Sprintf("E%d", (t+k)%10)
			if k == 1 {
				product = fmt.Sprintf("K%d", (t+k)%10)
			}
			f(fmt.Sprintf("t%03d", t), product)
		}
	}
}

func benchPosition(b *testing.B, n int) {
	o, r := large(n)
	p, err := New(o, r.Source())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(len(r.Grants)+len(r.Online)+len(r.Deployments)+len(r.Tokens)), "records")
	b.ResetTimer()
	for b.Loop() {
		if _, err := p.Position(bg, day("2026-10-15")); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPosition: 50 locations, 200 tenants, 10 pools, about 6,000
// records in memory.
func BenchmarkPosition(b *testing.B) { benchPosition(b, 6_000) }

// BenchmarkPosition100k: the same organisation with 100,000 records.
func BenchmarkPosition100k(b *testing.B) { benchPosition(b, 100_000) }

// BenchmarkCheck: the findings of the same organisation with a country
// maximum of 20 that most countries exceed, each with its Since (found by
// evaluating the days the records change, back to the run's start).
func BenchmarkCheck(b *testing.B) {
	o, r := large(6_000)
	for i := range o.Pools {
		o.Pools[i].CountryMax = 20
	}
	p, err := New(o, r.Source())
	if err != nil {
		b.Fatal(err)
	}
	fs, err := p.Check(bg, day("2026-10-15"))
	if err != nil {
		b.Fatal(err)
	}
	if len(fs) == 0 {
		b.Fatal("no findings")
	}
	b.Logf("%d findings", len(fs))
	for b.Loop() {
		if _, err := p.Check(bg, day("2026-10-15")); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSolve: the flows of one pool of the large organisation.
func BenchmarkSolve(b *testing.B) {
	o, r := large(6_000)
	p, err := New(o, r.Source())
	if err != nil {
		b.Fatal(err)
	}
	st, err := collect(bg, p.org, p.src, dayOfTest("2026-10-15"))
	if err != nil {
		b.Fatal(err)
	}
	probs, _, err := p.org.problems(st)
	if err != nil {
		b.Fatal(err)
	}
	var s solver
	b.ResetTimer()
	for b.Loop() {
		s.solve(p.org, &probs[0])
	}
}

// BenchmarkPositionBook100k: Position with its online seats read from a
// Book on a MemoryJournal holding 10⁵ records of 600 subscriptions (the
// organisation of [large]: 50 locations, 200 tenants, 10 pools), one
// subscription's history at a time.
func BenchmarkPositionBook100k(b *testing.B) {
	o, r := large(6_000)
	ctx := bg
	bk := &activation.Book{Policy: activation.PartnerCenter(), Journal: activation.NewMemoryJournal()}
	const perSub = 100_000 / 600
	n := 0
	var err error
	eachLargeSubscription(func(tenant, product string) {
		for h := range perSub {
			s := activation.Subscription{Tenant: tenant, Product: product, Seats: 1 + h%20, End: day("2027-07-01")}
			if e := bk.Import(ctx, s, day("2026-07-02").AddDate(0, 0, h/6)); e != nil && err == nil {
				err = e
			}
			n++
		}
	})
	if err != nil {
		b.Fatal(err)
	}
	p, err := New(o, BookSource{Book: bk, Records: r})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(n+len(r.Grants)+len(r.Deployments)+len(r.Tokens)), "records")
	b.ResetTimer()
	for b.Loop() {
		if _, err := p.Position(ctx, day("2026-10-15")); err != nil {
			b.Fatal(err)
		}
	}
}
