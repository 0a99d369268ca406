package proration

import (
	"fmt"
	"math/big"
	"time"

	"github.com/shopspring/decimal"

	"github.com/coterm/coterm/internal/daymath"
)

// The rules and limits of [SwitchCost] (R11)
// as constants. Each one is a field of [SwitchInput] whose zero value selects
// the default.
const (
	// DefaultPenaltyPercent is the switch penalty: switching channel mid-term
	// costs 25 % of the value of the remaining term ("die Pönale von 25 %
	// für die Restlaufzeit"). [SwitchInput.PenaltyRate] zero means 0.25.
	DefaultPenaltyPercent = 25

	// DefaultFirstDays is the window after activation inside which a switch
	// pays the first month instead of the penalty ("INNERHALB von 30 Tagen ab
	// Web-Direct Aktivierung … das erste Monat an MS bezahlen"): the
	// activation day through the 30th day after it, both included
	// ([WithinDays]).
	DefaultFirstDays = 30

	// MaxFirstDays is the longest first-days window SwitchCost accepts.
	MaxFirstDays = 366

	// DefaultMoneyScale is the number of decimal places of every money amount
	// SwitchCost returns, unless [SwitchInput.Scale] says otherwise.
	DefaultMoneyScale = 2

	// MaxMoneyScale is the largest [SwitchInput.Scale].
	MaxMoneyScale = 18

	// WholeUnits is the [SwitchInput.Scale] that asks for amounts in whole
	// currency units (scale 0, as for yen), since the zero Scale means
	// [DefaultMoneyScale].
	WholeUnits = -1

	// MaxPriceUnits bounds a price per seat per month: at most 10¹² currency
	// units, with at most 18 decimal places (trailing zeros do not count).
	MaxPriceUnits = 1_000_000_000_000
)

// maxPriceScale is the most decimal places a price or a penalty rate may
// have (trailing zeros do not count).
const maxPriceScale = 18

// SwitchRule says which rule of R11 priced a channel switch. The zero value
// is unknown, never a rule SwitchCost applies.
type SwitchRule int

// The switch rules.
const (
	// SwitchFirstMonth: the switch happens on the activation day or within
	// FirstDays days after it (day FirstDays included), and the first month
	// is paid (R11).
	SwitchFirstMonth SwitchRule = iota + 1
	// SwitchPenalty: the switch happens mid-term, and PenaltyRate × the value
	// of the remaining term is paid (R11).
	SwitchPenalty
)

// String returns "first-month" or "penalty", or "SwitchRule(N)" for any other
// value, including the zero value.
func (r SwitchRule) String() string { return switchRuleText.String(r) }

// Valid reports whether r is [SwitchFirstMonth] or [SwitchPenalty].
func (r SwitchRule) Valid() bool { return switchRuleText.Valid(r) }

// ParseSwitchRule parses the names [SwitchRule.String] returns for valid
// rules, "first-month" or "penalty", in any ASCII case, nothing trimmed. Any
// other text is an error wrapping [ErrInput] that lists the names and does
// not repeat the text.
func ParseSwitchRule(s string) (SwitchRule, error) {
	return switchRuleText.Parse(s)
}

// MarshalText implements [encoding.TextMarshaler]. It returns an error
// wrapping [ErrInput] for an invalid r.
func (r SwitchRule) MarshalText() ([]byte, error) { return switchRuleText.MarshalText(r) }

// UnmarshalText implements [encoding.TextUnmarshaler] by [ParseSwitchRule].
func (r *SwitchRule) UnmarshalText(b []byte) error { return switchRuleText.UnmarshalText(r, b) }

