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
// # Planning a pool of keys
//
// With -keys instead of -key-seats, whatif plans a pool of keys (package
// activation/plan): which keys, in which order, as add licenses or extend end
// date, all redeemed on -on, so that the subscription reaches a goal. For
// example
//
//	go run ./examples/whatif -seats 100 -end 2027-03-01 -on 2026-12-01 -keys 25,25,50,100 -until 2028-03-01
//
// answers "the most seats that still run until the program year ends":
// 175 seats until 2028-03-15 (add 25 and 50, then extend with 100 and 25),
// 14 days past the use rights (R13). It prints the answer, the use-rights
// check against -until (the days the subscription runs past its use rights,
// or lapses before them), and the plan explained step by step with the
// seat-day account. The keys are stand-ins named by the last group of their
// masked form, KEY01 for the first of -keys. A goal no plan reaches is an
// answer too: whatif says so, prints the nearest feasible plan, and exits 0.
//
// Flags:
//
//	-seats N          active seats of the subscription, 0 … 1,000,000,000 (required;
//	                  0 means the tenant has no subscription yet, and -end must be omitted)
//	-end YYYY-MM-DD   the subscription's end date, the first day without service (required unless -seats 0)
//	-key-seats N      seats of the key, 1 … 1,000,000,000 (required unless -keys)
//	-on YYYY-MM-DD    the redemption day (default: today)
//	-policy NAME      partner-center (default), open-2014 (or open2014), direct-purchase,
//	                  enterprise-multi-year, volume-licensing: activation.PolicyByName
//	-rounding NAME    half-even (default), half-up, down, up
//	-convention NAME  calendar-months (default), exact-seat-days
//	-key KEY          the product key, to check its syntax; only its masked form is printed
//	-product NAME     the product of the subscription and the key (default "product")
//	-term MONTHS      the key's term in months, 1 … 36 (default: the policy's, 12)
//	-json             print the same as JSON, for scripts (with -keys: the plan, its steps and the use rights)
//
// Planner flags:
//
//	-keys N,N,…       seats of a pool of 1 … 20 keys, all redeemed on -on, instead of -key-seats
//	-until YYYY-MM-DD the program year's end, the first day without use rights (R13): the end date to
//	                  reach, and what the use-rights check compares with
//	-goal NAME        most-seats (the most seats until -until; the default with -until),
//	                  latest-end (the latest end with at least -target-seats seats) or
//	                  trade-off (every plan no other beats on both seats and end date)
//	-target-seats N   with -goal latest-end: the seats to keep, 1 … 1,000,000,000
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
	"github.com/coterm/coterm/activation/plan"
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

