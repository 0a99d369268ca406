// Scenarios prints the documented licensing scenarios of coterm, computed by
// the library and explained, as a readable report.
//
// Usage:
//
//	go run ./examples/scenarios
//
// It takes no arguments and reads no clock: every date is fixed in the
// program, so the output is the same on every run and on every machine (a
// golden-file test pins it, see testdata/scenarios.golden; regenerate it with
// go test ./examples/scenarios -update).
//
// The report shows, each line citing its rule id (R4…R9, the rules table of
// package activation's documentation and of README.md) and the library's own
// explanation (activation.Outcome.Explain):
//
//   - the four licensing scenarios of extend end date: 100 active seats and a
//     25-seat key give +3 months, 100 + 100 give +12 months, 5 + 10 give +24
//     months, and a key of more than 3 × the active seats is refused, with the
//     largest key that would be accepted (R5, R6);
//   - the add-licenses formula on a worked example: 100 seats with 90 days
//     left and a 25-seat key share 145 days (R4, R10);
//   - an early renewal under the Open 2014 rules and the days it loses, and a
//     renewal inside the grace period, which keeps the old end date (R9);
//   - an activation anew of an expired subscription, which cannot be extended
//     (R7);
//   - a lifecycle timeline: renew window, end date, grace, disabled, deleted
//     (R8, R9);
//   - the service of each state after the end date under each channel's
//     preset, and the first day without full service: the end date under
//     volume licensing, the end of the grace otherwise (R22).
//
// Keys are obviously fake and printed masked only, as the library prints them.
// The program uses only coterm's public API.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/proration"
	"github.com/coterm/coterm/token"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		os.Exit(exitCode(err))
	}
}

// usageError is bad usage: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func exitCode(err error) int {
	var ue *usageError
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}

const (
	tenant  = "contoso.example"
	product = "M365-E3"
)

// day returns the calendar date y-m-d at 00:00 UTC.
func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// Obviously fake keys: the groups spell what they are. Only the last group
// is ever printed.
var (
	keyScenario1 = fakeKey("SCN01")
	keyScenario2 = fakeKey("SCN02")
	keyScenario3 = fakeKey("SCN03")
	keyScenario4 = fakeKey("SCN04")
	keyLargest   = fakeKey("SCN4A")
	keyAdd       = fakeKey("ADD01")
	keyEarly     = fakeKey("REN01")
	keyGrace     = fakeKey("REN02")
	keyActivate  = fakeKey("ACT01")
)

// fakeKey is the fake key whose last group is tail.
func fakeKey(tail string) token.Key { return token.MustParseKey("FAKE0-KEY00-NOT00-REAL0-" + tail) }

// report writes to w and remembers the first write error, so the scenarios
// read as a list of lines.
type report struct {
	w   io.Writer
	err error
}

func (r *report) printf(format string, args ...any) {
	if r.err == nil {
		_, r.err = fmt.Fprintf(r.w, format, args...)
	}
}

func (r *report) heading(title string) {
	r.printf("\n%s\n%s\n", title, strings.Repeat("=", len([]rune(title))))
}

// outcome prints an applied redemption: the rule, a one-line summary and the
// library's explanation.
func (r *report) outcome(rule, summary string, o activation.Outcome) {
	r.printf("%-4s %s\n", rule, summary)
	r.printf("     key %s (%s, %d seats) redeemed %s as %s\n", o.Token.Key, o.Token.Product, o.Token.Seats,
		o.At.Format(time.DateOnly), o.Applied)
	r.printf("     %d seats until %s  →  %d seats until %s (%s)\n",
		o.Before.Seats, o.Before.End.Format(time.DateOnly), o.After.Seats, o.After.End.Format(time.DateOnly), signedDays(o.DaysAdded))
	r.printf("     %s\n", o.Explain())
}

func signedDays(n int) string {
	switch {
	case n == 1:
		return "+1 day"
	case n == -1:
		return "-1 day"
	case n >= 0:
		return fmt.Sprintf("+%d days", n)
	default:
		return fmt.Sprintf("%d days", n)
	}
}

// renewMark says whether the transition table allows Renew on day d.
func renewMark(p activation.Policy, s activation.Subscription, d time.Time) string {
	if p.CheckOperation(s, activation.Renew, d) == nil {
		return "renew:ok"
	}
	return "renew:no"
}

func run(args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		fmt.Fprintf(stderr, "scenarios: unexpected argument %q: the program takes no arguments\n", args[0])
		return &usageError{msg: "unexpected argument"}
	}
	r := &report{w: stdout}
	if err := scenarios(r); err != nil {
		fmt.Fprintf(stderr, "scenarios: %v\n", err)
		return err
	}
	return r.err
}

