package main

import (
	"time"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/cmd/internal/cli"
	"github.com/coterm/coterm/cmd/internal/picture"
)

// askedOf is what the question of res considers, for the picture of the
// subscription's history (-book -svg): each way the key of options can be
// redeemed that the rules allow, or the smallest keys need-end found, each
// as the subscription would be after it; and need-end's target end date.
func askedOf(cfg config, res result) (asked []picture.Asked, target time.Time) {
	add := func(o *activation.Outcome, what string) {
		if o == nil {
			return
		}
		asked = append(asked, picture.Asked{At: o.At, Seats: o.After.Seats, End: o.After.End, Label: "if " + what})
	}
	for _, opt := range res.Options {
		if opt.Allowed {
			add(opt.Outcome, opt.Op+" with the "+cli.Plural(res.KeySeats, "seat")+" key")
		}
	}
	if n := res.NeedEnd; n != nil {
		target = cfg.needEnd
		if n.ExtendAllowed {
			add(n.ExtendOutcome, "extend-end with a "+cli.Plural(n.ExtendSeats, "seat")+" key")
		}
		if n.AddOutcome != nil {
			add(n.AddOutcome, "add-seats with a "+cli.Plural(n.AddMin, "seat")+" key")
		}
	}
	return asked, target
}
