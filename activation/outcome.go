package activation

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"time"

	"github.com/shopspring/decimal"

	"github.com/coterm/coterm/activation/internal/text"
	"github.com/coterm/coterm/proration"
	"github.com/coterm/coterm/token"
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
	Key        string `json:"key"` // masked: XXXXX-XXXXX-XXXXX-XXXXX-EEEE5; "" for the zero key
	Product    string `json:"product"`
	Seats      int    `json:"seats"`
	TermMonths int    `json:"termMonths"`
}

type monthsJSON struct {
	Num     int64  `json:"num"`
	Den     int64  `json:"den"`
	Decimal string `json:"decimal,omitempty"` // rounded half-even to 4 places, trailing zeros trimmed; ignored on input
}

// MarshalJSON implements json.Marshaler. Dates are "YYYY-MM-DD" ("" for
// the zero time), enums are their names ("" for the zero value, which means
// unknown; Op and Applied may be "import"), the key is masked (only its last
// group shows; "" for the zero key of an import), and the explanation is
// included, with the months of an extension as a decimal. An enum outside its type's values is an error
// wrapping [ErrInvalid], never "Operation(7)"; so is a date outside the
// years 1…9999, which "YYYY-MM-DD" cannot hold. [Outcome.UnmarshalJSON]
// reads back everything MarshalJSON writes.
func (o Outcome) MarshalJSON() ([]byte, error) {
	for _, d := range [...]struct {
		field string
		t     time.Time
	}{{"at", o.At}, {"before.end", o.Before.End}, {"after.end", o.After.End}} {
		if y := d.t.Year(); !d.t.IsZero() && (y < 1 || y > 9999) {
			return nil, invalid("outcome JSON: %s: year outside 1…9999", d.field)
		}
	}
	v := outcomeJSON{
		At: dateString(o.At),
		Token: tokenJSON{
			Product: o.Token.Product,
			Seats:   o.Token.Seats, TermMonths: o.Token.TermMonths,
		},
		Before:         o.Before.toJSON(),
		After:          o.After.toJSON(),
		Remaining:      o.Remaining,
		TermDays:       o.TermDays,
		NewRemaining:   o.NewRemaining,
		TermMonths:     o.TermMonths,
		SeatDaysBefore: o.SeatDaysBefore,
		SeatDaysAfter:  o.SeatDaysAfter,
		Residue:        o.Residue,
		DaysAdded:      o.DaysAdded,
		DaysLost:       o.DaysLost,
		CapFactor:      o.CapFactor,
		Replayed:       o.Replayed,
		Explanation:    o.Explain(),
	}
	if !o.Token.Key.IsZero() {
		v.Token.Key = o.Token.Key.String() // masked; "" for the zero key of an import
	}
	var err error
	if v.Op, err = jsonOp("op", o.Op); err != nil {
		return nil, err
	}
	if v.Applied, err = jsonOp("applied", o.Applied); err != nil {
		return nil, err
	}
	switch {
	case o.StateBefore != 0 && !o.StateBefore.valid():
		return nil, invalid("outcome JSON: stateBefore %s", o.StateBefore)
	case !o.Rounding.Valid():
		return nil, invalid("outcome JSON: rounding %s", o.Rounding)
	case !o.Convention.Valid():
		return nil, invalid("outcome JSON: convention %s", o.Convention)
	case o.Anchor != 0 && !o.Anchor.valid():
		return nil, invalid("outcome JSON: anchor %s", o.Anchor)
	}
	if o.StateBefore != 0 {
		v.StateBefore = o.StateBefore.String()
	}
	v.Rounding, v.Convention = o.Rounding.String(), o.Convention.String()
	if o.Anchor != 0 {
		v.Anchor = o.Anchor.String()
	}
	if o.MonthsDen > 0 {
		v.Months = &monthsJSON{Num: o.MonthsNum, Den: o.MonthsDen, Decimal: o.Months(4).String()}
	} else if o.MonthsNum != 0 || o.MonthsDen != 0 {
		// Not an extension's months: kept exactly, without a decimal.
		v.Months = &monthsJSON{Num: o.MonthsNum, Den: o.MonthsDen}
	}
	return json.Marshal(v)
}

// jsonOp returns the JSON name of op: "" for the zero value, or its name
// (one of the four operations, or "import"); any other value is an error.
func jsonOp(field string, op Operation) (string, error) {
	if op == 0 {
		return "", nil
	}
	name, err := recordOpText.MarshalText(op)
	if err != nil {
		return "", invalid("outcome JSON: %s %s", field, op)
	}
	return string(name), nil
}

