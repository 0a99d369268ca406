package activation

import (
	"fmt"
	"strings"
	"time"

	"github.com/coterm/coterm/token"
)

// recompute checks a redemption's Outcome against Policy.Apply under the
// policy it names (see Verifier, "The checks").
func (a *Audit) recompute(at Place, rec *Record) {
	p, ok := a.policies[rec.Policy]
	if !ok {
		a.report(at, NotVerifiable, "policy "+quoteName(rec.Policy)+" is not among the policies given")
		return
	}
	stored := rec.Outcome
	t := stored.Token
	t.Key = a.key
	got, err := p.Apply(stored.Before, t, stored.Op, stored.At)
	if err != nil {
		a.report(at, BreakOutcome, "policy "+quoteName(rec.Policy)+" refuses this redemption: "+err.Error())
		return
	}
	got.Token.Key = token.Key{}
	stored.Token.Key, stored.Replayed = token.Key{}, false // reported as malformed, if set
	if utcOutcome(stored) == utcOutcome(got) {
		return
	}
	a.report(at, BreakOutcome, outcomeDiff(stored, got))
}

// utcOutcome returns o with its times in UTC, so that == compares instants.
func utcOutcome(o Outcome) Outcome {
	o.At = o.At.UTC()
	o.Before.End = o.Before.End.UTC()
	o.After.End = o.After.End.UTC()
	return o
}

// outcomeField is one field of an Outcome, by name, for outcomeDiff.
type outcomeField struct {
	name  string
	value func(o *Outcome) any // a comparable value; a time compares as an instant
}

// nameValue is a tenant or product name in a diff: printed quoted by the
// rule for names that could be keys.
type nameValue string

// outcomeDiff names every field in which stored differs from got, the
// recomputed Outcome: "After.Seats 130, recomputed 125; …".
func outcomeDiff(stored, got Outcome) string {
	// Every field of Outcome but Token.Key, in declaration order. A field
	// missing here is still compared (by ==), and reported without its name.
	fields := [...]outcomeField{
		{"Op", func(o *Outcome) any { return o.Op }},
		{"Applied", func(o *Outcome) any { return o.Applied }},
		{"At", func(o *Outcome) any { return o.At }},
		{"Token.Product", func(o *Outcome) any { return nameValue(o.Token.Product) }},
		{"Token.Seats", func(o *Outcome) any { return o.Token.Seats }},
		{"Token.TermMonths", func(o *Outcome) any { return o.Token.TermMonths }},
		{"Before.Tenant", func(o *Outcome) any { return nameValue(o.Before.Tenant) }},
		{"Before.Product", func(o *Outcome) any { return nameValue(o.Before.Product) }},
		{"Before.Seats", func(o *Outcome) any { return o.Before.Seats }},
		{"Before.End", func(o *Outcome) any { return o.Before.End }},
		{"After.Tenant", func(o *Outcome) any { return nameValue(o.After.Tenant) }},
		{"After.Product", func(o *Outcome) any { return nameValue(o.After.Product) }},
		{"After.Seats", func(o *Outcome) any { return o.After.Seats }},
		{"After.End", func(o *Outcome) any { return o.After.End }},
		{"StateBefore", func(o *Outcome) any { return o.StateBefore }},
		{"Remaining", func(o *Outcome) any { return o.Remaining }},
		{"TermDays", func(o *Outcome) any { return o.TermDays }},
		{"NewRemaining", func(o *Outcome) any { return o.NewRemaining }},
		{"TermMonths", func(o *Outcome) any { return o.TermMonths }},
		{"SeatDaysBefore", func(o *Outcome) any { return o.SeatDaysBefore }},
		{"SeatDaysAfter", func(o *Outcome) any { return o.SeatDaysAfter }},
		{"Residue", func(o *Outcome) any { return o.Residue }},
		{"MonthsNum", func(o *Outcome) any { return o.MonthsNum }},
		{"MonthsDen", func(o *Outcome) any { return o.MonthsDen }},
		{"DaysAdded", func(o *Outcome) any { return o.DaysAdded }},
		{"DaysLost", func(o *Outcome) any { return o.DaysLost }},
		{"Rounding", func(o *Outcome) any { return o.Rounding }},
		{"Convention", func(o *Outcome) any { return o.Convention }},
		{"Anchor", func(o *Outcome) any { return o.Anchor }},
		{"CapFactor", func(o *Outcome) any { return o.CapFactor }},
		{"Replayed", func(o *Outcome) any { return o.Replayed }},
	}
	var b strings.Builder
	for _, f := range fields {
		s, g := f.value(&stored), f.value(&got)
		st, sok := s.(time.Time)
		gt, gok := g.(time.Time)
		if sok && gok && st.Equal(gt) || !(sok && gok) && s == g {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%s %s, recomputed %s", f.name, valueText(s), valueText(g))
	}
	if b.Len() == 0 {
		return "a field differs from the recomputed Outcome"
	}
	return b.String()
}

// valueText formats a field's value for outcomeDiff.
func valueText(v any) string {
	switch v := v.(type) {
	case time.Time:
		return dateText(v)
	case nameValue:
		return quoteName(string(v))
	case fmt.Stringer:
		return v.String()
	}
	return fmt.Sprint(v)
}
