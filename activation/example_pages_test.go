package activation_test

import (
	"context"
	"fmt"
	"time"

	"github.com/coterm/coterm/activation"
)

// exampleBook returns a book of three subscriptions.
func exampleBook() *activation.Book {
	ctx := context.Background()
	b := &activation.Book{Policy: activation.PartnerCenter(), Journal: activation.NewMemoryJournal()}
	for _, s := range []activation.Subscription{
		{Tenant: "fabrikam", Product: "O365-E3", Seats: 20, End: exDay(2027, 1, 15)},
		{Tenant: "contoso", Product: "O365-E5", Seats: 5, End: exDay(2026, 12, 20)},
		{Tenant: "contoso", Product: "O365-E3", Seats: 100, End: exDay(2027, 3, 1)},
	} {
		if err := b.Import(ctx, s, exDay(2026, 6, 1)); err != nil {
			panic(err)
		}
	}
	return b
}

// SubscriptionsSeq lists a book of any size a page at a time, by tenant,
// then product; a break ends the listing.
func ExampleBook_SubscriptionsSeq() {
	for s, err := range exampleBook().SubscriptionsSeq(context.Background()) {
		if err != nil {
			panic(err)
		}
		fmt.Println(s.Tenant, s.Product, s.Seats, s.End.Format(time.DateOnly))
	}
	// Output:
	// contoso O365-E3 100 2027-03-01
	// contoso O365-E5 5 2026-12-20
	// fabrikam O365-E3 20 2027-01-15
}

// DueSeq streams the lifecycle dates of a window by subscription, then
// date (Due sorts them by date).
func ExampleBook_DueSeq() {
	for d, err := range exampleBook().DueSeq(context.Background(), exDay(2026, 12, 1), exDay(2027, 2, 1)) {
		if err != nil {
			panic(err)
		}
		fmt.Println(d.Tenant, d.Product, d.State, d.Date.Format(time.DateOnly))
	}
	// Output:
	// contoso O365-E5 expired 2026-12-20
	// contoso O365-E5 disabled 2027-01-19
	// fabrikam O365-E3 expired 2027-01-15
}

// HistorySeq streams a history of any length, oldest first.
func ExampleBook_HistorySeq() {
	b := exampleBook()
	ctx := context.Background()
	grown := activation.Subscription{Tenant: "contoso", Product: "O365-E3", Seats: 120, End: exDay(2027, 3, 1)}
	if err := b.Import(ctx, grown, exDay(2026, 7, 1)); err != nil {
		panic(err)
	}
	for rec, err := range b.HistorySeq(ctx, "contoso", "O365-E3") {
		if err != nil {
			panic(err)
		}
		fmt.Println(rec.Seq, rec.Outcome.Op, rec.Outcome.Before.Seats, "→", rec.Outcome.After.Seats)
	}
	// Output:
	// 1 import 0 → 100
	// 2 import 100 → 120
}
