package main

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/proration"
	"github.com/coterm/coterm/token"
)

// optionsCommand: every way one key could be redeemed on a day, side by
// side (R4–R9).
var optionsCommand = command{
	name:    "options",
	summary: "every way one key could be redeemed on a day, side by side (R4–R9)",
	synopsis: `whatif options -seats N -end YYYY-MM-DD -product P -key-seats N [flags]
       whatif options -book FILE -tenant T -product P -key-seats N [flags]`,
	about: `Shows every way a product key could be redeemed against a subscription on a
day, side by side, before the key is spent: add licenses (R4), extend end
date (R5, R6), renew (R9), activate (R7); refused options with their reason;
the subscription's state and deadlines (R8). The subscription is given by
numbers, or taken from a history file (-book) on -on.`,
	flags:   (*inputs).optionsFlags,
	build:   buildOptions,
	compute: func(cfg config) (result, error) { return computeOptions(cfg), nil },
}

// buildOptions reads the flags of options.
func buildOptions(in *inputs, cfg *config) error {
	ks, err := required("-key-seats", in.keySeats, 1, "give the key's seats, 1 … 1,000,000,000")
	if err != nil {
		return err
	}
	cfg.tok.Seats = ks
	if in.key == "" {
		// Preview needs a key; an obviously fake one stands in and is never shown.
		cfg.tok.Key = token.MustParseKey("WHAT0-IF000-NO000-KEY00-GIVEN")
		return nil
	}
	k, err := token.ParseKey(in.key)
	if err != nil {
		// The *SyntaxError names the position and the reason, never the key.
		return usagef("-key: not a product key: %v", err)
	}
	cfg.tok.Key, cfg.keyGiven = k, true
	return nil
}

// option is one way to redeem the key: its outcome, or why it is refused.
type option struct {
	Op          string              `json:"op"`
	Allowed     bool                `json:"allowed"`
	Outcome     *activation.Outcome `json:"outcome,omitempty"`
	Refused     string              `json:"refused,omitempty"`
	Short       string              `json:"short,omitempty"`       // the refusal in a few words, as the table shows it
	MaxKeySeats int                 `json:"maxKeySeats,omitempty"` // for a refusal by the cap (R6)
}

// computeOptions answers options with Policy.Options.
func computeOptions(cfg config) result {
	p := cfg.policy
	res := header(cfg, cfg.tok.TermMonths)
	res.KeySeats = cfg.tok.Seats
	if cfg.keyGiven {
		res.Key = cfg.tok.Key.String()
	}
	for _, o := range p.Options(cfg.sub, cfg.tok, cfg.on) {
		opt := option{Op: o.Op.String(), Allowed: o.Err == nil}
		if o.Err == nil {
			out := o.Outcome
			if !cfg.keyGiven {
				out.Token.Key = token.Key{} // the stand-in key is not the user's: marshal none
			}
			opt.Outcome = &out
		} else {
			opt.Refused, opt.Short = reason(o.Err), short(o.Err)
			var ce *proration.CapError
			if errors.As(o.Err, &ce) {
				opt.MaxKeySeats = ce.MaxKeySeats
			}
		}
		res.Options = append(res.Options, opt)
	}
	return res
}

// writeOptions prints the options side by side, then each one's
// explanation or its refusal.
func writeOptions(b *strings.Builder, options []option) {
	// The columns are as wide as the header and the allowed rows; a refused
	// row is its option and one reason, wherever it lies (text/tabwriter
	// would end the columns at it).
	rows := [][]string{{"OPTION", "SEATS", "NEW END", "END MOVES (DAYS)", "SEAT-DAYS BEFORE → AFTER"}}
	for _, o := range options {
		if !o.Allowed {
			rows = append(rows, []string{o.Op, "refused: " + o.Short})
			continue
		}
		out := o.Outcome
		days := signed(out.DaysAdded)
		if out.DaysLost > 0 {
			days += fmt.Sprintf(" (%d lost)", out.DaysLost)
		}
		rows = append(rows, []string{o.Op, group(int64(out.After.Seats)), out.After.End.Format(time.DateOnly), days,
			group(out.SeatDaysBefore) + " → " + group(out.SeatDaysAfter)})
	}
	writeTable(b, rows)
	b.WriteString("\n")
	for _, o := range options {
		if o.Allowed {
			fmt.Fprintf(b, "%-11s %s\n", o.Op+":", o.Outcome.Explain())
		} else {
			fmt.Fprintf(b, "%-11s refused: %s\n", o.Op+":", o.Refused)
		}
	}
}
