package activation_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/token"
)

// Example_redeemOnce shows exactly once (R2): a key is applied once; retrying
// the identical request (after a timeout, say) replays the recorded result;
// any other use of the key is ErrAlreadyRedeemed, which names the key masked
// and says nothing about the first redemption.
func Example_redeemOnce() {
	r := &activation.Redeemer{Policy: activation.PartnerCenter(), Ledger: activation.NewMemoryLedger()}
	ctx := context.Background()

	sub := activation.Subscription{Tenant: "contoso", Product: "O365-E3", Seats: 100,
		End: time.Date(2027, time.January, 1, 0, 0, 0, 0, time.UTC)}
	key := token.MustParseKey("AAAA1-BBBB2-CCCC3-DDDD4-EEEE5")
	tk := token.Token{Key: key, Product: "O365-E3", Seats: 25}
	day := time.Date(2026, time.June, 15, 0, 0, 0, 0, time.UTC)

	// R5: 100 active seats + a 25-seat key = +3 months.
	o, err := r.Redeem(ctx, sub, tk, activation.ExtendEnd, day)
	fmt.Println(o.After.Seats, o.After.End.Format(time.DateOnly), o.Replayed, err)

	// The identical request again: the recorded result, nothing applied twice.
	o, err = r.Redeem(ctx, sub, tk, activation.ExtendEnd, day)
	fmt.Println(o.After.Seats, o.After.End.Format(time.DateOnly), o.Replayed, err)

	// Another tenant tries the same key.
	other := sub
	other.Tenant = "fabrikam"
	_, err = r.Redeem(ctx, other, tk, activation.ExtendEnd, day)
	fmt.Println(errors.Is(err, activation.ErrAlreadyRedeemed))
	fmt.Println(err)
	// Output:
	// 100 2027-04-01 false <nil>
	// 100 2027-04-01 true <nil>
	// true
	// activation: key already redeemed: XXXXX-XXXXX-XXXXX-XXXXX-EEEE5
}
