package activation

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"reflect"
	"time"

	"github.com/shopspring/decimal"

	"github.com/coterm/coterm/activation/internal/text"
	"github.com/coterm/coterm/internal/enum"
	"github.com/coterm/coterm/proration"
	"github.com/coterm/coterm/token"
)

// Outcome is the result of one redemption: the subscription before and after
// and every number of the formula, which [Outcome.Explain] shows. It is a
// comparable value (equal inputs to Apply give == Outcomes); dates are at
// 00:00 UTC. Residue is what rounding added or removed (R4), the difference
// between calendar months and exact seat-days (R5), or the days a renewal
// gave up.
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
	// C ÷ A × TermMonths in lowest terms; both 0 for other operations.
	MonthsNum, MonthsDen int64

	DaysAdded int // days the end date moved (negative if earlier; from At for a subscription with no term)
	DaysLost  int // days of the old term given up by a renewal anchored on the redemption day (R9)

	Rounding   proration.Rounding   // the policy's rounding
	Convention proration.Convention // the policy's convention (extend end date)
	Anchor     Anchor               // the anchor of a renewal (R9); of an extension under the end-limit cap (R6, proration.CapEndLimit), RedemptionDay, the day its limit counts from; 0 otherwise
	CapFactor  int                  // the policy's cap factor (R6)

	Replayed bool // a recorded Outcome returned for the identical request (R2); Apply never sets it
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
// unknown; Op and Applied may be "import"), the key is masked ("" for the
// zero key of an import), and the explanation is included, with the months
// of an extension as a decimal. An enum outside its type's values is an
// error wrapping [ErrInvalid], never "Operation(7)"; so is a date outside the
// years 1…9999, which "YYYY-MM-DD" cannot hold. [Outcome.UnmarshalJSON]
// reads back everything MarshalJSON writes.
func (o Outcome) MarshalJSON() ([]byte, error) {
	v := outcomeJSON{
		Token:  tokenJSON{Product: o.Token.Product, Seats: o.Token.Seats, TermMonths: o.Token.TermMonths},
		Before: o.Before.toJSON(), After: o.After.toJSON(),
		Remaining: o.Remaining, TermDays: o.TermDays, NewRemaining: o.NewRemaining, TermMonths: o.TermMonths,
		SeatDaysBefore: o.SeatDaysBefore, SeatDaysAfter: o.SeatDaysAfter, Residue: o.Residue,
		DaysAdded: o.DaysAdded, DaysLost: o.DaysLost,
		Rounding: o.Rounding.String(), Convention: o.Convention.String(),
		CapFactor: o.CapFactor, Replayed: o.Replayed, Explanation: o.Explain(),
	}
	var errs [9]error
	v.At, errs[0] = jsonDate("outcome JSON: at", o.At)
	v.Before.End, errs[1] = jsonDate("outcome JSON: before.end", o.Before.End)
	v.After.End, errs[2] = jsonDate("outcome JSON: after.end", o.After.End)
	if !o.Rounding.Valid() {
		errs[3] = invalid("outcome JSON: rounding %s", o.Rounding)
	}
	if !o.Convention.Valid() {
		errs[4] = invalid("outcome JSON: convention %s", o.Convention)
	}
	v.Op, errs[5] = enumJSON(recordOpText, "op", o.Op)
	v.Applied, errs[6] = enumJSON(recordOpText, "applied", o.Applied)
	v.StateBefore, errs[7] = enumJSON(stateText, "stateBefore", o.StateBefore)
	v.Anchor, errs[8] = enumJSON(anchorText, "anchor", o.Anchor)
	if err := cmp.Or(errs[:]...); err != nil {
		return nil, err
	}
	if !o.Token.Key.IsZero() {
		v.Token.Key = o.Token.Key.String() // masked
	}
	if o.MonthsNum != 0 || o.MonthsDen != 0 {
		v.Months = &monthsJSON{Num: o.MonthsNum, Den: o.MonthsDen}
		if o.MonthsDen > 0 { // not an extension's months otherwise: kept exactly, without a decimal
			v.Months.Decimal = o.months(4).String()
		}
	}
	return json.Marshal(v)
}

// months returns MonthsNum ÷ MonthsDen rounded half-even to scale places
// (proration.Rounding.DivDecimal): zero when MonthsDen is not positive.
func (o *Outcome) months(scale int32) decimal.Decimal {
	if o.MonthsDen <= 0 {
		return decimal.Zero
	}
	return proration.HalfEven.DivDecimal(decimal.NewFromInt(o.MonthsNum), decimal.NewFromInt(o.MonthsDen), scale)
}

