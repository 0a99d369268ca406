package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/cmd/internal/cli"
)

// extraFlags are the flags -json, -on and -strict, read after the others.
type extraFlags struct {
	json, strict *bool
	on           *string
}

// extraConfig is what extraFlags give.
type extraConfig struct {
	json   bool      // one JSON object per row and the summary
	strict bool      // rejected rows make a query's exit status 1 even when its answer is complete
	on     time.Time // the day of the summary and of -tenant's state; zero: the file's last day
	// listed is the subscriptions the -due worklist lists.
	listed map[[2]string]bool
}

func defineExtra(fs *flag.FlagSet) extraFlags {
	return extraFlags{
		json:   fs.Bool("json", false, "without -tenant and -due: one JSON object per row and one for the summary"),
		strict: fs.Bool("strict", false, "with -tenant or -due: rejected rows make the exit status 1 even when the answer is complete"),
		on:     fs.String("on", "", "the `day` YYYY-MM-DD of the summary (or of -tenant's state) instead of the file's last day"),
	}
}

// read checks the extra flags against the others in cfg.
func (f extraFlags) read(cfg config) (extraConfig, error) {
	x := extraConfig{json: *f.json, strict: *f.strict}
	query := cfg.tenant != "" || cfg.due
	if x.json && query {
		return x, cli.Usagef("-json: only without -tenant and -due (the rows and the summary as JSON)")
	}
	if *f.on != "" {
		if cfg.due {
			return x, cli.Usagef("-on: not with -due (the worklist gives its own days)")
		}
		d, err := cli.ParseDate(*f.on)
		if err != nil {
			return x, cli.Usagef("-on: %v", err)
		}
		x.on = d
	}
	return x, nil
}

// finish is the exit of a run whose every row was read: a negative answer
// (exit status 1) when rows were rejected, but for a query (-tenant, -due)
// whose answer no rejected row concerns, without -strict: then the rejected
// rows are a warning on standard error.
func (rp *replayer) finish(errOut io.Writer) error {
	n := rp.ld.Counts.Rejected
	if n == 0 {
		return nil
	}
	if rp.cfg.tenant == "" && !rp.cfg.due {
		return cli.ErrNegative
	}
	rows := cli.Plural(n, "row")
	if rp.cfg.more.strict || rp.incomplete() {
		fmt.Fprintf(errOut, "replay: %s rejected; run without -tenant and -due to see them\n", rows)
		return cli.ErrNegative
	}
	fmt.Fprintf(errOut, "replay: warning: %s rejected, none of them about this answer; run without -tenant and -due to see them (-strict makes them an error)\n", rows)
	return nil
}

// incomplete reports whether a rejected row concerns the query's answer:
// for -tenant, a row that names the subscription or names none; for -due, a
// row that names a subscription in the worklist or names none, or a row
// that could not be read (it might have put its subscription in the
// worklist). A row the rules refused (R2, a state, the cap, the date order)
// changes nothing and concerns only its own subscription.
func (rp *replayer) incomplete() bool {
	for _, r := range rp.ld.Rejects() {
		switch {
		case rp.cfg.tenant != "":
			if r.Concerns(rp.cfg.tenant, rp.cfg.product) {
				return true
			}
		case !r.Named || !r.Refused || rp.cfg.more.listed[[2]string{r.Tenant, r.Product}]:
			return true
		}
	}
	return false
}

// listed notes a subscription the worklist lists.
func (rp *replayer) listed(tenant, product string) {
	if rp.cfg.more.listed == nil {
		rp.cfg.more.listed = make(map[[2]string]bool)
	}
	rp.cfg.more.listed[[2]string{tenant, product}] = true
}

// asOf returns the subscription's state on the day of the summary (-on, or
// the file's last day), from its records, and how the day is named. The
// state is none before its first record.
func (rp *replayer) asOf(recs []activation.Record) (activation.Subscription, time.Time, string) {
	day, what := rp.ld.Last, rp.lastDay()
	if !rp.cfg.more.on.IsZero() {
		day, what = rp.cfg.more.on, "-on"
	}
	var s activation.Subscription
	if len(recs) > 0 {
		s = activation.Subscription{Tenant: recs[0].Outcome.After.Tenant, Product: recs[0].Outcome.After.Product}
	}
	for _, r := range recs {
		if r.Outcome.At.After(day) {
			break
		}
		s = r.Outcome.After
	}
	return s, day, what
}

// subscriptionsOn returns every subscription of the book as of the
// summary's day (see asOf), in the book's order.
func (rp *replayer) subscriptionsOn(ctx context.Context) ([]activation.Subscription, time.Time, error) {
	all, err := rp.book.Subscriptions(ctx)
	if err != nil || rp.cfg.more.on.IsZero() {
		return all, rp.ld.Last, err
	}
	out := make([]activation.Subscription, 0, len(all))
	for _, s := range all {
		recs, err := rp.book.History(ctx, s.Tenant, s.Product)
		if err != nil {
			return nil, rp.cfg.more.on, err
		}
		st, _, _ := rp.asOf(recs)
		out = append(out, st)
	}
	return out, rp.cfg.more.on, nil
}

// emptyRows is the summary's note on the empty rows skipped, if any.
func emptyRows(n int) string {
	if n == 0 {
		return ""
	}
	return "; " + cli.Plural(n, "empty row") + " skipped"
}

// stateOn is the summary's text for s on day: its seats, end date and
// state, or that it has none yet (-on before its first row).
func (rp *replayer) stateOn(s activation.Subscription, day time.Time) string {
	if s.IsNone() {
		return "none yet (its first row is later)"
	}
	return state(s) + ", " + rp.cfg.policy.State(s, day).String()
}
