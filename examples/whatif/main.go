// Whatif shows, before a product key is spent, every way it could be redeemed
// against a subscription on a given day: for a partner admin who does not
// write Go.
//
// Usage:
//
//	go run ./examples/whatif -seats 100 -end 2027-03-01 -key-seats 25 [flags]
//
// For example
//
//	go run ./examples/whatif -seats 100 -end 2027-03-01 -key-seats 25 -on 2026-12-01
//
// prints the subscription's state on that day and its deadlines (renew window,
// end date, disabled from, deleted on: R8, R9), then one row per operation —
// add licenses (R4), extend end date (R5, R6), renew (R9), activate (R7) —
// side by side: the seats and end date after, the days gained or lost, the
// seat-days before and after, and the library's explanation. An operation the
// rules refuse is shown as refused with its reason: the state and since when
// (R7, R9), or the extension cap with the largest key accepted (R6).
//
// Flags:
//
//	-seats N          active seats of the subscription, 0 … 1,000,000,000 (required;
//	                  0 means the tenant has no subscription yet, and -end must be omitted)
//	-end YYYY-MM-DD   the subscription's end date, the first day without service (required unless -seats 0)
//	-key-seats N      seats of the key, 1 … 1,000,000,000 (required)
//	-on YYYY-MM-DD    the redemption day (default: today)
//	-policy NAME      partner-center (default), open2014, direct, enterprise-multi-year, volume-licensing
//	-rounding NAME    half-even (default), half-up, down, up
//	-convention NAME  calendar-months (default), exact-seat-days
//	-key KEY          the product key, to check its syntax; only its masked form is printed
//	-product NAME     the product of the subscription and the key (default "product")
//	-term MONTHS      the key's term in months, 1 … 36 (default: the policy's, 12)
//	-json             print the same as JSON, for scripts
//
// Bad input prints one line on standard error naming the flag and what is
// wrong, and exits with status 2. The product key is never printed in clear,
// not even in an error. Exit status 0 otherwise, even when every option is
// refused: a refusal is an answer, not a failure.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
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

// run is the program with the real clock: -on defaults to today.
func run(args []string, stdout, stderr io.Writer) error {
	return runAt(args, stdout, stderr, time.Now)
}

// usageError is bad input: its message, one line naming the flag, has been
// written to stderr; the exit status is 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func exitCode(err error) int {
	var ue *usageError
	if err == nil {
		return 0
	}
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}

// policies maps the -policy names to the presets.
var policyNames = []string{"partner-center", "open2014", "direct", "enterprise-multi-year", "volume-licensing"}

func policyByName(name string) (activation.Policy, bool) {
	switch name {
	case "partner-center":
		return activation.PartnerCenter(), true
	case "open2014", "open-2014":
		return activation.Open2014(), true
	case "direct":
		return activation.DirectPurchase(), true
	case "enterprise-multi-year":
		return activation.EnterpriseMultiYear(), true
	case "volume-licensing":
		return activation.VolumeLicensing(), true
	}
	return activation.Policy{}, false
}

// config is the parsed command line.
type config struct {
	sub      activation.Subscription
	tok      token.Token
	keyGiven bool
	on       time.Time
	policy   activation.Policy
	json     bool
}