func scenarios(r *report) error {
	pc := activation.PartnerCenter()
	open := activation.Open2014()

	// One subscription throughout: 100 seats ending 2027-03-01, looked at on
	// 2026-12-01, 90 days before its end.
	sub := activation.Subscription{Tenant: tenant, Product: product, Seats: 100, End: day(2027, time.March, 1)}
	on := day(2026, time.December, 1)
	tok := func(k token.Key, seats int) token.Token {
		return token.Token{Key: k, Product: product, Seats: seats}
	}

	r.printf("coterm scenarios — every number below is computed by the library and explained by it.\n")
	r.printf("Rule ids (R4…) are those of the rules table in README.md and go doc activation. Keys are fake and printed masked. Policy %s unless noted.\n", pc.Name)
	r.printf("Subscription: tenant %s, product %s, %d seats, end date %s (the first day without service).\n",
		sub.Tenant, sub.Product, sub.Seats, sub.End.Format(time.DateOnly))

	// Licensing scenarios 1–4 (R5, R6).
	r.heading("Licensing scenarios: extend end date (R5, R6)")
	r.printf("Redeemed on %s. The seats stay; the end date moves by key seats ÷ active seats × 12 months.\n\n",
		on.Format(time.DateOnly))
	type scenario struct {
		name   string
		seats  int
		key    token.Key
		kseats int
	}
	for _, sc := range []scenario{
		{"Scenario 1: 100 active seats + 25-seat key = +3 months", 100, keyScenario1, 25},
		{"Scenario 2: 100 active seats + 100-seat key = +12 months", 100, keyScenario2, 100},
		{"Scenario 3: 5 active seats + 10-seat key = +24 months", 5, keyScenario3, 10},
	} {
		s := sub
		s.Seats = sc.seats
		o, err := pc.Apply(s, tok(sc.key, sc.kseats), activation.ExtendEnd, on)
		if err != nil {
			return fmt.Errorf("%s: %w", sc.name, err)
		}
		r.outcome("R5", sc.name, o)
		r.printf("\n")
	}
	// Scenario 4: over the cap.
	_, err := pc.Apply(sub, tok(keyScenario4, 301), activation.ExtendEnd, on)
	var capErr *proration.CapError
	if !errors.As(err, &capErr) {
		return fmt.Errorf("scenario 4: want a cap error, got %v", err)
	}
	r.printf("R6   Scenario 4: 100 active seats + 301-seat key: REFUSED\n")
	r.printf("     key %s (301 seats): %v\n", keyScenario4, err)
	r.printf("     (errors.Is(err, activation.ErrExtensionCap) = %t; largest key accepted: %d seats)\n",
		errors.Is(err, activation.ErrExtensionCap), capErr.MaxKeySeats)
	o, err := pc.Apply(sub, tok(keyLargest, capErr.MaxKeySeats), activation.ExtendEnd, on)
	if err != nil {
		return fmt.Errorf("scenario 4, largest key: %w", err)
	}
	r.printf("\n")
	r.outcome("R6", fmt.Sprintf("Scenario 4: the largest key accepted, %d seats = 3 × 100, extends exactly 36 months", capErr.MaxKeySeats), o)

	// Add licenses (R4, R10).
	r.heading("Add licenses: the seat-weighted end date (R4, R10)")
	r.printf("[A × B + C × T] ÷ (A + C) = new days remaining; A seats with B days left, a C-seat key worth T days.\n\n")
	o, err = pc.Apply(sub, tok(keyAdd, 25), activation.AddSeats, on)
	if err != nil {
		return fmt.Errorf("add licenses: %w", err)
	}
	r.outcome("R4", fmt.Sprintf("100 seats with %d days left + 25-seat key worth %d days → %d days for 125 seats",
		o.Remaining, o.TermDays, o.NewRemaining), o)
	r.printf("     seat-days before %d, after %d, residue %d: no time added or lost.\n", o.SeatDaysBefore, o.SeatDaysAfter, o.Residue)

	// Renewals (R9), Open 2014 policy.
	r.heading("Renewals under the Open 2014 rules (R9)")
	tlOpen, err := open.Timeline(sub)
	if err != nil {
		return fmt.Errorf("timeline: %w", err)
	}
	r.printf("Policy %s: renew appears %d days before the end date (from %s); inside the %d-day grace the old end stays the anchor.\n\n",
		open.Name, open.RenewWindowDays, tlOpen.RenewFrom.Format(time.DateOnly), open.GraceDays)
	early, grace := day(2027, time.February, 10), day(2027, time.March, 15)
	for _, rn := range []struct {
		what  string
		key   token.Key
		at    time.Time
		title func(o activation.Outcome) string
	}{
		{"early renewal", keyEarly, early, func(o activation.Outcome) string {
			return fmt.Sprintf("Early renewal on %s, in the renew window: the redemption day is the anchor, %d days lost",
				early.Format(time.DateOnly), o.DaysLost)
		}},
		{"grace renewal", keyGrace, grace, func(o activation.Outcome) string {
			return fmt.Sprintf("Renewal on %s, in the grace (state %s): the old end date stays the anchor, nothing lost",
				grace.Format(time.DateOnly), o.StateBefore)
		}},
	} {
		o, err := open.Apply(sub, tok(rn.key, 100), activation.Renew, rn.at)
		if err != nil {
			return fmt.Errorf("%s: %w", rn.what, err)
		}
		r.outcome("R9", rn.title(o), o)
		r.printf("\n")
	}
	_, err = pc.Apply(sub, tok(keyEarly, 100), activation.Renew, early)
	r.printf("R9   The same early renewal under %s (which says: wait for the end date): REFUSED\n", pc.Name)
	r.printf("     %v\n\n", err)
	o, err = pc.Apply(sub, tok(keyGrace, 100), activation.Renew, grace)
	if err != nil {
		return fmt.Errorf("grace renewal under %s: %w", pc.Name, err)
	}
	r.outcome("R7", fmt.Sprintf("The same grace renewal under %s: an activation anew from the redemption day", pc.Name), o)

	// Activation anew (R7).
	r.heading("After expiry: activate anew, never extend (R7)")
	late := day(2027, time.May, 1)
	_, err = pc.Apply(sub, tok(keyActivate, 50), activation.ExtendEnd, late)
	var refused *activation.NotAllowedError
	if !errors.As(err, &refused) {
		return fmt.Errorf("extend end date after expiry: want a refusal, got %v", err)
	}
	r.printf("On %s the subscription is %s (since %s).\n\n", late.Format(time.DateOnly), refused.State,
		refused.Since.Format(time.DateOnly))
	r.printf("R7   Extend end date on a %s subscription: REFUSED\n", pc.State(sub, late))
	r.printf("     %v\n\n", err)
	o, err = pc.Apply(sub, tok(keyActivate, 50), activation.Activate, late)
	if err != nil {
		return fmt.Errorf("activate: %w", err)
	}
	r.outcome("R7", "Activate: a new 12-month term from the redemption day, seats = the key's seats", o)

	// Lifecycle (R8, R9).
	r.heading("Lifecycle timeline (R8, R9)")
	for _, p := range []activation.Policy{pc, open} {
		tl, err := p.Timeline(sub)
		if err != nil {
			return fmt.Errorf("timeline %s: %w", p.Name, err)
		}
		r.printf("R8   %-15s %s\n", p.Name+":", tl)
	}
	r.printf("\nState of the subscription (end %s) on the day before and the day of each transition, %s,\n",
		sub.End.Format(time.DateOnly), open.Name)
	r.printf("and whether Renew is allowed that day:\n")
	type mark struct {
		rule, what string
		d          time.Time
	}
	marks := []mark{
		{"R9", "renew window opens", tlOpen.RenewFrom},
		{"R8", "end date: expired, grace, fully functional", tlOpen.End},
		{"R8", "disabled: read-only", tlOpen.DisabledFrom},
		{"R8", "deleted", tlOpen.DeletedOn},
	}
	for _, m := range marks {
		before := m.d.AddDate(0, 0, -1) // a date at 00:00 UTC: one day earlier
		r.printf("%-4s %s  %-8s %-8s  →  %s  %-8s %-8s  %s\n", m.rule,
			before.Format(time.DateOnly), open.State(sub, before), renewMark(open, sub, before),
			m.d.Format(time.DateOnly), open.State(sub, m.d), renewMark(open, sub, m.d), m.what)
	}
	return serviceByChannel(r, sub)
}

// serviceByChannel prints, for each preset, the service of each state after
// the end date and the first day without full service (R22).
func serviceByChannel(r *report, sub activation.Subscription) error {
	r.heading("Service after the end date, by channel (R22)")
	r.printf("%-4s %-22s %-9s %-9s %s\n", "", "policy", "expired", "disabled", "full service ends")
	for _, name := range activation.PolicyNames() {
		p, err := activation.PolicyByName(name)
		if err != nil {
			return fmt.Errorf("policy %s: %w", name, err)
		}
		tl, err := p.Timeline(sub)
		if err != nil {
			return fmt.Errorf("timeline %s: %w", name, err)
		}
		r.printf("%-4s %-22s %-9s %-9s %s\n", "R22", name, p.Service(activation.Expired), p.Service(activation.Disabled),
			tl.FullServiceEnds.Format(time.DateOnly))
	}
	r.printf("     (volume licensing: \"Services immediately become unavailable when the Expired status starts\")\n")
	return nil
}