// config is the parsed command line.
type config struct {
	sub      activation.Subscription
	tok      token.Token
	keyGiven bool
	on       time.Time
	policy   activation.Policy
	json     bool

	// Planner mode (-keys): a pool of keys redeemed on -on, a goal, and
	// the program year's end for the use-rights check (R13).
	pool  []token.Token // nil unless -keys
	goal  plan.Goal
	until time.Time // zero unless -until
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
	var res result
	if cfg.pool != nil {
		res, err = computePlan(cfg)
		if err != nil {
			fmt.Fprintf(stderr, "whatif: %s\n", err.Error())
			return err
		}
	} else {
		res = compute(cfg)
	}
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
		keySeats   = fs.String("key-seats", "", "`seats` of the key, 1 … 1,000,000,000 (required unless -keys)")
		on         = fs.String("on", "", "the redemption `date` YYYY-MM-DD (default today)")
		policy     = fs.String("policy", "partner-center", "the rules: "+strings.Join(activation.PolicyNames(), ", ")+" (or open2014)")
		rounding   = fs.String("rounding", "", "how fractions of days are rounded: half-even, half-up, down, up (default: the policy's, half-even)")
		convention = fs.String("convention", "", "how extend turns months into days: calendar-months, exact-seat-days (default: the policy's, calendar-months)")
		key        = fs.String("key", "", "the product `key` XXXXX-XXXXX-XXXXX-XXXXX-XXXXX, to check its syntax; only its masked form is printed")
		product    = fs.String("product", "product", "the `product` of the subscription and of the key")
		term       = fs.String("term", "", "the key's term in `months`, 1 … 36 (default: the policy's, 12)")
		asJSON     = fs.Bool("json", false, "print the result as JSON, for scripts")
		keys       = fs.String("keys", "", "plan a pool of keys, all redeemed on -on: their `seats`, comma-separated, 1 … 20 keys (e.g. 25,25,50,100); instead of -key-seats")
		until      = fs.String("until", "", "with -keys: the program year's end `date` YYYY-MM-DD, the first day without use rights (R13); the plan's target end date")
		goal       = fs.String("goal", "", "with -keys: most-seats (until -until; the default with -until), latest-end (needs -target-seats) or trade-off")
		target     = fs.String("target-seats", "", "with -goal latest-end: the `seats` the plan must keep, 1 … 1,000,000,000")
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
		return config{}, usagef("unexpected argument %d of %d: every input is a flag, and a key written with spaces must be quoted, -key 'XXXXX XXXXX …' (see -h)", 1, fs.NArg())
	}

	var cfg config
	cfg.json = *asJSON
	p, err := activation.PolicyByName(*policy)
	if err != nil {
		return cfg, usagef("-policy: unknown policy, want one of %s (or open2014)", strings.Join(activation.PolicyNames(), ", "))
	}
	if *rounding != "" {
		r, err := proration.ParseRounding(*rounding)
		if err != nil {
			return cfg, usagef("-rounding: unknown rounding, want half-even, half-up, down or up")
		}
		p.Rounding = r
	}
	if *convention != "" {
		c, err := proration.ParseConvention(*convention)
		if err != nil {
			return cfg, usagef("-convention: unknown convention, want calendar-months or exact-seat-days")
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

	termMonths := 0
	if *term != "" {
		m, err := strconv.Atoi(*term)
		if err != nil || m < 1 || m > token.MaxTermMonths {
			return cfg, usagef("-term: not a number of months 1 … %d", token.MaxTermMonths)
		}
		termMonths = m
	}
	if *keys != "" {
		if *keySeats != "" {
			return cfg, usagef("-keys: given with -key-seats: give -key-seats for one key (every option) or -keys for a pool (a plan)")
		}
		if *key != "" {
			return cfg, usagef("-key: given with -keys: a plan uses stand-in keys; check a key's syntax with -key-seats")
		}
		if cfg.pool, err = pool(*keys, *product, termMonths); err != nil {
			return cfg, err
		}
		if *until != "" {
			if cfg.until, err = date("-until", *until); err != nil {
				return cfg, err
			}
		}
		if cfg.goal, err = goalFlag(*goal, *target, cfg.until); err != nil {
			return cfg, err
		}
		if err := setOn(&cfg, *on, now); err != nil {
			return cfg, err
		}
		return cfg, nil
	}
	for _, f := range []struct{ name, val string }{{"-until", *until}, {"-goal", *goal}, {"-target-seats", *target}} {
		if f.val != "" {
			return cfg, usagef("%s: only with -keys (a pool of keys to plan)", f.name)
		}
	}
	if *keySeats == "" {
		return cfg, usagef("-key-seats: missing: give the key's seats, 1 … 1,000,000,000 (or -keys for a pool)")
	}
	ks, err := count("-key-seats", *keySeats, 1)
	if err != nil {
		return cfg, err
	}
	cfg.tok = token.Token{Product: *product, Seats: ks, TermMonths: termMonths}
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

	if err := setOn(&cfg, *on, now); err != nil {
		return cfg, err
	}
	return cfg, nil
}

// setOn sets the redemption day from -on, or today.
func setOn(cfg *config, on string, now func() time.Time) error {
	if on == "" {
		y, m, d := now().Date()
		cfg.on = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		return nil
	}
	var err error
	cfg.on, err = date("-on", on)
	return err
}

// pool parses -keys: 1 … plan.MaxKeys seat counts, comma-separated. Each
// key gets a stand-in product key whose last group names it, KEY01 … KEY20,
// so that the plan's masked keys say which key is which.
func pool(s, product string, termMonths int) ([]token.Token, error) {
	items := strings.Split(s, ",")
	if len(items) > plan.MaxKeys {
		return nil, usagef("-keys: %d keys, want 1 … %d", len(items), plan.MaxKeys)
	}
	toks := make([]token.Token, len(items))
	for i, it := range items {
		it = strings.TrimSpace(it)
		if it == "" {
			return nil, usagef("-keys: key %d is empty: give seat counts separated by commas, e.g. 25,25,50,100", i+1)
		}
		n, err := count(fmt.Sprintf("-keys: key %d", i+1), it, 1)
		if err != nil {
			return nil, err
		}
		toks[i] = token.Token{Key: standIn(i), Product: product, Seats: n, TermMonths: termMonths}
	}
	return toks, nil
}

// standIn returns the stand-in key of the i-th key of -keys (from 0): masked,
// XXXXX-XXXXX-XXXXX-XXXXX-KEY01 for the first.
func standIn(i int) token.Key {
	return token.MustParseKey(fmt.Sprintf("WHAT0-IF000-POOL0-NOKEY-KEY%02d", i+1))
}

// goalFlag turns -goal, -target-seats and -until into a plan.Goal.
func goalFlag(goal, target string, until time.Time) (plan.Goal, error) {
	if goal == "" {
		if until.IsZero() {
			return plan.Goal{}, usagef("-until: missing: give the program year's end YYYY-MM-DD (the most seats until then), or -goal latest-end or trade-off")
		}
		goal = plan.MostSeats.String()
	}
	if target != "" && goal != plan.LatestEnd.String() {
		return plan.Goal{}, usagef("-target-seats: only with -goal latest-end")
	}
	switch goal {
	case plan.MostSeats.String():
		if until.IsZero() {
			return plan.Goal{}, usagef("-goal most-seats: needs -until YYYY-MM-DD, the end date to reach")
		}
		return plan.ReachEnd(until), nil
	case plan.LatestEnd.String():
		if target == "" {
			return plan.Goal{}, usagef("-goal latest-end: needs -target-seats N, the seats to keep")
		}
		n, err := count("-target-seats", target, 1)
		if err != nil {
			return plan.Goal{}, err
		}
		return plan.ReachSeats(n), nil
	case plan.TradeOff.String():
		return plan.AllTradeOffs(), nil
	}
	return plan.Goal{}, usagef("-goal: unknown goal, want most-seats, latest-end or trade-off")
}

// count parses a seat count min … token.MaxSeats.
func count(name, s string, lo int) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && errors.Is(ne.Err, strconv.ErrRange) {
			return 0, usagef("%s: out of range, want %d … 1,000,000,000", name, lo)
		}
		return 0, usagef("%s: not a whole number, want %d … 1,000,000,000", name, lo)
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
		return time.Time{}, usagef("%s: not a date YYYY-MM-DD", name)
	}
	if !d.After(time.Date(1, time.January, 1, 0, 0, 0, 0, time.UTC)) {
		// The library reads 0001-01-01 as the zero time.Time: no date.
		return time.Time{}, usagef("%s: 0001-01-01 is the zero date, want 0001-01-02 … 9999-12-31", name)
	}
	return d, nil
}

