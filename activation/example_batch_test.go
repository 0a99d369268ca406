package activation_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/token"
)

// Several keys in one redemption ("Add another product key"): all are
// applied in the order given, or none. A batch with a spent key spends
// nothing and names that key.
func ExampleBook_RedeemAll() {
	ctx := context.Background()
	b := &activation.Book{Policy: activation.PartnerCenter(), Journal: activation.NewMemoryJournal()}
	err := b.Import(ctx, activation.Subscription{Tenant: "contoso", Product: "O365-E3", Seats: 100, End: exDay(2027, 3, 1)}, exDay(2026, 12, 1))
	if err != nil {
		panic(err)
	}
	keys := []token.Token{
		{Key: token.MustParseKey("AAAA1-BBBB2-CCCC3-DDDD4-EEEE5"), Product: "O365-E3", Seats: 25},
		{Key: token.MustParseKey("FFFF1-GGGG2-HHHH3-JJJJ4-KKKK5"), Product: "O365-E3", Seats: 25},
	}
	out, err := b.RedeemAll(ctx, "contoso", "O365-E3", keys, activation.AddSeats, exDay(2026, 12, 1))
	if err != nil {
		panic(err)
	}
	for _, o := range out {
		fmt.Printf("%v: %d → %d seats, end %s\n", o.Token.Key, o.Before.Seats, o.After.Seats, o.After.End.Format(time.DateOnly))
	}
	fresh := token.Token{Key: token.MustParseKey("LLLL1-MMMM2-NNNN3-PPPP4-QQQQ5"), Product: "O365-E3", Seats: 10}
	_, err = b.RedeemAll(ctx, "contoso", "O365-E3", []token.Token{fresh, keys[1]}, activation.AddSeats, exDay(2026, 12, 2))
	var be *activation.BatchError
	fmt.Println(errors.As(err, &be) && be.Index == 1, errors.Is(err, activation.ErrAlreadyRedeemed))
	_, spent, _ := b.Lookup(ctx, fresh.Key)
	fmt.Println("first key spent:", spent)
	// Output:
	// XXXXX-XXXXX-XXXXX-XXXXX-EEEE5: 100 → 125 seats, end 2027-04-25
	// XXXXX-XXXXX-XXXXX-XXXXX-KKKK5: 125 → 150 seats, end 2027-06-01
	// true true
	// first key spent: false
}

// A replacement key (R12) within 30 days of activation, once: a record of
// its own after the activation's, which stays.
func ExampleBook_Replace() {
	ctx := context.Background()
	b := &activation.Book{Policy: activation.PartnerCenter(), Journal: activation.NewMemoryJournal()}
	old := token.Token{Key: token.MustParseKey("AAAA1-BBBB2-CCCC3-DDDD4-EEEE5"), Product: "O365-E3", Seats: 10}
	if _, err := b.Redeem(ctx, "contoso", "O365-E3", old, activation.Activate, exDay(2027, 1, 31)); err != nil {
		panic(err)
	}
	repl := token.Token{Key: token.MustParseKey("FFFF1-GGGG2-HHHH3-JJJJ4-KKKK5"), Product: "O365-E3", Seats: 12}
	o, err := b.Replace(ctx, old.Key, repl, exDay(2027, 3, 2)) // day 30: in time
	if err != nil {
		panic(err)
	}
	fmt.Println(o.Before.Seats, "→", o.After.Seats, "seats, end", o.After.End.Format(time.DateOnly))
	h, _ := b.History(ctx, "contoso", "O365-E3")
	fmt.Println(len(h), "records;", h[1].Explain())
	again := token.Token{Key: token.MustParseKey("LLLL1-MMMM2-NNNN3-PPPP4-QQQQ5"), Product: "O365-E3", Seats: 15}
	_, err = b.Replace(ctx, old.Key, again, exDay(2027, 3, 2))
	fmt.Println(err)
	// Output:
	// 10 → 12 seats, end 2028-01-31
	// 2 records; The key ending EEEE5 (record 1) is replaced by the key ending KKKK5, within its replacement window, once (R12). Replacement (R12) on 2027-03-02: a key of 12 seats in place of the key redeemed before, applied as activate as that key was; seats 10 → 12, end date 2028-01-31 → 2028-01-31.
	// activation: replacement of XXXXX-XXXXX-XXXXX-XXXXX-EEEE5 not allowed: replaced already, once only (replacement window until 2027-03-02)
}
