package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/activation/plan"
)

// needEndCommand: the smallest key that reaches an end date, by extend end
// date and by add licenses (R4, R5, R6).
var needEndCommand = command{
	name:    "need-end",
	summary: "the smallest key that reaches an end date, by extend end date and by add licenses (R4–R6)",
	synopsis: `whatif need-end -seats N -end YYYY-MM-DD -product P -reach YYYY-MM-DD [flags]
       whatif need-end -book FILE -tenant T -product P -reach YYYY-MM-DD [flags]`,
	about: `Answers "which key reaches this end date?" both ways, for one key redeemed
on -on: the smallest key that extends the end date to -reach or later and
whether the cap (R6) allows it, and the keys that reach it by add licenses
(R4), which move the end date no later than a year from -on. Keys have the
policy's term. An end date no key reaches is a negative answer (exit 1).`,
	flags:   (*inputs).needEndFlags,
	build:   buildNeedEnd,
	compute: computeNeedEnd,
}

// buildNeedEnd reads the flags of need-end; the date to reach is -reach, or
// the deprecated -need-end (in.reachFlag).
func buildNeedEnd(in *inputs, cfg *config) error {
	cfg.asked = in.reachFlag
	if in.reach == "" {
		return usagef("%s: missing: give the end date to reach as YYYY-MM-DD", in.reachFlag)
	}
	var err error
	cfg.needEnd, err = date(in.reachFlag, in.reach)
	return err
}

// needEndResult answers need-end both ways.
type needEndResult struct {
	Target string `json:"target"`
	// Reached: the end date is already on or after Target.
	Reached bool `json:"reached"`
	// Extend end date (R5, R6): the smallest key, whether the cap allows it,
	// and the cap's largest key with its end; Refused when extend is not
	// allowed at all now.
	ExtendSeats   int                 `json:"extendSeats"`
	ExtendAllowed bool                `json:"extendAllowed"`
	ExtendOutcome *activation.Outcome `json:"extendOutcome,omitempty"`
	MaxKeySeats   int                 `json:"maxKeySeats"`
	MaxEnd        string              `json:"maxEnd,omitempty"`
	ExtendRefused string              `json:"extendRefused,omitempty"`
	// Add licenses (R4): the keys Min … Max that reach Target, and the limit
	// add licenses never passes; AddRefused when add is not allowed now.
	AddMin     int                 `json:"addMin"`
	AddMax     int                 `json:"addMax"`
	AddLimit   string              `json:"addLimit,omitempty"`
	AddOutcome *activation.Outcome `json:"addOutcome,omitempty"`
	AddRefused string              `json:"addRefused,omitempty"`
}

// computeNeedEnd answers need-end with plan.ExtendKeyFor and plan.AddKeyFor.
// A way that is not allowed in the subscription's state now is an answer
// (refused, with its reason); any other error is bad input.
func computeNeedEnd(cfg config) (result, error) {
	p := cfg.policy
	res := header(cfg, 0)
	n := &needEndResult{Target: cfg.needEnd.Format(time.DateOnly)}
	res.NeedEnd = n
	if cfg.sub.IsNone() {
		n.ExtendRefused = "no subscription: only activate applies (R7)"
		n.AddRefused = n.ExtendRefused
		return res, nil
	}
	ext, err := plan.ExtendKeyFor(p, cfg.sub, cfg.on, cfg.needEnd)
	if n.ExtendRefused, err = refusal(cfg, err); err != nil {
		return res, err
	}
	if n.ExtendRefused == "" {
		n.Reached = ext.Reached
		n.ExtendSeats, n.ExtendAllowed, n.MaxKeySeats = ext.Seats, ext.Allowed, ext.MaxKey
		if !ext.MaxEnd.IsZero() {
			n.MaxEnd = ext.MaxEnd.Format(time.DateOnly)
		}
		if ext.Allowed {
			n.ExtendOutcome = hypothetical(ext.Outcome)
		}
	}
	add, err := plan.AddKeyFor(p, cfg.sub, cfg.on, cfg.needEnd)
	if n.AddRefused, err = refusal(cfg, err); err != nil {
		return res, err
	}
	if n.AddRefused == "" {
		n.AddMin, n.AddMax, n.AddLimit = add.Min, add.Max, add.Limit.Format(time.DateOnly)
		if add.Reachable() {
			n.AddOutcome = hypothetical(add.Outcome)
		}
	}
	if n.Reached {
		n.ExtendAllowed = false
	}
	return res, nil
}

func (n *needEndResult) writeText(b *strings.Builder, on string) {
	fmt.Fprintf(b, "To reach an end date of %s or later with one key redeemed on %s:\n\n", n.Target, on)
	if n.Reached {
		b.WriteString("The end date is already on or after it: no key is needed.\n")
		return
	}
	b.WriteString("Extend end date (R5, R6): ")
	switch {
	case n.ExtendRefused != "":
		fmt.Fprintf(b, "refused: %s.\n", n.ExtendRefused)
	case n.ExtendAllowed:
		fmt.Fprintf(b, "the smallest key is %s seats, and the cap allows it (keys up to %s seats).\n", group(int64(n.ExtendSeats)), group(int64(n.MaxKeySeats)))
		fmt.Fprintf(b, "  %s\n", n.ExtendOutcome.Explain())
	case n.ExtendSeats > 0:
		fmt.Fprintf(b, "the smallest key would be %s seats, but the cap (R6) allows at most %s seats", group(int64(n.ExtendSeats)), group(int64(n.MaxKeySeats)))
		if n.MaxEnd != "" {
			fmt.Fprintf(b, ", which reach %s", n.MaxEnd)
		}
		b.WriteString(".\n")
	default:
		b.WriteString("no key reaches it.\n")
	}
	b.WriteString("Add licenses (R4): ")
	switch {
	case n.AddRefused != "":
		fmt.Fprintf(b, "refused: %s.\n", n.AddRefused)
	case n.AddMin > 0:
		fmt.Fprintf(b, "keys of %s … %s seats reach it; the smallest is %s seats.\n", group(int64(n.AddMin)), group(int64(n.AddMax)), group(int64(n.AddMin)))
		fmt.Fprintf(b, "  %s\n", n.AddOutcome.Explain())
	default:
		fmt.Fprintf(b, "no key reaches it: adding moves the end date towards %s and never past it.\n", n.AddLimit)
	}
}