func printUsage(fs *flag.FlagSet, w io.Writer) {
	fs.SetOutput(w)
	fmt.Fprintf(w, `usage: whatif -seats N -end YYYY-MM-DD -key-seats N [flags]
       whatif -seats N -end YYYY-MM-DD -keys N,N,... -until YYYY-MM-DD [-goal NAME] [flags]

Shows every way a product key could be redeemed against a subscription on a
day, side by side, before the key is spent: add licenses (R4), extend end
date (R5, R6), renew (R9), activate (R7); refused options with their reason;
the subscription's state and deadlines (R8).

With -keys, plans a pool of keys instead: which keys, in which order, as add
licenses or extend end date, so that the subscription reaches the goal, and
how its end compares with the program year's end -until (R13). An
infeasible goal prints the nearest feasible plan. Exit status 2 on bad input.

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
	Key          string                  `json:"key,omitempty"`       // masked
	KeySeats     int                     `json:"key_seats,omitempty"` // 0 with -keys
	KeyTerm      int                     `json:"key_term_months"`
	Subscription activation.Subscription `json:"subscription"`
	State        string                  `json:"state"`
	Timeline     *timeline               `json:"timeline,omitempty"`
	Options      []option                `json:"options,omitempty"` // every option of one key (-key-seats)
	Plan         *planResult             `json:"plan,omitempty"`    // the plan for a pool (-keys)
}

// planResult is the planner's answer (-keys), as text or as JSON.
type planResult struct {
	Goal        string    `json:"goal"`                   // most-seats, latest-end or trade-off
	TargetSeats int       `json:"target_seats,omitempty"` // latest-end
	Until       string    `json:"until,omitempty"`        // the program year's end, first day without use rights
	Keys        []poolKey `json:"keys"`
	// Feasible is false when no plan reaches the goal: Infeasible says why,
	// and the rest describes the nearest feasible plan (if any).
	Feasible   bool                     `json:"feasible"`
	Infeasible string                   `json:"infeasible,omitempty"`
	Exhaustive bool                     `json:"exhaustive"`
	Steps      []planStep               `json:"steps"`
	Final      *activation.Subscription `json:"final,omitempty"`
	SeatDays   *seatDays                `json:"seat_days,omitempty"`
	UseRights  *useRights               `json:"use_rights,omitempty"`
	Front      []frontPoint             `json:"front,omitempty"` // -goal trade-off
	Explain    string                   `json:"explanation"`
}

type poolKey struct {
	Key   string `json:"key"` // the stand-in, masked: XXXXX-XXXXX-XXXXX-XXXXX-KEY01
	Seats int    `json:"seats"`
}

type planStep struct {
	Key     string             `json:"key"` // masked stand-in
	Op      string             `json:"op"`
	Outcome activation.Outcome `json:"outcome"`
}

type seatDays struct {
	Start   int64 `json:"start"`
	Keys    int64 `json:"keys"`
	Final   int64 `json:"final"`
	Residue int64 `json:"residue"`
}

type useRights struct {
	End          string `json:"end"`
	ProgramEnd   string `json:"program_end"`
	Beyond       int    `json:"days_beyond"`
	Lapse        int    `json:"days_lapse"`
	LapseInGrace int    `json:"days_lapse_in_grace"`
	Finding      string `json:"finding"`
	Summary      string `json:"summary"`
}

type frontPoint struct {
	Seats     int        `json:"seats"`
	End       string     `json:"end"`
	Plan      string     `json:"plan"`
	UseRights *useRights `json:"use_rights,omitempty"`
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

// header is what every result starts with: the policy, the day, the
// subscription and its state and deadlines, and the term of a key of
// termMonths (0: the policy's).
func header(cfg config, termMonths int) result {
	p := cfg.policy
	if termMonths == 0 {
		termMonths = p.TermMonths
	}
	return result{
		Policy:       p.Name,
		Rounding:     p.Rounding.String(),
		Convention:   p.Convention.String(),
		On:           cfg.on.Format(time.DateOnly),
		KeyTerm:      termMonths,
		Subscription: cfg.sub,
		State:        p.State(cfg.sub, cfg.on).String(),
		Timeline:     timelineOf(p, cfg.sub),
	}
}

func compute(cfg config) result {
	p := cfg.policy
	res := header(cfg, cfg.tok.TermMonths)
	res.KeySeats = cfg.tok.Seats
	if cfg.keyGiven {
		res.Key = cfg.tok.Key.String()
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

// computePlan plans the pool of -keys (package activation/plan). An
// infeasible goal is an answer: the nearest feasible plan. Another error of
// the planner is bad input: exit status 2.
func computePlan(cfg config) (result, error) {
	p := cfg.policy
	res := header(cfg, cfg.pool[0].TermMonths)
	pr := &planResult{Goal: cfg.goal.Kind.String(), TargetSeats: cfg.goal.Seats, Feasible: true, Steps: []planStep{}}
	if !cfg.until.IsZero() {
		pr.Until = cfg.until.Format(time.DateOnly)
	}
	for _, t := range cfg.pool {
		pr.Keys = append(pr.Keys, poolKey{Key: t.Key.String(), Seats: t.Seats})
	}
	r, err := plan.Plan(p, cfg.sub, cfg.pool, cfg.on, cfg.goal)
	var ie *plan.InfeasibleError
	switch {
	case errors.As(err, &ie):
		pr.Feasible, pr.Infeasible = false, err.Error()
		r = ie.Nearest
	case err != nil:
		return res, usagef("-keys: no plan: %v", err)
	}
	res.Plan = pr
	if len(r.Steps) == 0 {
		return res, nil
	}
	pr.Exhaustive = r.Exhaustive
	pr.Explain = r.Explain()
	for _, st := range r.Steps {
		pr.Steps = append(pr.Steps, planStep{Key: st.Key.String(), Op: st.Op.String(), Outcome: st.Outcome})
	}
	final := r.Final
	pr.Final = &final
	pr.SeatDays = &seatDays{Start: r.SeatDays.Start, Keys: r.SeatDays.Keys, Final: r.SeatDays.Final, Residue: r.SeatDays.Residue}
	pr.UseRights = checkUseRights(p, r.Final, cfg.until)
	for _, f := range r.Front {
		pr.Front = append(pr.Front, frontPoint{Seats: f.Final.Seats, End: f.Final.End.Format(time.DateOnly), Plan: f.Summary(),
			UseRights: checkUseRights(p, f.Final, cfg.until)})
	}
	return res, nil
}

// checkUseRights compares s with the program year's end (R13); nil without
// -until.
func checkUseRights(p activation.Policy, s activation.Subscription, until time.Time) *useRights {
	if until.IsZero() {
		return nil
	}
	u, err := plan.CheckUseRights(p, s, until)
	if err != nil {
		return nil // a plan's subscription always has a term; nothing to report otherwise
	}
	return &useRights{End: u.End.Format(time.DateOnly), ProgramEnd: u.ProgramEnd.Format(time.DateOnly),
		Beyond: u.Beyond, Lapse: u.Lapse, LapseInGrace: u.LapseInGrace, Finding: u.Finding().String(), Summary: u.String()}
}

// timelineOf returns the deadlines of s (R8, R9), nil for no subscription.
func timelineOf(p activation.Policy, s activation.Subscription) *timeline {
	if s.IsNone() {
		return nil
	}
	tl, err := p.Timeline(s)
	if err != nil {
		return nil
	}
	return &timeline{
		RenewFrom:    tl.RenewFrom.Format(time.DateOnly),
		End:          tl.End.Format(time.DateOnly),
		DisabledFrom: tl.DisabledFrom.Format(time.DateOnly),
		DeletedOn:    tl.DeletedOn.Format(time.DateOnly),
	}
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
	if pr := res.Plan; pr != nil {
		keys := make([]string, len(pr.Keys))
		for i, k := range pr.Keys {
			keys[i] = fmt.Sprintf("%s %d", k.Key[len(k.Key)-5:], k.Seats)
		}
		fmt.Fprintf(&b, "Keys: %d stand-ins (seats), %d months each, all redeemed on %s: %s\n", len(pr.Keys), res.KeyTerm, res.On, strings.Join(keys, ", "))
	} else {
		key := "(no -key given)"
		if res.Key != "" {
			key = res.Key
		}
		fmt.Fprintf(&b, "Key: %s, %d seats, %d months\n", key, res.KeySeats, res.KeyTerm)
	}
	fmt.Fprintf(&b, "Policy: %s (rounding %s, convention %s)\n", res.Policy, res.Rounding, res.Convention)
	if tl := res.Timeline; tl != nil {
		fmt.Fprintf(&b, "Deadlines (R8, R9): renew from %s; end %s; disabled from %s; deleted on %s\n",
			tl.RenewFrom, tl.End, tl.DisabledFrom, tl.DeletedOn)
	}
	b.WriteString("\n")
	if res.Plan != nil {
		res.Plan.writeText(&b)
		_, err := io.WriteString(w, b.String())
		return err
	}
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

// writeText prints the plan: the answer first, then its explanation.
func (pr *planResult) writeText(b *strings.Builder) {
	if !pr.Feasible {
		fmt.Fprintf(b, "Infeasible: %s.\n", strings.TrimPrefix(pr.Infeasible, "plan: "))
		if pr.Final == nil {
			b.WriteString("There is no plan to show.\n")
			return
		}
		b.WriteString("The nearest feasible plan follows; it does not reach the goal.\n\n")
	}
	if len(pr.Front) > 0 {
		fmt.Fprintf(b, "Trade-off: %d plans no other plan beats on both seats and end date, most seats first:\n", len(pr.Front))
		for _, f := range pr.Front {
			fmt.Fprintf(b, "  %d seats until %s", f.Seats, f.End)
			if f.UseRights != nil {
				fmt.Fprintf(b, ": %s", f.UseRights.Summary)
			}
			b.WriteString("\n")
		}
	} else {
		fmt.Fprintf(b, "Final: %d seats until %s\n", pr.Final.Seats, pr.Final.End.Format(time.DateOnly))
		if u := pr.UseRights; u != nil {
			fmt.Fprintf(b, "Use rights: %s\n", u.Summary)
		}
	}
	b.WriteString("\n")
	b.WriteString(pr.Explain)
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