// SwitchInput is the input of [SwitchCost]. Every rule is a field whose zero
// value selects the documented default.
type SwitchInput struct {
	Activated time.Time // day the current subscription was activated
	End       time.Time // its end date, the first day without service
	At        time.Time // day of the switch: Activated ≤ At < End

	Seats             int             // seats switched, 1 … MaxSeats
	PricePerSeatMonth decimal.Decimal // price of one seat for one month, ≥ 0

	// PenaltyRate is the share of the remaining value charged mid-term,
	// 0 < rate ≤ 1; zero means 0.25 (DefaultPenaltyPercent, R11).
	PenaltyRate decimal.Decimal
	// FirstDays is the window after activation inside which the first month
	// is paid instead: a switch on At is inside iff it lies in
	// WithinDays(Activated, FirstDays), the activation day (day 0) through
	// day FirstDays, both included — the one reading of "within 30 days"
	// (R11, as R12). 1 … MaxFirstDays; zero means DefaultFirstDays (30, R11).
	FirstDays int
	// Scale is the number of decimal places of the amounts, 1 … MaxMoneyScale;
	// zero means DefaultMoneyScale (2), WholeUnits means 0.
	Scale int32
	// Rounding rounds each amount once, from its exact value, to Scale places;
	// the zero value is HalfEven (banker's rounding).
	Rounding Rounding
}

// SwitchQuote is the result of [SwitchCost]: which rule of R11 applied, the
// remaining term as an exact fraction of months, and the amounts. Dates are at
// 00:00 UTC; the input fields are echoed with their defaults applied.
type SwitchQuote struct {
	Rule SwitchRule // the rule that priced the switch; Due follows it

	Activated, End, At time.Time
	Seats              int
	PricePerSeatMonth  decimal.Decimal
	PenaltyRate        decimal.Decimal // effective rate (0.25 by default)
	FirstDays          int             // effective window (30 by default)
	Scale              int32           // effective decimal places of the amounts
	Rounding           Rounding

	// FirstMonthDays is WithinDays(Activated, FirstDays): the first and last
	// day on which a switch pays the first month (R11).
	FirstMonthDays Window

	DaysSinceActivation int // Days(Activated, At); the activation day is day 0
	RemainingDays       int // Days(At, End)
	YearDays            int // Days(Activated, AddMonths(Activated, 12)): 365 or 366

	// RemainingMonthsNum ÷ RemainingMonthsDen = 12 × RemainingDays ÷ YearDays
	// exactly, in lowest terms: the remaining term in months.
	RemainingMonthsNum, RemainingMonthsDen int64

	// RemainingValue = price × seats × remaining months, rounded once.
	RemainingValue decimal.Decimal
	// Penalty = PenaltyRate × price × seats × remaining months, rounded once
	// from the exact value (not from the rounded RemainingValue).
	Penalty decimal.Decimal
	// FirstMonth = price × seats: one month of the switched seats, rounded.
	FirstMonth decimal.Decimal
	// Due is the amount to pay: FirstMonth under SwitchFirstMonth, Penalty
	// under SwitchPenalty.
	Due decimal.Decimal
}

// RemainingMonths returns the remaining term in months, RemainingMonthsNum ÷
// RemainingMonthsDen, rounded half-even to scale decimal places, for display.
// The zero SwitchQuote gives 0.
func (q SwitchQuote) RemainingMonths(scale int32) decimal.Decimal {
	return fracDecimal(q.RemainingMonthsNum, q.RemainingMonthsDen, scale)
}

