package activation

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/coterm/coterm/activation/internal/text"
	"github.com/coterm/coterm/internal/daymath"
	"github.com/coterm/coterm/proration"
	"github.com/shopspring/decimal"
)

// Explain returns the computation of o in plain English, with its numbers,
// the rule it follows and the new end date, for a support desk to paste:
//
//	Add licenses (R4): 100 seats × 90 days + 25 seats × 365 days = 18,125 seat-days;
//	÷ 125 seats = 145 days; new end date 2027-04-25 for 125 seats.
//
// It is computed when called, never by Apply, and never shows the key. For
// the zero Outcome it returns "no redemption".
func (o Outcome) Explain() string {
	switch o.Op {
	case Import:
		return o.explainImport()
	case Replace:
		return o.explainReplace()
	}
	if !o.Op.valid() || !o.Applied.valid() {
		return "no redemption"
	}
	var b strings.Builder
	b.Grow(explainCap)
	switch {
	case o.Applied == AddSeats:
		o.explainAdd(&b)
	case o.Applied == ExtendEnd:
		o.explainExtend(&b)
	case o.Applied == Renew:
		o.explainRenew(&b)
	default:
		o.explainActivate(&b)
	}
	return b.String()
}

// explainCap is room for most explanations: their text is allocated once.
const explainCap = 320

func (o Outcome) explainAdd(b *strings.Builder) {
	a, c := int64(o.Before.Seats), int64(o.Token.Seats)
	b.WriteString("Add licenses (R4): ")
	writePlural(b, a, "seat")
	b.WriteString(" × ")
	writePlural(b, int64(o.Remaining), "day")
	if o.StateBefore != Active {
		b.WriteString(" (" + o.StateBefore.String() + ")")
	}
	b.WriteString(" + ")
	writePlural(b, c, "seat")
	b.WriteString(" × ")
	writePlural(b, int64(o.TermDays), "day")
	b.WriteString(" = ")
	writePlural(b, o.SeatDaysBefore, "seat-day")
	b.WriteString("; ÷ ")
	writePlural(b, a+c, "seat")
	b.WriteString(" = ")
	o.writeRounded(b, o.SeatDaysBefore, a+c, int64(o.NewRemaining))
	if o.Residue != 0 {
		b.WriteString(" (residue ")
		if o.Residue > 0 {
			b.WriteString("+")
		}
		writePlural(b, o.Residue, "seat-day")
		b.WriteString(")")
	}
	b.WriteString("; new end date ")
	writeDate(b, o.After.End)
	b.WriteString(" for ")
	writePlural(b, int64(o.After.Seats), "seat")
	b.WriteString(".")
}

// writeRounded writes num ÷ den = "q days", or "x.xxx days, rounded <mode> to
// q days" when the division is not exact.
func (o Outcome) writeRounded(b *strings.Builder, num, den, q int64) {
	if den > 0 && num%den == 0 {
		writePlural(b, num/den, "day")
		return
	}
	writeDecimal(b, num, den)
	b.WriteString(" days, rounded ")
	b.WriteString(o.Rounding.String())
	b.WriteString(" to ")
	writePlural(b, q, "day")
}

// appendDecimal appends num ÷ den to b with up to three decimals (rounded
// half-even), thousands separators, and "…" when the division does not end
// there: 91.25, 15.5, 1.714…; "?" for den ≤ 0. It computes in integers, or
// with decimals ([bigDecimal]) for a |num| past math.MaxInt64 ÷ 1000, whose
// thousandths would not fit.
func appendDecimal(b []byte, num, den int64) []byte {
	if den <= 0 {
		return append(b, '?')
	}
	mag := uint64(num)
	if num < 0 {
		mag = -mag // math.MinInt64 too: its magnitude is 1 << 63
	}
	if mag > math.MaxInt64/1000 {
		return append(b, bigDecimal(num, den)...)
	}
	q, r := mag*1000/uint64(den), mag*1000%uint64(den) // |num| ÷ den in thousandths, and what is left
	if twice := 2 * r; twice > uint64(den) || twice == uint64(den) && q%2 == 1 {
		q++ // half-even
	}
	if num < 0 && q != 0 {
		b = append(b, '-')
	}
	b = text.AppendGroup(b, int64(q/1000))
	if f := q % 1000; f != 0 {
		digits := [4]byte{'.', byte('0' + f/100), byte('0' + f/10%10), byte('0' + f%10)}
		n := len(digits)
		for digits[n-1] == '0' {
			n--
		}
		b = append(b, digits[:n]...)
	}
	if r != 0 {
		b = append(b, "…"...)
	}
	return b
}