// UnmarshalJSON implements json.Unmarshaler: it reads what
// [Outcome.MarshalJSON] writes (dates back at 00:00 UTC; "" is a zero value,
// a missing field too; null leaves o unchanged). Derived and unknown fields
// are ignored; Token.Key stays the zero Key, as the JSON holds only its
// masked form, which is never parsed. Errors wrap [ErrInvalid], name the
// field and never quote the input.
func (o *Outcome) UnmarshalJSON(b []byte) error {
	if string(bytes.TrimSpace(b)) == "null" {
		return nil // encoding/json's convention: null leaves the value alone
	}
	var v outcomeJSON
	if err := json.Unmarshal(b, &v); err != nil {
		return jsonError("outcome JSON", err)
	}
	var out Outcome
	var err error
	if out.Op, err = parseJSONOp("op", v.Op); err != nil {
		return err
	}
	if out.Applied, err = parseJSONOp("applied", v.Applied); err != nil {
		return err
	}
	if out.At, err = parseJSONDate("outcome JSON: at", v.At); err != nil {
		return err
	}
	out.Token = token.Token{Product: v.Token.Product, Seats: v.Token.Seats, TermMonths: v.Token.TermMonths}
	if out.Before, err = v.Before.fromJSON("before"); err != nil {
		return err
	}
	if out.After, err = v.After.fromJSON("after"); err != nil {
		return err
	}
	if v.StateBefore != "" {
		if out.StateBefore, err = ParseState(v.StateBefore); err != nil {
			return invalid("outcome JSON: stateBefore: want active, expired, disabled, deleted, none or \"\"")
		}
	}
	out.Remaining, out.TermDays, out.NewRemaining, out.TermMonths = v.Remaining, v.TermDays, v.NewRemaining, v.TermMonths
	out.SeatDaysBefore, out.SeatDaysAfter, out.Residue = v.SeatDaysBefore, v.SeatDaysAfter, v.Residue
	if v.Months != nil {
		out.MonthsNum, out.MonthsDen = v.Months.Num, v.Months.Den
	}
	out.DaysAdded, out.DaysLost = v.DaysAdded, v.DaysLost
	if v.Rounding != "" {
		if out.Rounding, err = proration.ParseRounding(v.Rounding); err != nil {
			return invalid("outcome JSON: rounding: want half-even, half-up, down, up or \"\"")
		}
	}
	if v.Convention != "" {
		if out.Convention, err = proration.ParseConvention(v.Convention); err != nil {
			return invalid("outcome JSON: convention: want calendar-months, exact-seat-days or \"\"")
		}
	}
	if v.Anchor != "" {
		if out.Anchor, err = anchorText.Parse(v.Anchor); err != nil {
			return invalid("outcome JSON: anchor: want redemption-day, old-end or nothing")
		}
	}
	out.CapFactor, out.Replayed = v.CapFactor, v.Replayed
	*o = out
	return nil
}

// parseJSONOp reads what jsonOp writes: "" for the zero value, or a name
// under the rule of every enum (any ASCII case, the aliases).
func parseJSONOp(field, s string) (Operation, error) {
	if s == "" {
		return 0, nil
	}
	op, err := recordOpText.Parse(s)
	if err != nil {
		return 0, invalid("outcome JSON: %s: want %s or \"\"", field, recordOpText.List())
	}
	return op, nil
}

// fromJSON is Subscription.UnmarshalJSON on the decoded fields.
func (v subscriptionJSON) fromJSON(field string) (Subscription, error) {
	end, err := parseJSONDate("outcome JSON: "+field+".end", v.End)
	if err != nil {
		return Subscription{}, err
	}
	return Subscription{Tenant: v.Tenant, Product: v.Product, Seats: v.Seats, End: end}, nil
}

// jsonError turns an error of encoding/json into the package's form: what
// ("outcome JSON"), the field and the type it wants, wrapping [ErrInvalid],
// without the decoder's own words (which name unexported types) or any of
// the input.
func jsonError(what string, err error) error {
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) || te.Type == nil {
		return invalid("%s: malformed", what)
	}
	want := "a " + te.Type.Kind().String()
	switch te.Type.Kind() {
	case reflect.Struct:
		want = "an object"
	case reflect.Int, reflect.Int64:
		want = "an integer"
	case reflect.Bool:
		want = "true or false"
	}
	if te.Field == "" {
		return invalid("%s: want %s", what, want)
	}
	return invalid("%s: field %q: want %s", what, te.Field, want)
}

// explainImport explains a record made by [Book.Import]: what was imported,
// or what a correction changed.
func (o Outcome) explainImport() string {
	day := dateString(o.At)
	switch {
	case o.Before.IsNone() && o.After.IsNone():
		return "Import on " + day + ": no subscription."
	case o.Before.IsNone():
		return "Import on " + day + ": " + text.Plural(int64(o.After.Seats), "seat") + ", end date " + dateString(o.After.End) + "."
	case o.After.IsNone():
		return "Correction on " + day + ": " + text.Plural(int64(o.Before.Seats), "seat") + " until " + dateString(o.Before.End) + " → no subscription."
	}
	msg := "Correction on " + day + ": "
	if o.Before.Seats == o.After.Seats {
		msg += text.Plural(int64(o.After.Seats), "seat") + " (unchanged)"
	} else {
		msg += "seats " + text.Group(int64(o.Before.Seats)) + " → " + text.Group(int64(o.After.Seats))
	}
	b, a := dateString(o.Before.End), dateString(o.After.End)
	if a == b {
		return msg + ", end date " + a + " (unchanged)."
	}
	return msg + ", end date " + b + " → " + a + "."
}
