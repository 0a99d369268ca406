package plan

import (
	"fmt"
	"strings"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/activation/internal/text"
	"github.com/coterm/coterm/proration"
)

// Explain describes the plan and why: the goal, the seat-days the
// subscription and the keys hold, every step with its formula
// (activation.Outcome.Explain), the result, and the reasons the plan is
// shaped as it is — under exact seat-days the total is the same whatever the
// choice, so a plan only decides how it splits between seats and time; adds
// go first because they raise the extension cap (R6); order matters for
// rounding and calendar months. It names the search: exhaustive (the plan is
// optimal) or structured (the plan is exact but may end a few days earlier
// than the optimum). For the TradeOff goal it lists the front.
// Keys appear masked.
func (r Result) Explain() string {
	var b strings.Builder
	method := "structured search: exact steps, possibly a few days short of the optimum"
	if r.Exhaustive {
		method = "exhaustive search over every order and operation"
	}
	fmt.Fprintf(&b, "Plan for %s on %s under %s (%s).\n", r.Goal, dateString(r.At), policyName(r.Policy), method)
	if len(r.Steps) == 0 {
		b.WriteString("No plan.\n")
		return b.String()
	}
	if r.Start.IsNone() {
		b.WriteString("Start: no subscription; the first key activates one (R7).\n")
	} else {
		fmt.Fprintf(&b, "Start: %s until %s: %s seat-days from %s.\n",
			text.Plural(int64(r.Start.Seats), "seat"), dateString(r.Start.End), text.Group(r.SeatDays.Start), dateString(r.At))
	}
	var seats int64
	for _, s := range r.Steps {
		seats += int64(s.Outcome.Token.Seats)
	}
	fmt.Fprintf(&b, "Keys: %s with %s, worth %s seat-days (each key's seats × the days of its term, R3); total %s seat-days.\n",
		text.Plural(int64(len(r.Steps)), "key"), text.Plural(seats, "seat"), text.Group(r.SeatDays.Keys), text.Group(r.SeatDays.Start+r.SeatDays.Keys))
	for i, s := range r.Steps {
		fmt.Fprintf(&b, "%d. %s (%s): %s → %s until %s.\n   %s\n", i+1, s.Key, text.Plural(int64(s.Outcome.Token.Seats), "seat"),
			opName(s.Op), text.Plural(int64(s.Outcome.After.Seats), "seat"), dateString(s.Outcome.After.End), s.Outcome.Explain())
	}
	days := int64(proration.Days(r.At, r.Final.End))
	fmt.Fprintf(&b, "Result: %s until %s: %s seats × %s days = %s seat-days (residue %s from rounding and calendar months).\n",
		text.Plural(int64(r.Final.Seats), "seat"), dateString(r.Final.End), text.Group(int64(r.Final.Seats)), text.Group(days),
		text.Group(r.SeatDays.Final), signed(r.SeatDays.Residue))
	b.WriteString(r.why())
	if len(r.Front) > 0 {
		b.WriteString("Trade-off (Pareto front, most seats first):\n")
		for _, f := range r.Front {
			fmt.Fprintf(&b, "  %s until %s: %s\n", text.Plural(int64(f.Final.Seats), "seat"), dateString(f.Final.End), f.Summary())
		}
	}
	return b.String()
}

// why returns the reasons behind the plan's shape; r has steps ([Result.Explain]
// says "No plan." otherwise).
func (r Result) why() string {
	var b strings.Builder
	b.WriteString("Why: a redemption neither adds nor loses time (R4: \"no time is added or lost\"; R5: an extension spreads the key's seat-days over the active seats), ")
	b.WriteString("so under exact seat-days the total seat-days are the same whatever the plan; a plan only decides how they split between seats and time: ")
	b.WriteString("every key added raises the seats and pulls the end date towards a year from today, every key extended keeps the seats and moves the end date. ")
	if r.endLimit() {
		b.WriteString("Order matters for the extension cap (R6, read as an end limit: after an extension the end date lies at most CapFactor terms after the day, 36 months by default): every extension must fit under it whatever came before; ")
	} else {
		b.WriteString("Order matters for the extension cap (R6: a key may extend at most CapFactor × the active seats, 3 × by default): adding first raises it; ")
	}
	b.WriteString("otherwise order matters only for rounding (R4) and calendar months (R5), which the residue shows.")
	if r.interleaved() {
		b.WriteString(" Here a key extends before another is added: the cap allowed it, and in this order calendar months give more days than adding first would.")
	} else if r.hasBoth() {
		b.WriteString(" Here every add comes before every extension.")
	}
	if r.Start.IsNone() || r.Steps[0].Op == activation.Activate {
		b.WriteString(" The subscription was not active on the day, so the first key activates it anew (R7); the days of the old term do not carry over.")
	}
	b.WriteString(" Every key is redeemed: a key is single-use (R2) and the plan spends the pool.\n")
	return b.String()
}

// Summary returns the plan's steps in one line, keys masked:
// "add XXXXX-XXXXX-XXXXX-XXXXX-AAAA1 (25), then extend …".
func (r Result) Summary() string {
	parts := make([]string, len(r.Steps))
	for i, s := range r.Steps {
		parts[i] = fmt.Sprintf("%s %s (%d)", opName(s.Op), s.Key, s.Outcome.Token.Seats)
	}
	return strings.Join(parts, ", ")
}

func opName(op activation.Operation) string {
	switch op {
	case activation.AddSeats:
		return "add licenses"
	case activation.ExtendEnd:
		return "extend end date"
	case activation.Activate:
		return "activate"
	}
	return op.String()
}

func policyName(n string) string {
	if n == "" {
		return "an unnamed policy"
	}
	return "policy " + n
}

// interleaved reports whether some extension comes before an add.
func (r Result) interleaved() bool {
	ext := false
	for _, s := range r.Steps {
		switch s.Op {
		case activation.ExtendEnd:
			ext = true
		case activation.AddSeats:
			if ext {
				return true
			}
		}
	}
	return false
}

// endLimit reports whether an extension of the plan was capped by the
// end-limit reading of R6 (its Outcome's Anchor is the redemption day).
func (r Result) endLimit() bool {
	for _, s := range r.Steps {
		if s.Op == activation.ExtendEnd && s.Outcome.Anchor == activation.RedemptionDay {
			return true
		}
	}
	return false
}

// hasBoth reports whether the plan both adds and extends.
func (r Result) hasBoth() bool {
	var add, ext bool
	for _, s := range r.Steps {
		add = add || s.Op == activation.AddSeats
		ext = ext || s.Op == activation.ExtendEnd
	}
	return add && ext
}