// bigDecimal is [appendDecimal]'s text computed with decimals, for a |num| whose thousandths
// would pass math.MaxInt64.
func bigDecimal(num, den int64) string {
	n, d := decimal.NewFromInt(num), decimal.NewFromInt(den)
	q := proration.HalfEven.DivDecimal(n, d, 3)
	s := q.String() // trailing zeros trimmed
	ip, frac, _ := strings.Cut(s, ".")
	neg := strings.HasPrefix(ip, "-")
	ip = strings.TrimPrefix(ip, "-")
	var iv int64
	for _, ch := range ip {
		iv = iv*10 + int64(ch-'0')
	}
	s = text.Group(iv)
	if neg {
		s = "-" + s
	}
	if frac != "" {
		s += "." + frac
	}
	if !q.Mul(d).Equal(n) {
		s += "…"
	}
	return s
}

// The writers of an explanation's parts append through a buffer on the
// stack: an explanation allocates only its text.

// writePlural writes text.Plural(n, unit).
func writePlural(b *strings.Builder, n int64, unit string) {
	var buf [64]byte
	b.Write(text.AppendPlural(buf[:0], n, unit))
}

// writeGroup writes text.Group(n).
func writeGroup(b *strings.Builder, n int64) {
	var buf [26]byte
	b.Write(text.AppendGroup(buf[:0], n))
}

// writeDecimal writes num ÷ den as [appendDecimal] does.
func writeDecimal(b *strings.Builder, num, den int64) {
	var buf [40]byte
	b.Write(appendDecimal(buf[:0], num, den))
}

// writeDate writes dateString(d).
func writeDate(b *strings.Builder, d time.Time) {
	var buf [16]byte
	b.Write(appendDate(buf[:0], d))
}

func (o Outcome) explainExtend(b *strings.Builder) {
	a, c := int64(o.Before.Seats), int64(o.Token.Seats)
	if o.Convention == proration.ExactSeatDays {
		b.WriteString("Extend end date (R5, exact seat-days): ")
		writePlural(b, c, "seat")
		b.WriteString(" × ")
		writePlural(b, int64(o.TermDays), "day")
		b.WriteString(" ÷ ")
		writePlural(b, a, "active seat")
		b.WriteString(" = ")
		o.writeRounded(b, c*int64(o.TermDays), a, int64(o.DaysAdded))
		b.WriteString("; ")
		writeDate(b, o.Before.End)
		b.WriteString(" + ")
		writePlural(b, int64(o.DaysAdded), "day")
	} else {
		b.WriteString("Extend end date (R5): ")
		writeGroup(b, c)
		b.WriteString("-seat key ÷ ")
		writePlural(b, a, "active seat")
		b.WriteString(" × ")
		writePlural(b, int64(o.TermMonths), "month")
		b.WriteString(" = ")
		writeDecimal(b, o.MonthsNum, o.MonthsDen)
		b.WriteString(" months; ")
		writeDate(b, o.Before.End)
		var w, f int64
		if o.MonthsDen > 0 {
			w, f = o.MonthsNum/o.MonthsDen, o.MonthsNum%o.MonthsDen
		}
		b.WriteString(" + ")
		writePlural(b, w, "month")
		if f != 0 {
			ew := proration.AddMonths(o.Before.End, int(w))
			ew1 := proration.AddMonths(o.Before.End, int(w)+1)
			days := int64(proration.Days(ew, ew1))
			b.WriteString(" = ")
			writeDate(b, ew)
			b.WriteString(", + ")
			writeDecimal(b, f, o.MonthsDen)
			b.WriteString(" × ")
			writePlural(b, days, "day")
			b.WriteString(" = ")
			o.writeRounded(b, f*days, o.MonthsDen, int64(proration.Days(ew, o.After.End)))
		}
	}
	b.WriteString(" = new end date ")
	writeDate(b, o.After.End)
	b.WriteString(" for ")
	writePlural(b, int64(o.After.Seats), "seat")
	if o.Anchor == RedemptionDay {
		o.explainEndLimit(b)
		return
	}
	b.WriteString(" (R6: keys up to ")
	writeGroup(b, int64(proration.MaxKeySeats(int(a), o.CapFactor))) // never above MaxSeats
	b.WriteString(" seats accepted).")
}