// jsonDate is t as the package's JSON writes a date, "YYYY-MM-DD" ("" for
// the zero time); a year outside 1…9999, which that form cannot hold, is an
// error naming field.
func jsonDate(field string, t time.Time) (string, error) {
	if y := t.Year(); !t.IsZero() && (y < 1 || y > 9999) {
		return "", invalid("%s: year outside 1…9999", field)
	}
	return dateString(t), nil
}

// enumJSON is v's name in an Outcome's JSON, "" for the zero value; a value
// set does not define is an error naming field.
func enumJSON[T ~int](set *enum.Set[T], field string, v T) (string, error) {
	switch {
	case v == 0:
		return "", nil
	case !set.Valid(v):
		return "", invalid("outcome JSON: %s %s", field, set.String(v))
	}
	return set.String(v), nil
}

// UnmarshalJSON implements json.Unmarshaler: it reads what
// [Outcome.MarshalJSON] writes (dates back at 00:00 UTC; "" is a zero value,
// a missing field too; null leaves o unchanged). Derived and unknown fields
// are ignored; Token.Key stays the zero Key, as the JSON holds only its
// masked form, which is never parsed. Errors wrap [ErrInvalid], name the
// field and never quote the input.
func (o *Outcome) UnmarshalJSON(b []byte) error {
	var v outcomeJSON
	if ok, err := decodeJSON("outcome JSON", b, &v); !ok {
		return err
	}
	out := Outcome{
		Token:     token.Token{Product: v.Token.Product, Seats: v.Token.Seats, TermMonths: v.Token.TermMonths},
		Remaining: v.Remaining, TermDays: v.TermDays, NewRemaining: v.NewRemaining, TermMonths: v.TermMonths,
		SeatDaysBefore: v.SeatDaysBefore, SeatDaysAfter: v.SeatDaysAfter, Residue: v.Residue,
		DaysAdded: v.DaysAdded, DaysLost: v.DaysLost, CapFactor: v.CapFactor, Replayed: v.Replayed,
	}
	if v.Months != nil {
		out.MonthsNum, out.MonthsDen = v.Months.Num, v.Months.Den
	}
	var errs [9]error
	out.Op, errs[0] = parseEnumJSON("outcome JSON: op", v.Op, recordOpText.Parse, recordOpText.List)
	out.Applied, errs[1] = parseEnumJSON("outcome JSON: applied", v.Applied, recordOpText.Parse, recordOpText.List)
	out.At, errs[2] = parseJSONDate("outcome JSON: at", v.At)
	out.Before, errs[3] = v.Before.fromJSON("before")
	out.After, errs[4] = v.After.fromJSON("after")
	out.StateBefore, errs[5] = parseEnumJSON("outcome JSON: stateBefore", v.StateBefore, stateText.Parse, stateText.List)
	out.Rounding, errs[6] = parseEnumJSON("outcome JSON: rounding", v.Rounding, proration.ParseRounding,
		func() string { return "half-even, half-up, down or up" })
	out.Convention, errs[7] = parseEnumJSON("outcome JSON: convention", v.Convention, proration.ParseConvention,
		func() string { return "calendar-months or exact-seat-days" })
	out.Anchor, errs[8] = parseEnumJSON("outcome JSON: anchor", v.Anchor, anchorText.Parse, anchorText.List)
	if err := cmp.Or(errs[:]...); err != nil {
		return err
	}
	*o = out
	return nil
}

// parseEnumJSON reads an enum of the package's JSON, field: "" is the zero
// value, or a name parse reads under the rule of every enum.
func parseEnumJSON[T ~int](field, s string, parse func(string) (T, error), names func() string) (T, error) {
	if s == "" {
		return 0, nil
	}
	v, err := parse(s)
	if err != nil {
		return 0, invalid("%s: want %s or \"\"", field, names())
	}
	return v, nil
}

// fromJSON is Subscription.UnmarshalJSON on the decoded fields.
func (v subscriptionJSON) fromJSON(field string) (Subscription, error) {
	end, err := parseJSONDate("outcome JSON: "+field+".end", v.End)
	return Subscription{Tenant: v.Tenant, Product: v.Product, Seats: v.Seats, End: end}, err
}

// decodeJSON decodes b, the JSON form of what, into v, and reports whether
// it did: JSON null leaves a value unchanged, as encoding/json does.
func decodeJSON[T any](what string, b []byte, v *T) (bool, error) {
	if string(bytes.TrimSpace(b)) == "null" {
		return false, nil
	}
	if err := json.Unmarshal(b, v); err != nil {
		return false, jsonError(what, err)
	}
	return true, nil
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