// SwitchCost prices a channel switch mid-term (R11) by the formulas of
// "Money of a channel switch" in the package documentation: the remaining
// term Days(At, End) as months of the year from Activated, the remaining
// value, the penalty and the first month, each rounded once to Scale places.
// The quote's Rule says which applies and Due is its amount.
//
// Errors wrap [ErrInput] for seats outside 1 … [MaxSeats], a negative price,
// a price above [MaxPriceUnits] or with more than 18 decimal places, a
// penalty rate outside (0, 1], FirstDays, Scale or Rounding outside their
// ranges, and for At before Activated or not before End (no remaining term);
// they wrap [ErrDateRange] for a date outside the years [MinYear] …
// [MaxYear], including AddMonths(Activated, 12) and the last day of the
// first-days window. On error the quote is zero.
func SwitchCost(in SwitchInput) (SwitchQuote, error) {
	if err := checkSeats("seats", in.Seats); err != nil {
		return SwitchQuote{}, err
	}
	price := in.PricePerSeatMonth
	if err := checkAmount("price per seat month", price, decimal.New(MaxPriceUnits, 0)); err != nil {
		return SwitchQuote{}, err
	}
	rate := in.PenaltyRate
	if rate.Sign() == 0 {
		rate = decimal.New(DefaultPenaltyPercent, -2)
	}
	if err := checkAmount("penalty rate", rate, decimal.New(1, 0)); err != nil {
		return SwitchQuote{}, err
	}
	firstDays := in.FirstDays
	if firstDays == 0 {
		firstDays = DefaultFirstDays
	}
	if firstDays < 1 || firstDays > MaxFirstDays {
		return SwitchQuote{}, inputErr("first days %d outside 1…%d", in.FirstDays, MaxFirstDays)
	}
	var scale int32
	switch {
	case in.Scale == 0:
		scale = DefaultMoneyScale
	case in.Scale == WholeUnits:
		scale = 0
	case in.Scale >= 1 && in.Scale <= MaxMoneyScale:
		scale = in.Scale
	default:
		return SwitchQuote{}, inputErr("scale %d outside 1…%d (0 for %d, %d for whole units)", in.Scale, MaxMoneyScale, DefaultMoneyScale, WholeUnits)
	}
	if !in.Rounding.Valid() {
		return SwitchQuote{}, inputErr("rounding %s not defined", in.Rounding)
	}

	act, end, at := daymath.Of(in.Activated), daymath.Of(in.End), daymath.Of(in.At)
	if err := act.Check(); err != nil {
		return SwitchQuote{}, fmt.Errorf("activated: %w", err)
	}
	if err := end.Check(); err != nil {
		return SwitchQuote{}, fmt.Errorf("end: %w", err)
	}
	if err := at.Check(); err != nil {
		return SwitchQuote{}, fmt.Errorf("at: %w", err)
	}
	if at < act {
		return SwitchQuote{}, inputErr("switch on %s before activation on %s", at, act)
	}
	if at >= end {
		return SwitchQuote{}, inputErr("switch on %s not before end %s: no remaining term", at, end)
	}
	yearEnd, err := act.AddMonths(12)
	if err != nil {
		return SwitchQuote{}, fmt.Errorf("year from activation: %w", err)
	}
	first, err := WithinDays(in.Activated, firstDays)
	if err != nil {
		return SwitchQuote{}, fmt.Errorf("first days: %w", err)
	}
	yearDays, remDays := int64(yearEnd-act), int64(end-at)

	num, den := 12*remDays, yearDays
	if g := daymath.GCD(num, den); g != 1 {
		num, den = num/g, den/g
	}

	seats := decimal.NewFromInt(int64(in.Seats))
	monthly := price.Mul(seats) // exact: one month of all switched seats
	valueNum := monthly.Mul(decimal.NewFromInt(12 * remDays))
	yd := decimal.NewFromInt(yearDays)
	q := SwitchQuote{
		Activated: act.Time(), End: end.Time(), At: at.Time(),
		Seats: in.Seats, PricePerSeatMonth: price, PenaltyRate: rate,
		FirstDays: firstDays, FirstMonthDays: first, Scale: scale, Rounding: in.Rounding,

		DaysSinceActivation: int(at - act),
		RemainingDays:       int(remDays),
		YearDays:            int(yearDays),
		RemainingMonthsNum:  num,
		RemainingMonthsDen:  den,

		RemainingValue: divRound(valueNum, yd, scale, in.Rounding),
		Penalty:        divRound(valueNum.Mul(rate), yd, scale, in.Rounding),
		FirstMonth:     divRound(monthly, decimal.New(1, 0), scale, in.Rounding),
	}
	if first.Contains(q.At) {
		q.Rule, q.Due = SwitchFirstMonth, q.FirstMonth
	} else {
		q.Rule, q.Due = SwitchPenalty, q.Penalty
	}
	return q, nil
}

