package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/coterm/coterm/activation/plan"
	"github.com/coterm/coterm/cmd/internal/cli"
)

// renewalCommand: the days a renewal key can be redeemed without losing
// days (R8, R9).
var renewalCommand = command{
	name:    "renewal",
	summary: "the days a renewal key can be redeemed without losing days (R8, R9)",
	synopsis: `whatif renewal -seats N -end YYYY-MM-DD -product P [flags]
       whatif renewal -book FILE -tenant T -product P [flags]`,
	about: `Answers "when can a renewal key be redeemed without losing days?" (R8, R9),
from -on: the day renew opens, the first and last days that lose none and
the end date each gives, and the days lost by renewing as soon as renew
opens. Keys have the policy's term.`,
	flags:   (*inputs).renewalFlags,
	build:   buildRenewal,
	compute: computeRenewal,
}

// buildRenewal reads the flags of renewal: it has none of its own.
func buildRenewal(in *inputs, cfg *config) error {
	cfg.asked = in.renewalAskedAs
	return nil
}

// renewalResult answers renewal.
type renewalResult struct {
	Opens         string `json:"opens"`
	OK            bool   `json:"ok"`
	First         string `json:"first,omitempty"`
	Last          string `json:"last,omitempty"`
	EndIfFirst    string `json:"endIfFirst,omitempty"`
	EndIfLast     string `json:"endIfLast,omitempty"`
	LostIfEarlier int    `json:"lostIfEarlier"`
}

// computeRenewal answers renewal with plan.Renewal.
func computeRenewal(cfg config) (result, error) {
	res := header(cfg, 0)
	if cfg.sub.IsNone() {
		return res, usagef("%s: the subscription has none to renew (no seats, no end date)", cfg.asked)
	}
	r, err := plan.Renewal(cfg.policy, cfg.sub, cfg.on)
	if err != nil {
		return res, usagef("%s: %s", cfg.asked, short(err))
	}
	rr := &renewalResult{OK: r.OK, LostIfEarlier: r.LostIfEarlier}
	for _, d := range []struct {
		dst *string
		t   time.Time
	}{{&rr.Opens, r.Opens}, {&rr.First, r.First}, {&rr.Last, r.Last}, {&rr.EndIfFirst, r.EndIfFirst}, {&rr.EndIfLast, r.EndIfLast}} {
		if !d.t.IsZero() {
			*d.dst = d.t.Format(time.DateOnly)
		}
	}
	res.Renewal = rr
	return res, nil
}

func (r *renewalResult) writeText(b *strings.Builder, on string) {
	fmt.Fprintf(b, "Renewal (R8, R9), from %s on: renew is allowed from %s.\n", on, r.Opens)
	if !r.OK {
		b.WriteString("No day from now on renews without losing days.\n")
		return
	}
	fmt.Fprintf(b, "No days lost from %s (new end %s) to %s (new end %s).\n", r.First, r.EndIfFirst, r.Last, r.EndIfLast)
	if r.LostIfEarlier > 0 {
		fmt.Fprintf(b, "Renewing on %s instead loses %s.\n", r.Opens, cli.Plural(r.LostIfEarlier, "day"))
	}
}