// runAt is run with the clock as a parameter, for tests.
func runAt(args []string, stdout, stderr io.Writer, now func() time.Time) error {
	cfg, err := parse(args, stderr, now)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		fmt.Fprintf(stderr, "whatif: %s\n", err.Error())
		return err
	}
	res := compute(cfg)
	if cfg.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	return res.writeText(stdout)
}

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// parse reads the flags. Every flag is read as a string and checked here, so
// that each error is one line naming the flag, and so that the flag package
// never echoes a value (it would echo a product key in clear).
func parse(args []string, stderr io.Writer, now func() time.Time) (config, error) {
	fs := flag.NewFlagSet("whatif", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are reported by runAt, one line each
	var (
		seats      = fs.String("seats", "", "active `seats` of the subscription, 0 … 1,000,000,000 (required; 0: no subscription yet, omit -end)")
		end        = fs.String("end", "", "the subscription's end `date` YYYY-MM-DD, the first day without service (required unless -seats 0)")
		keySeats   = fs.String("key-seats", "", "`seats` of the key, 1 … 1,000,000,000 (required)")
		on         = fs.String("on", "", "the redemption `date` YYYY-MM-DD (default today)")
		policy     = fs.String("policy", "partner-center", "the rules: "+strings.Join(policyNames, ", "))
		rounding   = fs.String("rounding", "", "how fractions of days are rounded: half-even, half-up, down, up (default: the policy's, half-even)")
		convention = fs.String("convention", "", "how extend turns months into days: calendar-months, exact-seat-days (default: the policy's, calendar-months)")
		key        = fs.String("key", "", "the product `key` XXXXX-XXXXX-XXXXX-XXXXX-XXXXX, to check its syntax; only its masked form is printed")
		product    = fs.String("product", "product", "the `product` of the subscription and of the key")
		term       = fs.String("term", "", "the key's term in `months`, 1 … 36 (default: the policy's, 12)")
		asJSON     = fs.Bool("json", false, "print the result as JSON, for scripts")
	)
	help := false
	fs.Usage = func() { help = true }
	if err := fs.Parse(args); err != nil {
		if help && errors.Is(err, flag.ErrHelp) {
			printUsage(fs, stderr)
			return config{}, flag.ErrHelp
		}
		return config{}, &usageError{msg: err.Error()}
	}
	if fs.NArg() > 0 {
		return config{}, usagef("unexpected argument %q: every input is a flag (see -h)", fs.Arg(0))
	}

	var cfg config
	cfg.json = *asJSON
	p, ok := policyByName(*policy)
	if !ok {
		return cfg, usagef("-policy: unknown policy %q, want one of %s", *policy, strings.Join(policyNames, ", "))
	}
	if *rounding != "" {
		r, err := proration.ParseRounding(*rounding)
		if err != nil {
			return cfg, usagef("-rounding: unknown rounding %q, want half-even, half-up, down or up", *rounding)
		}
		p.Rounding = r
	}
	if *convention != "" {
		c, err := proration.ParseConvention(*convention)
		if err != nil {
			return cfg, usagef("-convention: unknown convention %q, want calendar-months or exact-seat-days", *convention)
		}
		p.Convention = c
	}
	cfg.policy = p

	if *seats == "" {
		return cfg, usagef("-seats: missing: give the subscription's active seats, 0 … 1,000,000,000")
	}
	n, err := count("-seats", *seats, 0)
	if err != nil {
		return cfg, err
	}
	if strings.TrimSpace(*product) == "" {
		return cfg, usagef("-product: empty: give the product name")
	}
	cfg.sub = activation.Subscription{Product: *product, Seats: n}
	switch {
	case n == 0 && *end != "":
		return cfg, usagef("-end: given with -seats 0: a tenant with no subscription has no end date")
	case n > 0 && *end == "":
		return cfg, usagef("-end: missing: give the subscription's end date as YYYY-MM-DD")
	case n > 0:
		if cfg.sub.End, err = date("-end", *end); err != nil {
			return cfg, err
		}
	}

	if *keySeats == "" {
		return cfg, usagef("-key-seats: missing: give the key's seats, 1 … 1,000,000,000")
	}
	ks, err := count("-key-seats", *keySeats, 1)
	if err != nil {
		return cfg, err
	}
	cfg.tok = token.Token{Product: *product, Seats: ks}
	if *term != "" {
		m, err := strconv.Atoi(*term)
		if err != nil || m < 1 || m > token.MaxTermMonths {
			return cfg, usagef("-term: %q is not a number of months 1 … %d", *term, token.MaxTermMonths)
		}
		cfg.tok.TermMonths = m
	}
	if *key != "" {
		k, err := token.ParseKey(*key)
		if err != nil {
			// The *SyntaxError names the position and the reason, never the key.
			return cfg, usagef("-key: not a product key: %v", err)
		}
		cfg.tok.Key, cfg.keyGiven = k, true
	} else {
		// Preview needs a key; an obviously fake one stands in and is never shown.
		cfg.tok.Key = token.MustParseKey("WHAT0-IF000-NO000-KEY00-GIVEN")
	}

	if *on == "" {
		cfg.on = proration.Date(now())
	} else if cfg.on, err = date("-on", *on); err != nil {
		return cfg, err
	}
	return cfg, nil
}

// count parses a seat count min … token.MaxSeats.
func count(name, s string, lo int) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && errors.Is(ne.Err, strconv.ErrRange) {
			return 0, usagef("%s: %q is out of range, want %d … 1,000,000,000", name, s, lo)
		}
		return 0, usagef("%s: %q is not a whole number, want %d … 1,000,000,000", name, s, lo)
	}
	if n < lo || n > token.MaxSeats {
		return 0, usagef("%s: %d is out of range, want %d … 1,000,000,000", name, n, lo)
	}
	return n, nil
}