// checkAmount validates a non-negative decimal bounded by limit with at most
// maxPriceScale decimal places. The exponent is checked first, so that no
// later operation (not even formatting v into the error message) can overflow
// decimal's int32 exponent or build a huge power of ten.
func checkAmount(what string, v, limit decimal.Decimal) error {
	if v.Exponent() < -64 {
		v = trimZeros(v) // "1.000…0" with 70 zeros is 1: trailing zeros do not count
	}
	switch {
	case v.Sign() == 0:
		return nil
	case v.Exponent() < -64 || v.Exponent() > 64:
		if v.Sign() < 0 {
			return inputErr("%s is negative", what)
		}
		return inputErr("%s: exponent %d outside -64…64", what, v.Exponent())
	case v.Sign() < 0:
		return inputErr("%s %s is negative", what, v)
	case v.Cmp(limit) > 0:
		return inputErr("%s %s outside 0…%s", what, v, limit)
	case !v.Equal(v.Truncate(maxPriceScale)):
		return inputErr("%s %s has more than %d decimal places", what, v, maxPriceScale)
	}
	return nil
}

// trimZeros returns v with the trailing zeros of its coefficient removed while
// its exponent is below -64: the same value, with the exponent checkAmount
// can judge. A coefficient of more than 512 bits (about 154 digits, far more
// than a valid amount needs) is returned unchanged, so that no input makes
// this loop long; checkAmount then refuses it by its exponent.
func trimZeros(v decimal.Decimal) decimal.Decimal {
	c, exp := v.Coefficient(), v.Exponent()
	if c.BitLen() > 512 {
		return v
	}
	ten := big.NewInt(10)
	q, r := new(big.Int), new(big.Int)
	for exp < -64 && c.Sign() != 0 {
		q.QuoRem(c, ten, r)
		if r.Sign() != 0 {
			break
		}
		c, q = q, c
		exp++
	}
	return decimal.NewFromBigInt(c, exp)
}

// DivDecimal returns num ÷ den rounded once by r to scale decimal places,
// exactly (see "Rounding" in the package documentation; shopspring's
// DivRound always rounds ties away from zero). It returns zero when den is
// zero or r is not a defined Rounding.
func (r Rounding) DivDecimal(num, den decimal.Decimal, scale int32) decimal.Decimal {
	if den.Sign() == 0 || !r.Valid() {
		return decimal.Zero
	}
	return divRound(num, den, scale, r)
}

// divRound returns num ÷ den rounded by r to scale decimal places, exactly:
// the quotient is truncated by QuoRem at that scale and the remainder decides
// the last place, as the formulas do for integers. den must not be zero.
func divRound(num, den decimal.Decimal, scale int32, r Rounding) decimal.Decimal {
	q, rem := num.QuoRem(den, scale)
	if rem.Sign() == 0 {
		return q
	}
	unit := decimal.New(1, -scale)
	away := false
	switch r {
	case Down:
	case Up:
		away = true
	default:
		// Compare 2·|rem| with |den|·unit, the divisor of the last place.
		c := rem.Abs().Mul(decimal.New(2, 0)).Cmp(den.Abs().Mul(unit))
		switch {
		case c > 0:
			away = true
		case c == 0:
			away = r == HalfUp || isOdd(q.Shift(scale).BigInt())
		}
	}
	if !away {
		return q
	}
	if (num.Sign() < 0) != (den.Sign() < 0) {
		return q.Sub(unit)
	}
	return q.Add(unit)
}

func isOdd(x *big.Int) bool { return x.Bit(0) == 1 }

// fracDecimal returns num ÷ den rounded half-even to scale decimal places, for
// display, or 0 when den is 0 (a zero result struct).
func fracDecimal(num, den int64, scale int32) decimal.Decimal {
	if den == 0 {
		return decimal.Zero
	}
	return divRound(decimal.NewFromInt(num), decimal.NewFromInt(den), scale, HalfEven)
}
