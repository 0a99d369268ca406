package activation

import (
	"encoding/json"
	"time"

	"github.com/coterm/coterm/proration"
	"github.com/coterm/coterm/token"
	"github.com/shopspring/decimal"
)

// Outcome is the result of one redemption: the subscription before and after
// and every number of the formula, so that [Outcome.Explain] can show the
// computation. An Outcome is a comparable value: two Apply calls with the same
// inputs return == Outcomes. Dates are at 00:00 UTC.
//
// The seat-day fields use one definition for every operation, with A the
// seats before, B = Remaining, C the key's seats, T = TermDays, and R =
// NewRemaining:
//
//	SeatDaysBefore = A × B + C × T     (what the subscription and the key hold)
//	SeatDaysAfter  = seats after × R   (what the subscription holds after)
//	Residue        = SeatDaysAfter − SeatDaysBefore
//
// For add licenses (R4) Residue is what rounding added or removed; for extend
// end date (R5) it is the difference between calendar months and exact
// seat-days; for a renewal it shows the days given up.
type Outcome struct {
	Op      Operation // the operation asked for
	Applied Operation // the operation the rules applied: Renew of an expired or disabled subscription under PartnerCenter is Activate (R7)
	At      time.Time // the redemption day

	Token  token.Token  // the key redeemed; its Key prints and marshals masked
	Before Subscription // the subscription before (End as a date at 00:00 UTC)
	After  Subscription // the subscription after

	StateBefore State // the state on the redemption day (R8)

	Remaining    int // B: days from At to the end date before; 0 if not Active
	TermDays     int // T: days from At to AddMonths(At, TermMonths), the key's term (R3)
	NewRemaining int // R: days from At to the end date after
	TermMonths   int // the key's term in months (the token's, or the policy's)

	SeatDaysBefore int64 // A × B + C × T
	SeatDaysAfter  int64 // seats after × R
	Residue        int64 // SeatDaysAfter − SeatDaysBefore

	// MonthsNum ÷ MonthsDen are the exact months of an extension (R5),
	// C ÷ A × TermMonths in lowest terms; both 0 for other operations. See
	// [Outcome.Months].
	MonthsNum, MonthsDen int64

	DaysAdded int // days the end date moved (negative if earlier; from At for a subscription with no term)
	DaysLost  int // days of the old term given up by a renewal anchored on the redemption day (R9)

	Rounding   proration.Rounding   // the policy's rounding
	Convention proration.Convention // the policy's convention (extend end date)
	Anchor     Anchor               // the anchor of a renewal; 0 otherwise
	CapFactor  int                  // the policy's cap factor (R6)

	// Replayed is true when a Redeemer returned a recorded Outcome instead of
	// applying the key anew (R2). Apply never sets it.
	Replayed bool
}

// Months returns the exact months of an extension, MonthsNum ÷ MonthsDen,
// rounded half-even to scale decimal places: 1.5 for a 1-seat key on 8 seats
// over 12 months. It is zero for other operations.
func (o Outcome) Months(scale int32) decimal.Decimal {
	if o.MonthsDen <= 0 {
		return decimal.Zero
	}
	return proration.HalfEven.DivDecimal(decimal.NewFromInt(o.MonthsNum), decimal.NewFromInt(o.MonthsDen), scale)
}

// KeySeats returns the key's seats, C.
func (o Outcome) KeySeats() int { return o.Token.Seats }

// outcomeJSON is the JSON form of an Outcome.
type outcomeJSON struct {
	Op             string           `json:"op"`
	Applied        string           `json:"applied"`
	At             string           `json:"at"`
	Token          tokenJSON        `json:"token"`
	Before         subscriptionJSON `json:"before"`
	After          subscriptionJSON `json:"after"`
	StateBefore    string           `json:"stateBefore"`
	Remaining      int              `json:"remainingDays"`
	TermDays       int              `json:"termDays"`
	NewRemaining   int              `json:"newRemainingDays"`
	TermMonths     int              `json:"termMonths"`
	SeatDaysBefore int64            `json:"seatDaysBefore"`
	SeatDaysAfter  int64            `json:"seatDaysAfter"`
	Residue        int64            `json:"residue"`
	Months         *monthsJSON      `json:"months,omitempty"`
	DaysAdded      int              `json:"daysAdded"`
	DaysLost       int              `json:"daysLost"`
	Rounding       string           `json:"rounding"`
	Convention     string           `json:"convention"`
	Anchor         string           `json:"anchor,omitempty"`
	CapFactor      int              `json:"capFactor"`
	Replayed       bool             `json:"replayed"`
	Explanation    string           `json:"explanation"`
}

type tokenJSON struct {
	Key        string `json:"key"` // masked: XXXXX-XXXXX-XXXXX-XXXXX-EEEE5
	Product    string `json:"product"`
	Seats      int    `json:"seats"`
	TermMonths int    `json:"termMonths"`
}

type monthsJSON struct {
	Num     int64  `json:"num"`
	Den     int64  `json:"den"`
	Decimal string `json:"decimal"` // rounded half-even to 4 places, trailing zeros trimmed
}

// MarshalJSON implements json.Marshaler. Dates are "YYYY-MM-DD", enums are
// their names, the key is masked (only its last group shows), and the
// explanation is included. There is no UnmarshalJSON: a masked key cannot
// be read back.
func (o Outcome) MarshalJSON() ([]byte, error) {
	v := outcomeJSON{
		Op:      o.Op.String(),
		Applied: o.Applied.String(),
		At:      dateString(o.At),
		Token: tokenJSON{
			Key: o.Token.Key.String(), Product: o.Token.Product,
			Seats: o.Token.Seats, TermMonths: o.Token.TermMonths,
		},
		Before:         o.Before.toJSON(),
		After:          o.After.toJSON(),
		StateBefore:    o.StateBefore.String(),
		Remaining:      o.Remaining,
		TermDays:       o.TermDays,
		NewRemaining:   o.NewRemaining,
		TermMonths:     o.TermMonths,
		SeatDaysBefore: o.SeatDaysBefore,
		SeatDaysAfter:  o.SeatDaysAfter,
		Residue:        o.Residue,
		DaysAdded:      o.DaysAdded,
		DaysLost:       o.DaysLost,
		Rounding:       o.Rounding.String(),
		Convention:     o.Convention.String(),
		CapFactor:      o.CapFactor,
		Replayed:       o.Replayed,
		Explanation:    o.Explain(),
	}
	if o.Anchor != 0 {
		v.Anchor = o.Anchor.String()
	}
	if o.MonthsDen > 0 {
		v.Months = &monthsJSON{Num: o.MonthsNum, Den: o.MonthsDen, Decimal: o.Months(4).String()}
	}
	return json.Marshal(v)
}
