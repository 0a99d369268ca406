package activation_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/token"
)

func exDay(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// Two admins redeem two 25-seat keys as add licenses against one 100-seat
// subscription at the same moment: the book computes each on the state the
// other left, so no seat is lost (R4, R10). The identical request replays.
func ExampleBook_Redeem() {
	ctx := context.Background()
	b := &activation.Book{Policy: activation.PartnerCenter(), Journal: activation.NewMemoryJournal()}
	err := b.Import(ctx, activation.Subscription{Tenant: "contoso", Product: "O365-E3", Seats: 100, End: exDay(2027, 3, 1)}, exDay(2026, 12, 1))
	if err != nil {
		panic(err)
	}
	k1 := token.Token{Key: token.MustParseKey("AAAA1-BBBB2-CCCC3-DDDD4-EEEE5"), Product: "O365-E3", Seats: 25}
	k2 := token.Token{Key: token.MustParseKey("FFFF1-GGGG2-HHHH3-JJJJ4-KKKK5"), Product: "O365-E3", Seats: 25}
	for _, k := range []token.Token{k1, k2} {
		o, err := b.Redeem(ctx, "contoso", "O365-E3", k, activation.AddSeats, exDay(2026, 12, 1))
		if err != nil {
			panic(err)
		}
		fmt.Printf("%v: %d → %d seats, end %s\n", k.Key, o.Before.Seats, o.After.Seats, o.After.End.Format(time.DateOnly))
	}
	again, err := b.Redeem(ctx, "contoso", "O365-E3", k1, activation.AddSeats, exDay(2026, 12, 1))
	fmt.Println("retry replayed:", again.Replayed, err)
	_, err = b.Redeem(ctx, "fabrikam", "O365-E3", k1, activation.Activate, exDay(2026, 12, 2))
	fmt.Println(errors.Is(err, activation.ErrAlreadyRedeemed), err)
	s, _, _ := b.Subscription(ctx, "contoso", "O365-E3")
	fmt.Println(s.Seats, "seats")
	// Output:
	// XXXXX-XXXXX-XXXXX-XXXXX-EEEE5: 100 → 125 seats, end 2027-04-25
	// XXXXX-XXXXX-XXXXX-XXXXX-KKKK5: 125 → 150 seats, end 2027-06-01
	// retry replayed: true <nil>
	// true activation: key already redeemed: XXXXX-XXXXX-XXXXX-XXXXX-EEEE5
	// 150 seats
}

// Import starts tracking a subscription as the admin portal shows it, and
// records corrections in the same history.
func ExampleBook_Import() {
	ctx := context.Background()
	b := &activation.Book{Policy: activation.PartnerCenter(), Journal: activation.NewMemoryJournal()}
	s := activation.Subscription{Tenant: "contoso", Product: "O365-E3", Seats: 100, End: exDay(2027, 1, 1)}
	for _, at := range []time.Time{exDay(2026, 6, 1), exDay(2026, 6, 2)} { // the second is equal: nothing recorded
		if err := b.Import(ctx, s, at); err != nil {
			panic(err)
		}
	}
	s.Seats = 110
	if err := b.Import(ctx, s, exDay(2026, 7, 1)); err != nil {
		panic(err)
	}
	h, _ := b.History(ctx, "contoso", "O365-E3")
	for _, rec := range h {
		fmt.Println(rec.Seq, rec.Outcome.Explain())
	}
	// Output:
	// 1 Import on 2026-06-01: 100 seats, end date 2027-01-01.
	// 2 Correction on 2026-07-01: seats 100 → 110, end date 2027-01-01 (unchanged).
}

// History answers "why did my end date move?": every record with the key's
// last group, the operation and the computation.
func ExampleBook_History() {
	ctx := context.Background()
	b := &activation.Book{Policy: activation.PartnerCenter(), Journal: activation.NewMemoryJournal()}
	_ = b.Import(ctx, activation.Subscription{Tenant: "contoso", Product: "O365-E3", Seats: 100, End: exDay(2027, 1, 1)}, exDay(2026, 6, 1))
	k := token.Token{Key: token.MustParseKey("AAAA1-BBBB2-CCCC3-DDDD4-EEEE5"), Product: "O365-E3", Seats: 25}
	if _, err := b.Redeem(ctx, "contoso", "O365-E3", k, activation.ExtendEnd, exDay(2026, 6, 15)); err != nil {
		panic(err)
	}
	h, err := b.History(ctx, "contoso", "O365-E3")
	if err != nil {
		panic(err)
	}
	for _, rec := range h {
		fmt.Printf("%d %-10s key %-5s %s\n", rec.Seq, rec.Outcome.Op, rec.KeyTail, rec.Outcome.Explain())
	}
	// Output:
	// 1 import     key       Import on 2026-06-01: 100 seats, end date 2027-01-01.
	// 2 extend-end key EEEE5 Extend end date (R5): 25-seat key ÷ 100 active seats × 12 months = 3 months; 2027-01-01 + 3 months = new end date 2027-04-01 for 100 seats (R6: keys up to 300 seats accepted).
}

// Due is a partner's worklist: the days subscriptions expire, are disabled
// and are deleted (R8: 30 and 90 days) in a range.
func ExampleBook_Due() {
	ctx := context.Background()
	b := &activation.Book{Policy: activation.PartnerCenter(), Journal: activation.NewMemoryJournal()}
	for _, s := range []activation.Subscription{
		{Tenant: "contoso", Product: "O365-E3", Seats: 100, End: exDay(2027, 1, 1)},
		{Tenant: "fabrikam", Product: "O365-E3", Seats: 20, End: exDay(2026, 12, 15)},
	} {
		if err := b.Import(ctx, s, exDay(2026, 11, 1)); err != nil {
			panic(err)
		}
	}
	due, err := b.Due(ctx, exDay(2026, 12, 1), exDay(2027, 2, 1))
	if err != nil {
		panic(err)
	}
	for _, d := range due {
		fmt.Println(d.Date.Format(time.DateOnly), d.Tenant, d.Product, d.State)
	}
	// Output:
	// 2026-12-15 fabrikam O365-E3 expired
	// 2027-01-01 contoso O365-E3 expired
	// 2027-01-14 fabrikam O365-E3 disabled
	// 2027-01-31 contoso O365-E3 disabled
}

// A caller that shows the options first redeems only if nothing changed
// since; otherwise it gets ErrChanged and the key is not spent.
func ExampleBook_RedeemIfUnchanged() {
	ctx := context.Background()
	b := &activation.Book{Policy: activation.PartnerCenter(), Journal: activation.NewMemoryJournal()}
	_ = b.Import(ctx, activation.Subscription{Tenant: "contoso", Product: "O365-E3", Seats: 100, End: exDay(2027, 1, 1)}, exDay(2026, 6, 1))
	k := token.Token{Key: token.MustParseKey("AAAA1-BBBB2-CCCC3-DDDD4-EEEE5"), Product: "O365-E3", Seats: 25}
	p, err := b.Preview(ctx, "contoso", "O365-E3", k, exDay(2026, 6, 15))
	if err != nil {
		panic(err)
	}
	for _, opt := range p.Options {
		if opt.Err == nil {
			fmt.Println(opt.Op, "→", opt.Outcome.After.Seats, "seats until", opt.Outcome.After.End.Format(time.DateOnly))
		}
	}
	// Meanwhile someone corrects the subscription.
	_ = b.Import(ctx, activation.Subscription{Tenant: "contoso", Product: "O365-E3", Seats: 90, End: exDay(2027, 1, 1)}, exDay(2026, 6, 10))
	_, err = b.RedeemIfUnchanged(ctx, "contoso", "O365-E3", p.Seq, k, activation.ExtendEnd, exDay(2026, 6, 15))
	fmt.Println(errors.Is(err, activation.ErrChanged))
	// Output:
	// add-seats → 125 seats until 2027-02-03
	// extend-end → 100 seats until 2027-04-01
	// true
}

// A MemoryJournal is both a Journal and a Ledger: a key claimed through a
// Redeemer is spent for every Book on the same store.
func ExampleNewMemoryJournal() {
	ctx := context.Background()
	j := activation.NewMemoryJournal()
	r := &activation.Redeemer{Policy: activation.PartnerCenter(), Ledger: j}
	b := &activation.Book{Policy: activation.PartnerCenter(), Journal: j}
	k := token.Token{Key: token.MustParseKey("AAAA1-BBBB2-CCCC3-DDDD4-EEEE5"), Product: "O365-E3", Seats: 25}
	s := activation.Subscription{Tenant: "contoso", Product: "O365-E3", Seats: 100, End: exDay(2027, 1, 1)}
	if _, err := r.Redeem(ctx, s, k, activation.AddSeats, exDay(2026, 6, 15)); err != nil {
		panic(err)
	}
	_, err := b.Redeem(ctx, "contoso", "O365-E3", k, activation.Activate, exDay(2026, 6, 15))
	fmt.Println(errors.Is(err, activation.ErrAlreadyRedeemed))
	rec, ok, _ := b.Lookup(ctx, k.Key)
	fmt.Println(ok, rec.Seq, rec.Outcome.After.Seats)
	// Output:
	// true
	// true 0 125
}