// date parses YYYY-MM-DD strictly.
func date(name, s string) (time.Time, error) {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil || d.Year() < 1 {
		return time.Time{}, usagef("%s: %q is not a date YYYY-MM-DD", name, s)
	}
	return d, nil
}

func printUsage(fs *flag.FlagSet, w io.Writer) {
	fs.SetOutput(w)
	fmt.Fprintf(w, `usage: whatif -seats N -end YYYY-MM-DD -key-seats N [flags]

Shows every way a product key could be redeemed against a subscription on a
day, side by side, before the key is spent: add licenses (R4), extend end
date (R5, R6), renew (R9), activate (R7); refused options with their reason;
the subscription's state and deadlines (R8). Exit status 2 on bad input.

Flags:
`)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
}

// result is what whatif prints, as text or as JSON.
type result struct {
	Policy       string                  `json:"policy"`
	Rounding     string                  `json:"rounding"`
	Convention   string                  `json:"convention"`
	On           string                  `json:"on"`
	Key          string                  `json:"key,omitempty"` // masked
	KeySeats     int                     `json:"key_seats"`
	KeyTerm      int                     `json:"key_term_months"`
	Subscription activation.Subscription `json:"subscription"`
	State        string                  `json:"state"`
	Timeline     *timeline               `json:"timeline,omitempty"`
	Options      []option                `json:"options"`
}

type timeline struct {
	RenewFrom    string `json:"renew_from"`
	End          string `json:"end"`
	DisabledFrom string `json:"disabled_from"`
	DeletedOn    string `json:"deleted_on"`
}

type option struct {
	Op          string              `json:"op"`
	Allowed     bool                `json:"allowed"`
	Outcome     *activation.Outcome `json:"outcome,omitempty"`
	Refused     string              `json:"refused,omitempty"`
	MaxKeySeats int                 `json:"max_key_seats,omitempty"` // for a refusal by the cap (R6)
}

func compute(cfg config) result {
	p := cfg.policy
	res := result{
		Policy:       p.Name,
		Rounding:     p.Rounding.String(),
		Convention:   p.Convention.String(),
		On:           cfg.on.Format(time.DateOnly),
		KeySeats:     cfg.tok.Seats,
		KeyTerm:      cfg.tok.Term(),
		Subscription: cfg.sub,
		State:        p.State(cfg.sub, cfg.on).String(),
	}
	if cfg.tok.TermMonths == 0 {
		res.KeyTerm = p.TermMonths
	}
	if cfg.keyGiven {
		res.Key = cfg.tok.Key.String()
	}
	if !cfg.sub.IsNone() {
		if tl, err := p.Timeline(cfg.sub); err == nil {
			res.Timeline = &timeline{
				RenewFrom:    tl.RenewFrom.Format(time.DateOnly),
				End:          tl.End.Format(time.DateOnly),
				DisabledFrom: tl.DisabledFrom.Format(time.DateOnly),
				DeletedOn:    tl.DeletedOn.Format(time.DateOnly),
			}
		}
	}
	for _, o := range p.Options(cfg.sub, cfg.tok, cfg.on) {
		opt := option{Op: o.Op.String(), Allowed: o.Allowed()}
		if o.Allowed() {
			out := o.Outcome
			if !cfg.keyGiven {
				out.Token.Key = token.Key{} // the stand-in key is not the user's: marshal none
			}
			opt.Outcome = &out
		} else {
			opt.Refused = reason(o.Err)
			var ce *proration.CapError
			if errors.As(o.Err, &ce) {
				opt.MaxKeySeats = ce.MaxKeySeats
			}
		}
		res.Options = append(res.Options, opt)
	}
	return res
}