// explainEndLimit writes the cap of an extension under the end-limit reading
// (R6, proration.CapEndLimit): " (R6, end-limit: the end date at most 3 ×
// 12 months after the redemption day, on or before 2029-12-01; keys up to 275
// seats accepted)." — the largest key recomputed from the Outcome's numbers.
func (o Outcome) explainEndLimit(b *strings.Builder) {
	day, end := daymath.Of(o.At), daymath.Of(o.Before.End)
	b.WriteString(" (R6, end-limit: the end date at most ")
	b.WriteString(strconv.Itoa(o.CapFactor))
	b.WriteString(" × ")
	writePlural(b, int64(o.TermMonths), "month")
	b.WriteString(" after the redemption day")
	// An Outcome read from elsewhere may hold anything: recompute only what
	// Apply could have written.
	if !day.Valid() || !end.Valid() || uint(o.Before.Seats-1) >= MaxSeats || uint(o.TermMonths-1) >= proration.MaxTermMonths ||
		uint(o.CapFactor-1) >= proration.MaxCapFactor || uint(o.TermDays) > 31*proration.MaxTermMonths || !o.Rounding.Valid() {
		b.WriteString(").")
		return
	}
	limit := daymath.EndLimit(day, o.CapFactor, o.TermMonths)
	if limit > daymath.MaxDay {
		b.WriteString(").")
		return
	}
	largest := daymath.LargestWithin(int64(o.Before.Seats), o.TermMonths, daymath.Rounding(o.Rounding),
		o.Convention == proration.ExactSeatDays, daymath.Of(o.Before.End), int64(o.TermDays), limit, MaxSeats)
	b.WriteString(", on or before ")
	b.WriteString(limit.String())
	b.WriteString("; keys up to ")
	writeGroup(b, largest)
	b.WriteString(" seats accepted).")
}

func (o Outcome) explainRenew(b *strings.Builder) {
	if o.StateBefore == Active {
		b.WriteString("Renew (R9): redeemed ")
		writeDate(b, o.At)
		b.WriteString(", ")
		writePlural(b, int64(o.Remaining), "day")
		b.WriteString(" before the end date ")
		writeDate(b, o.Before.End)
		if o.Anchor == RedemptionDay {
			b.WriteString("; the redemption day is the new anchor: ")
		} else {
			b.WriteString("; the old end date stays the anchor: ")
		}
	} else {
		b.WriteString("Renew in the grace period (R9): expired since ")
		writeDate(b, o.Before.End)
		b.WriteString(", the old end date stays the anchor: ")
	}
	anchor := o.At
	if o.Anchor == OldEnd {
		anchor = o.Before.End
	}
	o.writeTerm(b, anchor)
	if o.DaysLost > 0 {
		b.WriteString("; ")
		writePlural(b, int64(o.DaysLost), "day")
		b.WriteString(" lost")
	}
	b.WriteString(".")
}

func (o Outcome) explainActivate(b *strings.Builder) {
	switch {
	case o.Op == Renew:
		b.WriteString("Renew of a" + article(o.StateBefore) + " " + o.StateBefore.String() + " subscription is a new activation (R7): ")
	case o.StateBefore == None:
		b.WriteString("Activate (R7): a new subscription: ")
	case o.StateBefore == Deleted:
		b.WriteString("Activate (R7): a new subscription replaces the deleted one: ")
	default:
		b.WriteString("Activate (R7): the " + o.StateBefore.String() + " subscription starts a new term from the redemption day: ")
	}
	o.writeTerm(b, o.At)
	b.WriteString(".")
}

// writeTerm writes "2027-01-10 + 12 months = new end date 2028-01-10 for 50 seats".
func (o Outcome) writeTerm(b *strings.Builder, anchor time.Time) {
	writeDate(b, anchor)
	b.WriteString(" + ")
	writePlural(b, int64(o.TermMonths), "month")
	b.WriteString(" = new end date ")
	writeDate(b, o.After.End)
	b.WriteString(" for ")
	writePlural(b, int64(o.After.Seats), "seat")
}

func article(st State) string {
	if st == Expired {
		return "n"
	}
	return ""
}

// dateString returns d's calendar date as YYYY-MM-DD, or "" for the zero time.
func dateString(d time.Time) string {
	var buf [16]byte
	return string(appendDate(buf[:0], d))
}

// appendDate appends dateString(d) to b.
func appendDate(b []byte, d time.Time) []byte {
	if d.IsZero() {
		return b
	}
	return d.AppendFormat(b, time.DateOnly)
}
