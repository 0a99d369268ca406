package activation_test

import (
	"context"
	"fmt"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/token"
)

// presetPolicies maps the name of every preset to the preset: the policies
// of a Verifier for books that use the presets as they are.
func presetPolicies() map[string]activation.Policy {
	m := map[string]activation.Policy{}
	for _, name := range activation.PolicyNames() {
		p, err := activation.PolicyByName(name)
		if err != nil {
			panic(err)
		}
		m[name] = p
	}
	return m
}

// A book's history is proved record by record: here someone appended a
// record straight to the store that gives 500 seats for a 5-seat key.
func ExampleVerifier_Verify() {
	ctx := context.Background()
	j := activation.NewMemoryJournal()
	b := &activation.Book{Policy: activation.PartnerCenter(), Journal: j}
	if err := b.Import(ctx, activation.Subscription{Tenant: "contoso", Product: "O365-E3", Seats: 100, End: exDay(2027, 3, 1)}, exDay(2026, 12, 1)); err != nil {
		panic(err)
	}
	k1 := token.Token{Key: token.MustParseKey("AAAA1-BBBB2-CCCC3-DDDD4-EEEE5"), Product: "O365-E3", Seats: 25}
	o, err := b.Redeem(ctx, "contoso", "O365-E3", k1, activation.AddSeats, exDay(2026, 12, 1))
	if err != nil {
		panic(err)
	}

	// The forgery: a 5-seat key's redemption, with 500 seats after it.
	k2 := token.Token{Key: token.MustParseKey("FFFF1-GGGG2-HHHH3-JJJJ4-KKKK5"), Product: "O365-E3", Seats: 5}
	forged, err := activation.PartnerCenter().Apply(o.After, k2, activation.AddSeats, exDay(2026, 12, 2))
	if err != nil {
		panic(err)
	}
	forged.Token.Key, forged.After.Seats = token.Key{}, 500
	rec := activation.Record{Fingerprint: k2.Key.Fingerprint(), Outcome: forged, Seq: 3, KeyTail: "KKKK5", Policy: "partner-center"}
	if _, _, err := j.Append(ctx, rec); err != nil {
		panic(err)
	}

	sum, err := activation.Verifier{Policies: presetPolicies()}.Verify(ctx, j, func(f activation.Finding) error {
		fmt.Println(f)
		return nil
	})
	fmt.Println(sum, err)
	// Output:
	// "contoso" "O365-E3" #3: outcome: After.Seats 500, recomputed 130
	// 1 chain, 3 records: 1 break, 0 not verifiable <nil>
}

// After a failover to an asynchronous standby, the new primary lacks a
// record the old one acknowledged, and a Book wrote another at its place.
func ExampleMissing() {
	ctx := context.Background()
	s := activation.Subscription{Tenant: "contoso", Product: "O365-E3", Seats: 100, End: exDay(2027, 3, 1)}
	k1 := token.Token{Key: token.MustParseKey("AAAA1-BBBB2-CCCC3-DDDD4-EEEE5"), Product: "O365-E3", Seats: 25}
	k2 := token.Token{Key: token.MustParseKey("FFFF1-GGGG2-HHHH3-JJJJ4-KKKK5"), Product: "O365-E3", Seats: 10}
	old, current := activation.NewMemoryJournal(), activation.NewMemoryJournal()
	for i, j := range []*activation.MemoryJournal{old, current} {
		b := &activation.Book{Policy: activation.PartnerCenter(), Journal: j}
		if err := b.Import(ctx, s, exDay(2026, 12, 1)); err != nil {
			panic(err)
		}
		k := []token.Token{k1, k2}[i] // the old primary redeemed k1, the new one k2
		if _, err := b.Redeem(ctx, "contoso", "O365-E3", k, activation.AddSeats, exDay(2026, 12, 1)); err != nil {
			panic(err)
		}
	}

	sum, err := activation.Missing(ctx, old, current, func(m activation.MissingRecord) error {
		fmt.Printf("missing: #%d key …%s; place taken by key …%s; key spent on the new primary: %t\n",
			m.Record.Seq, m.Record.KeyTail, m.AtPlace.KeyTail, m.KeySpent)
		return nil
	})
	fmt.Printf("%+v %v\n", sum, err)
	// Output:
	// missing: #2 key …EEEE5; place taken by key …KKKK5; key spent on the new primary: false
	// {Chains:1 Records:2 Missing:1} <nil>
}