// reason turns a refusal into a short sentence.
func reason(err error) string {
	var (
		ce *proration.CapError
		na *activation.NotAllowedError
	)
	switch {
	case errors.As(err, &ce):
		return fmt.Sprintf("a %d-seat key is more than %d × %d active seats (R6); the largest key accepted is %d seats",
			ce.KeySeats, ce.Factor, ce.Seats, ce.MaxKeySeats)
	case errors.As(err, &na):
		s := "not allowed: subscription " + na.State.String()
		if !na.Since.IsZero() {
			s += " since " + na.Since.Format(time.DateOnly)
		}
		if !na.Opens.IsZero() {
			s += "; allowed from " + na.Opens.Format(time.DateOnly)
		}
		return s
	default:
		return err.Error()
	}
}

// writeText prints the result for a person.
func (res result) writeText(w io.Writer) error {
	var b strings.Builder
	sub := res.Subscription
	if sub.IsNone() {
		fmt.Fprintf(&b, "Subscription: none yet (%s); state on %s: %s\n", sub.Product, res.On, res.State)
	} else {
		fmt.Fprintf(&b, "Subscription: %d seats of %s, end date %s; state on %s: %s\n",
			sub.Seats, sub.Product, sub.End.Format(time.DateOnly), res.On, res.State)
	}
	key := "(no -key given)"
	if res.Key != "" {
		key = res.Key
	}
	fmt.Fprintf(&b, "Key: %s, %d seats, %d months\n", key, res.KeySeats, res.KeyTerm)
	fmt.Fprintf(&b, "Policy: %s (rounding %s, convention %s)\n", res.Policy, res.Rounding, res.Convention)
	if tl := res.Timeline; tl != nil {
		fmt.Fprintf(&b, "Deadlines (R8, R9): renew from %s; end %s; disabled from %s; deleted on %s\n",
			tl.RenewFrom, tl.End, tl.DisabledFrom, tl.DeletedOn)
	}
	b.WriteString("\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "OPTION\tSEATS\tNEW END\tDAYS\tSEAT-DAYS BEFORE → AFTER")
	for _, o := range res.Options {
		if !o.Allowed {
			fmt.Fprintf(tw, "%s\trefused\t-\t-\t-\n", o.Op)
			continue
		}
		out := o.Outcome
		days := signed(out.DaysAdded)
		if out.DaysLost > 0 {
			days += fmt.Sprintf(" (%d lost)", out.DaysLost)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s → %s\n", o.Op, group(int64(out.After.Seats)), out.After.End.Format(time.DateOnly), days,
			group(out.SeatDaysBefore), group(out.SeatDaysAfter))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	b.WriteString("\n")
	for _, o := range res.Options {
		if o.Allowed {
			fmt.Fprintf(&b, "%-11s %s\n", o.Op+":", o.Outcome.Explain())
		} else {
			fmt.Fprintf(&b, "%-11s refused: %s\n", o.Op+":", o.Refused)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func signed(n int) string {
	if n > 0 {
		return "+" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// group writes n with thousands separators: 18125 → "18,125".
func group(n int64) string {
	s := strconv.FormatInt(n, 10)
	sign := ""
	if n < 0 {
		sign, s = "-", s[1:]
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return sign + s
}
