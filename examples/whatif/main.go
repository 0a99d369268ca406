// Whatif shows, before a product key is spent, every way it could be redeemed
// against a subscription on a given day: for a partner admin who does not
// write Go.
//
// Usage:
//
//	go run ./examples/whatif -seats 100 -end 2027-03-01 -product M365-E3 -key-seats 25 [flags]
//	go run ./examples/whatif -book history.csv -tenant contoso -product M365-E3 -key-seats 25 [flags]
//
// The subscription is given by numbers (-seats, -end) or taken from a book:
// -book FILE -tenant T -product P replays the history file (the format of
// examples/replay) and starts from that subscription's state in the book on
// -on (its records up to that day; none before its first). Rows of the file
// the book rejects are counted on standard error (replay lists them); the
// exit status is the question's. For example
//
//	go run ./examples/whatif -seats 100 -end 2027-03-01 -product M365-E3 -key-seats 25 -on 2026-12-01
//
// prints the subscription's state on that day and its deadlines (renew window,
// end date, disabled from, deleted on: R8, R9), then one row per operation —
// add licenses (R4), extend end date (R5, R6), renew (R9), activate (R7) —
// side by side: the seats and end date after, how many days the end date
// moves, the seat-days before and after, and the library's explanation. An
// operation the rules refuse is shown as refused with one short reason: the
// state and since when (R7, R9), or the extension cap with the largest key
// accepted (R6).
//
// # The inverse questions
//
// -need-end DATE answers "which key reaches this end date?" both ways: the
// smallest key that extends the end date to DATE or later and whether the
// cap (R6) allows it, and the keys that reach it by add licenses (R4), which
// can move the end date no later than a year from -on. -renewal answers
// "when can a renewal key be redeemed without losing days?" (R8, R9).
//
// # Planning a pool of keys
//
// With -keys instead of -key-seats, whatif plans a pool of keys (package
// activation/plan): which keys, in which order, as add licenses or extend end
// date, all redeemed on -on, so that the subscription reaches a goal. For
// example
//
//	go run ./examples/whatif -seats 100 -end 2027-03-01 -product M365-E3 -on 2026-12-01 -keys 25,25,50,100 -until 2028-03-01
//
// answers "the most seats that still run until the program year ends":
// 175 seats until 2028-03-15 (add 25 and 50, then extend with 100 and 25),
// 14 days past the use rights (R13). It prints the answer, the use-rights
// check against -until (the days the subscription runs past its use rights,
// or lapses before them), and the plan explained step by step with the
// seat-day account. The keys are stand-ins named by the last group of their
// masked form, KEY01 for the first of -keys. A goal no plan reaches is a
// negative answer: whatif says so, prints the nearest feasible plan, and
// exits 1.
//
// # Pictures
//
// -svg FILE writes a picture: with -book, the subscription's end date over
// time (a step at each record, the lifecycle bands after the end, the
// program year's end -until when given); with -keys, the trade-off between
// seats and end date of the plans no other plan beats, with the chosen plan
// and the program year's end.
//
// Flags:
//
//	-seats N          active seats of the subscription, 0 … 1,000,000,000 (0: no subscription yet,
//	                  and -end must be omitted); not with -book
//	-end YYYY-MM-DD   the subscription's end date, the first day without service (required unless -seats 0)
//	-book FILE        a history file (see examples/replay): the subscription's state on -on in it
//	-tenant T         with -book: the subscription's tenant (tenants may contain "/")
//	-product P        the product of the subscription and of the key (required)
//	-key-seats N      seats of the key, 1 … 1,000,000,000: show every option
//	-on YYYY-MM-DD    the redemption day (default: today)
//	-policy NAME      partner-center (default), open-2014 (or open2014), direct-purchase,
//	                  enterprise-multi-year, volume-licensing: activation.PolicyByName
//	-rounding NAME    half-even (default), half-up, down, up
//	-convention NAME  calendar-months (default), exact-seat-days
//	-key KEY          the product key, to check its syntax; only its masked form is printed
//	-term MONTHS      the key's term in months, 1 … 36 (default: the policy's, 12)
//	-need-end DATE    the smallest key that reaches DATE, by extend end date and by add licenses
//	-renewal          the days a renewal key can be redeemed without losing days
//	-json             print the same as JSON, for scripts (camelCase names, as the library's Outcome)
//	-svg FILE         with -book or -keys: write a picture (SVG)
//
// Planner flags:
//
//	-keys N,N,…       seats of a pool of 1 … 20 keys, all redeemed on -on, instead of -key-seats
//	-until YYYY-MM-DD the program year's end, the first day without use rights (R13): the end date to
//	                  reach, and what the use-rights check compares with; with -book -svg, a line
//	-goal NAME        most-seats (the most seats until -until; the default with -until),
//	                  latest-end (the latest end with at least -target-seats seats) or
//	                  trade-off (every plan no other beats on both seats and end date)
//	-target-seats N   with -goal latest-end: the seats to keep, 1 … 1,000,000,000
//
// Exactly one question: -key-seats, -keys, -need-end or -renewal.
//
// Exit status (the same for replay):
//
//	0  done: a question answered (a refused option is an answer too)
//	1  a negative answer: a goal no plan reaches; an end date no key reaches;
//	   a subscription not in the book (-tenant, -product; names compare
//	   exactly, spaces and case included)
//	2  bad usage: an unknown flag, a missing or bad value (one line on standard error
//	   naming the flag; the value is never echoed)
//	3  the input cannot be read at all: a missing -book file, a bad header
//
// go run reports any status other than 0 as its own exit status 1 (and
// prints "exit status N"): a script that acts on the status builds the
// program first, go build -o whatif ./examples/whatif, and runs ./whatif.
//
// No output line holds a product key in clear or a raw control character.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/activation/plan"
	"github.com/coterm/coterm/examples/internal/cli"
	"github.com/coterm/coterm/examples/internal/history"
	"github.com/coterm/coterm/examples/internal/picture"
	"github.com/coterm/coterm/proration"
	"github.com/coterm/coterm/token"
)

func main() {
	os.Exit(exitCode(run(os.Args[1:], os.Stdout, os.Stderr)))
}

// run is the program with the real clock: -on defaults to today.
func run(args []string, stdout, stderr io.Writer) error {
	return runAt(args, stdout, stderr, time.Now)
}

// exitCode is the exit status for run's error: the table in the package
// documentation, shared with replay.
func exitCode(err error) int { return cli.ExitCode(err) }

// usagef is a bad-usage error (exit status 2).
func usagef(format string, args ...any) error { return cli.Usagef(format, args...) }

// config is the parsed command line.
type config struct {
	sub      activation.Subscription
	tok      token.Token
	keyGiven bool
	on       time.Time
	policy   activation.Policy
	json     bool
	svg      string // -svg FILE

	// The book (-book): the file, the subscription's tenant, and what it
	// says (filled by fromBook).
	book   string
	tenant string
	hist   []activation.Record // its records up to -on
	later  int                 // its records after -on
	notes  []string            // for standard error: rows the book rejected

	// The question: one of these.
	needEnd time.Time // -need-end
	renewal bool      // -renewal

	// Planner mode (-keys): a pool of keys redeemed on -on, a goal, and
	// the program year's end for the use-rights check (R13).
	pool  []token.Token // nil unless -keys
	goal  plan.Goal
	until time.Time // zero unless -until
}

// runAt is run with the clock as a parameter, for tests. Everything it
// writes goes through a cli.Output: no key in clear, no control character.
func runAt(args []string, stdout, stderr io.Writer, now func() time.Time) error {
	return cli.Run("whatif", stdout, stderr, func(out, errOut *cli.Output) error {
		return answer(args, out, errOut, now)
	})
}

func answer(args []string, out, errOut *cli.Output, now func() time.Time) error {
	cfg, err := parse(args, errOut, now)
	if err != nil {
		return err
	}
	if cfg.book != "" {
		if err := fromBook(&cfg); err != nil {
			return err
		}
		for _, n := range cfg.notes {
			fmt.Fprintf(errOut, "whatif: %s\n", n)
		}
	}
	var res result
	switch {
	case cfg.pool != nil:
		if res, err = computePlan(cfg); err != nil {
			return err
		}
	case !cfg.needEnd.IsZero():
		if res, err = computeNeedEnd(cfg); err != nil {
			return err
		}
	case cfg.renewal:
		if res, err = computeRenewal(cfg); err != nil {
			return err
		}
	default:
		res = compute(cfg)
	}
	if cfg.json {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(res); err != nil {
			return err
		}
	} else if err := res.writeText(out); err != nil {
		return err
	}
	if cfg.svg != "" {
		if err := drawSVG(cfg, res); err != nil {
			return err
		}
	}
	if res.negative() {
		return cli.ErrNegative
	}
	return nil
}

// parse reads the flags. Every flag is read as a string and checked here, so
// that each error is one line naming the flag, and cli.Parse never lets the
// flag package echo a value (it would echo a product key in clear).
func parse(args []string, stderr io.Writer, now func() time.Time) (config, error) {
	fs := flag.NewFlagSet("whatif", flag.ContinueOnError)
	var (
		seats      = fs.String("seats", "", "active `seats` of the subscription, 0 … 1,000,000,000 (0: no subscription yet, omit -end); not with -book")
		end        = fs.String("end", "", "the subscription's end `date` YYYY-MM-DD, the first day without service (required unless -seats 0 or -book)")
		book       = fs.String("book", "", "a history `file` (see replay): start from the subscription's state in it on -on; needs -tenant and -product")
		tenant     = fs.String("tenant", "", "with -book: the subscription's `tenant` (may contain \"/\")")
		keySeats   = fs.String("key-seats", "", "`seats` of the key, 1 … 1,000,000,000: show every option")
		on         = fs.String("on", "", "the redemption `date` YYYY-MM-DD (default today)")
		policy     = fs.String("policy", "partner-center", "the rules: "+strings.Join(activation.PolicyNames(), ", ")+" (or open2014)")
		rounding   = fs.String("rounding", "", "how fractions of days are rounded: half-even, half-up, down, up (default: the policy's, half-even)")
		convention = fs.String("convention", "", "how extend turns months into days: calendar-months, exact-seat-days (default: the policy's, calendar-months)")
		key        = fs.String("key", "", "the product `key` XXXXX-XXXXX-XXXXX-XXXXX-XXXXX, to check its syntax; only its masked form is printed")
		product    = fs.String("product", "", "the `product` of the subscription and of the key (required)")
		term       = fs.String("term", "", "the key's term in `months`, 1 … 36 (default: the policy's, 12)")
		asJSON     = fs.Bool("json", false, "print the result as JSON, for scripts")
		needEnd    = fs.String("need-end", "", "the smallest key that reaches this end `date` YYYY-MM-DD, by extend end date and by add licenses")
		renewal    = fs.Bool("renewal", false, "the days a renewal key can be redeemed without losing days (R8, R9)")
		svg        = fs.String("svg", "", "with -book or -keys: write a picture to `FILE` (SVG)")
		keys       = fs.String("keys", "", "plan a pool of keys, all redeemed on -on: their `seats`, comma-separated, 1 … 20 keys (e.g. 25,25,50,100); instead of -key-seats")
		until      = fs.String("until", "", "with -keys: the program year's end `date` YYYY-MM-DD, the first day without use rights (R13); the plan's target end date; with -book -svg: a line")
		goal       = fs.String("goal", "", "with -keys: most-seats (until -until; the default with -until), latest-end (needs -target-seats) or trade-off")
		target     = fs.String("target-seats", "", "with -goal latest-end: the `seats` the plan must keep, 1 … 1,000,000,000")
	)
	if err := cli.Parse(fs, args); err != nil {
		if err == cli.ErrHelp {
			printUsage(fs, stderr)
		}
		return config{}, err
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

	if *book != "" {
		if *seats != "" || *end != "" {
			return cfg, usagef("-book: given with -seats or -end: the subscription comes from the book or from numbers, not both")
		}
		if *tenant == "" {
			return cfg, usagef("-tenant: missing: -book needs -tenant and -product, the subscription to start from")
		}
		if err := cli.CheckName(*tenant); err != nil {
			return cfg, usagef("-tenant: %v", err)
		}
		cfg.book, cfg.tenant = *book, *tenant // byte for byte, as the book compares names
	} else {
		if *tenant != "" {
			return cfg, usagef("-tenant: only with -book (the history to look the subscription up in)")
		}
		if *seats == "" {
			return cfg, usagef("-seats: missing: give the subscription's active seats, 0 … 1,000,000,000 (or -book)")
		}
		n, err := count("-seats", *seats, 0)
		if err != nil {
			return cfg, err
		}
		cfg.sub.Seats = n
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
	}

	termMonths := 0
	if *term != "" {
		m, err := strconv.Atoi(*term)
		if err != nil || m < 1 || m > token.MaxTermMonths {
			return cfg, usagef("-term: not a number of months 1 … %d", token.MaxTermMonths)
		}
		termMonths = m
	}
	if *svg != "" {
		if *book == "" && *keys == "" {
			return cfg, usagef("-svg: needs -book (the subscription's history) or -keys (the plans' trade-off)")
		}
		cfg.svg = *svg
	}

	questions := 0
	for _, q := range []bool{*keySeats != "", *keys != "", *needEnd != "", *renewal} {
		if q {
			questions++
		}
	}
	switch {
	case questions == 0:
		return cfg, usagef("-key-seats: missing: give the key's seats, 1 … 1,000,000,000 (or -keys, -need-end or -renewal)")
	case questions > 1 && *keys != "" && *keySeats != "":
		return cfg, usagef("-keys: given with -key-seats: give -key-seats for one key (every option) or -keys for a pool (a plan)")
	case questions > 1:
		return cfg, usagef("-key-seats, -keys, -need-end, -renewal: give exactly one question")
	}
	if *keys != "" {
		if *key != "" {
			return cfg, usagef("-key: given with -keys: a plan uses stand-in keys; check a key's syntax with -key-seats")
		}
		if err := needProduct(*product); err != nil {
			return cfg, err
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
		return cfg, finish(&cfg, *product, *on, now)
	}
	for _, f := range []struct{ name, val string }{{"-goal", *goal}, {"-target-seats", *target}} {
		if f.val != "" {
			return cfg, usagef("%s: only with -keys (a pool of keys to plan)", f.name)
		}
	}
	if *until != "" {
		if cfg.book == "" || cfg.svg == "" {
			return cfg, usagef("-until: only with -keys (a pool of keys to plan), or with -book and -svg (a line in the picture)")
		}
		if cfg.until, err = date("-until", *until); err != nil {
			return cfg, err
		}
	}
	if *needEnd != "" || *renewal {
		if *key != "" || *term != "" {
			return cfg, usagef("-key, -term: only with -key-seats or -keys: the inverse questions use keys of the policy's term")
		}
		if *needEnd != "" {
			if cfg.needEnd, err = date("-need-end", *needEnd); err != nil {
				return cfg, err
			}
		}
		cfg.renewal = *renewal
		return cfg, finish(&cfg, *product, *on, now)
	}
	ks, err := count("-key-seats", *keySeats, 1)
	if err != nil {
		return cfg, err
	}
	cfg.tok = token.Token{Seats: ks, TermMonths: termMonths}
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
	return cfg, finish(&cfg, *product, *on, now)
}

// needProduct checks -product: required, never invented.
func needProduct(product string) error {
	if product == "" {
		return usagef("-product: missing: give the product of the subscription and of the key")
	}
	if strings.TrimSpace(product) == "" {
		return usagef("-product: empty: give the product name")
	}
	if err := cli.CheckName(product); err != nil {
		return usagef("-product: %v", err)
	}
	return nil
}

// finish checks -product, which every question needs, and sets it and the
// redemption day.
func finish(cfg *config, product, on string, now func() time.Time) error {
	if err := needProduct(product); err != nil {
		return err
	}
	cfg.sub.Product, cfg.sub.Tenant, cfg.tok.Product = product, cfg.tenant, product
	if on == "" {
		y, m, d := now().Date()
		cfg.on = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		return nil
	}
	var err error
	cfg.on, err = date("-on", on)
	return err
}

// fromBook replays the -book file and takes the subscription's state on -on:
// the After of its last record on or before -on, none before its first.
func fromBook(cfg *config) error {
	f, err := os.Open(cfg.book)
	if err != nil {
		return cli.Unreadablef("-book: cannot open the history file: %s", cli.Reason(err))
	}
	defer f.Close()
	rd, err := history.NewReader(f)
	if err != nil {
		return cli.Unreadablef("-book: %v", err)
	}
	ctx := context.Background()
	book := &activation.Book{Policy: cfg.policy, Journal: activation.NewMemoryJournal()}
	ld := history.NewLoader(book)
	for {
		_, err := ld.Next(ctx, rd)
		if err == io.EOF {
			break
		}
		if err != nil {
			return cli.Unreadablef("-book: %v", err)
		}
	}
	if n := ld.Counts.Rejected; n > 0 {
		cfg.notes = append(cfg.notes, fmt.Sprintf("the book has %s; replay it to see them", cli.Plural(n, "rejected row")))
	}
	recs, err := book.History(ctx, cfg.tenant, cfg.sub.Product)
	if err != nil {
		return err
	}
	if len(recs) == 0 {
		return cli.Negativef("-tenant, -product: no such subscription in the book (tenants and products compare exactly, case included)")
	}
	cfg.sub = activation.Subscription{Tenant: cfg.tenant, Product: cfg.sub.Product}
	for i, r := range recs {
		if r.Outcome.At.After(cfg.on) {
			cfg.later = len(recs) - i
			break
		}
		cfg.hist = append(cfg.hist, r)
		cfg.sub = r.Outcome.After
	}
	return nil
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
		goal = "most-seats"
	}
	kind, err := plan.ParseGoalKind(goal)
	if err != nil {
		return plan.Goal{}, usagef("-goal: unknown goal, want most-seats, latest-end or trade-off")
	}
	if target != "" && kind != plan.LatestEnd {
		return plan.Goal{}, usagef("-target-seats: only with -goal latest-end")
	}
	switch kind {
	case plan.MostSeats:
		if until.IsZero() {
			return plan.Goal{}, usagef("-goal most-seats: needs -until YYYY-MM-DD, the end date to reach")
		}
		return plan.ReachEnd(until), nil
	case plan.LatestEnd:
		if target == "" {
			return plan.Goal{}, usagef("-goal latest-end: needs -target-seats N, the seats to keep")
		}
		n, err := count("-target-seats", target, 1)
		if err != nil {
			return plan.Goal{}, err
		}
		return plan.ReachSeats(n), nil
	default:
		return plan.AllTradeOffs(), nil
	}
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

// date parses YYYY-MM-DD strictly; an impossible date says why.
func date(name, s string) (time.Time, error) {
	d, err := cli.ParseDate(s)
	if err != nil {
		return time.Time{}, usagef("%s: %v", name, err)
	}
	return d, nil
}

func printUsage(fs *flag.FlagSet, w io.Writer) {
	fs.SetOutput(w)
	fmt.Fprintf(w, `usage: whatif -seats N -end YYYY-MM-DD -product P -key-seats N [flags]
       whatif -book FILE -tenant T -product P -key-seats N [flags]
       whatif ... -keys N,N,... -until YYYY-MM-DD [-goal NAME] [flags]
       whatif ... -need-end YYYY-MM-DD | -renewal

Shows every way a product key could be redeemed against a subscription on a
day, side by side, before the key is spent: add licenses (R4), extend end
date (R5, R6), renew (R9), activate (R7); refused options with their reason;
the subscription's state and deadlines (R8). The subscription is given by
numbers, or taken from a history file (-book) on -on.

With -need-end, the smallest key that reaches an end date, both ways; with
-renewal, the days a renewal loses none. With -keys, plans a pool of keys:
which keys, in which order, as add licenses or extend end date, so that the
subscription reaches the goal, and how its end compares with the program
year's end -until (R13). An infeasible goal prints the nearest feasible plan.

Flags:
`)
	fs.PrintDefaults()
	fmt.Fprint(w, "\n"+cli.ExitTable)
	fs.SetOutput(io.Discard)
}

// result is what whatif prints, as text or as JSON.
type result struct {
	Policy       string                  `json:"policy"`
	Rounding     string                  `json:"rounding"`
	Convention   string                  `json:"convention"`
	On           string                  `json:"on"`
	Key          string                  `json:"key,omitempty"`      // masked
	KeySeats     int                     `json:"keySeats,omitempty"` // 0 with -keys
	KeyTerm      int                     `json:"keyTermMonths"`
	Subscription activation.Subscription `json:"subscription"`
	State        string                  `json:"state"`
	Timeline     *timeline               `json:"timeline,omitempty"`
	Book         *bookInfo               `json:"book,omitempty"`    // where the subscription comes from (-book)
	Options      []option                `json:"options,omitempty"` // every option of one key (-key-seats)
	Plan         *planResult             `json:"plan,omitempty"`    // the plan for a pool (-keys)
	NeedEnd      *needEndResult          `json:"needEnd,omitempty"` // -need-end
	Renewal      *renewalResult          `json:"renewal,omitempty"` // -renewal
}

// bookInfo says which records of the book the subscription's state comes
// from.
type bookInfo struct {
	Tenant  string `json:"tenant"`
	Records int    `json:"records"` // on or before -on
	Later   int    `json:"later"`   // after -on, not used
	Last    string `json:"last,omitempty"`
}

// needEndResult answers -need-end both ways.
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

// renewalResult answers -renewal.
type renewalResult struct {
	Opens         string `json:"opens"`
	OK            bool   `json:"ok"`
	First         string `json:"first,omitempty"`
	Last          string `json:"last,omitempty"`
	EndIfFirst    string `json:"endIfFirst,omitempty"`
	EndIfLast     string `json:"endIfLast,omitempty"`
	LostIfEarlier int    `json:"lostIfEarlier"`
}

// negative reports whether the answer is negative (exit status 1): a goal no
// plan reaches, an end date no key reaches.
func (res result) negative() bool {
	switch {
	case res.Plan != nil:
		return !res.Plan.Feasible
	case res.NeedEnd != nil:
		n := res.NeedEnd
		return !n.Reached && !n.ExtendAllowed && n.AddMin == 0
	}
	return false
}

// planResult is the planner's answer (-keys), as text or as JSON.
type planResult struct {
	Goal        string    `json:"goal"`                  // most-seats, latest-end or trade-off
	TargetSeats int       `json:"targetSeats,omitempty"` // latest-end
	Until       string    `json:"until,omitempty"`       // the program year's end, first day without use rights
	Keys        []poolKey `json:"keys"`
	// Feasible is false when no plan reaches the goal: Infeasible says why,
	// and the rest describes the nearest feasible plan (if any).
	Feasible   bool                     `json:"feasible"`
	Infeasible string                   `json:"infeasible,omitempty"`
	Exhaustive bool                     `json:"exhaustive"`
	Steps      []planStep               `json:"steps"`
	Final      *activation.Subscription `json:"final,omitempty"`
	SeatDays   *seatDays                `json:"seatDays,omitempty"`
	UseRights  *useRights               `json:"useRights,omitempty"`
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
	ProgramEnd   string `json:"programEnd"`
	Beyond       int    `json:"daysBeyond"`
	Lapse        int    `json:"daysLapse"`
	LapseInGrace int    `json:"daysLapseInGrace"`
	Finding      string `json:"finding"`
	Summary      string `json:"summary"`
}

type frontPoint struct {
	Seats     int        `json:"seats"`
	End       string     `json:"end"`
	Plan      string     `json:"plan"`
	UseRights *useRights `json:"useRights,omitempty"`
}

type timeline struct {
	RenewFrom    string `json:"renewFrom"`
	End          string `json:"end"`
	DisabledFrom string `json:"disabledFrom"`
	DeletedOn    string `json:"deletedOn"`
}

type option struct {
	Op          string              `json:"op"`
	Allowed     bool                `json:"allowed"`
	Outcome     *activation.Outcome `json:"outcome,omitempty"`
	Refused     string              `json:"refused,omitempty"`
	Short       string              `json:"short,omitempty"`       // the refusal in a few words, as the table shows it
	MaxKeySeats int                 `json:"maxKeySeats,omitempty"` // for a refusal by the cap (R6)
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
		Book:         bookOf(cfg),
	}
}

func bookOf(cfg config) *bookInfo {
	if cfg.book == "" {
		return nil
	}
	b := &bookInfo{Tenant: cfg.tenant, Records: len(cfg.hist), Later: cfg.later}
	if n := len(cfg.hist); n > 0 {
		o := cfg.hist[n-1].Outcome
		b.Last = fmt.Sprintf("#%d %s %s", cfg.hist[n-1].Seq, o.At.Format(time.DateOnly), o.Op)
	}
	return b
}

func compute(cfg config) result {
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
		return short(err)
	}
}

// short is a refusal in a few words, for the table: never an error chain.
func short(err error) string {
	var (
		ce *proration.CapError
		na *activation.NotAllowedError
	)
	switch {
	case errors.As(err, &ce):
		return fmt.Sprintf("over the cap (R6): at most %s seats", group(int64(ce.MaxKeySeats)))
	case errors.As(err, &na):
		s := "not while " + na.State.String()
		if !na.Opens.IsZero() {
			s += "; from " + na.Opens.Format(time.DateOnly)
		}
		return s
	case errors.Is(err, activation.ErrProductMismatch):
		return "the key is for another product"
	case errors.Is(err, activation.ErrSeatLimit):
		return "more than 1,000,000,000 seats"
	case errors.Is(err, activation.ErrInvalid):
		return "invalid input"
	}
	return "refused"
}

// writeText prints the result for a person.
func (res result) writeText(w io.Writer) error {
	var b strings.Builder
	sub := res.Subscription
	name := sub.Product
	if sub.Tenant != "" {
		name = sub.Tenant + "/" + sub.Product
	}
	if sub.IsNone() {
		fmt.Fprintf(&b, "Subscription: none yet (%s); state on %s: %s\n", name, res.On, res.State)
	} else {
		fmt.Fprintf(&b, "Subscription: %s of %s, end date %s; state on %s: %s\n",
			cli.Plural(sub.Seats, "seat"), name, sub.End.Format(time.DateOnly), res.On, res.State)
	}
	if bk := res.Book; bk != nil {
		switch {
		case bk.Records == 0:
			fmt.Fprintf(&b, "From the book: no record on or before %s", res.On)
		default:
			fmt.Fprintf(&b, "From the book: %s on or before %s, the last %s", cli.Plural(bk.Records, "record"), res.On, bk.Last)
		}
		if bk.Later > 0 {
			fmt.Fprintf(&b, "; %s not used", cli.Plural(bk.Later, "later record"))
		}
		b.WriteString("\n")
	}
	switch pr := res.Plan; {
	case res.NeedEnd != nil || res.Renewal != nil:
		fmt.Fprintf(&b, "Keys: %d months each (the policy's term)\n", res.KeyTerm)
	case pr != nil:
		keys := make([]string, len(pr.Keys))
		for i, k := range pr.Keys {
			keys[i] = fmt.Sprintf("%s %d", k.Key[len(k.Key)-5:], k.Seats)
		}
		fmt.Fprintf(&b, "Keys: %s (seats), %d months each, all redeemed on %s: %s\n", cli.Plural(len(pr.Keys), "stand-in"), res.KeyTerm, res.On, strings.Join(keys, ", "))
	default:
		key := "(no -key given)"
		if res.Key != "" {
			key = res.Key
		}
		fmt.Fprintf(&b, "Key: %s, %s, %d months\n", key, cli.Plural(res.KeySeats, "seat"), res.KeyTerm)
	}
	fmt.Fprintf(&b, "Policy: %s (rounding %s, convention %s)\n", res.Policy, res.Rounding, res.Convention)
	if tl := res.Timeline; tl != nil {
		fmt.Fprintf(&b, "Deadlines (R8, R9): renew from %s; end %s; disabled from %s; deleted on %s\n",
			tl.RenewFrom, tl.End, tl.DisabledFrom, tl.DeletedOn)
	}
	b.WriteString("\n")
	switch {
	case res.Plan != nil:
		res.Plan.writeText(&b)
		_, err := io.WriteString(w, b.String())
		return err
	case res.NeedEnd != nil:
		res.NeedEnd.writeText(&b, res.On)
		_, err := io.WriteString(w, b.String())
		return err
	case res.Renewal != nil:
		res.Renewal.writeText(&b, res.On)
		_, err := io.WriteString(w, b.String())
		return err
	}
	// The columns are as wide as the header and the allowed rows; a refused
	// row is its option and one reason, wherever it lies (text/tabwriter
	// would end the columns at it).
	rows := [][]string{{"OPTION", "SEATS", "NEW END", "END MOVES (DAYS)", "SEAT-DAYS BEFORE → AFTER"}}
	for _, o := range res.Options {
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
	writeTable(&b, rows)
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
		fmt.Fprintf(b, "Trade-off: %s no other plan beats on both seats and end date, most seats first:\n", cli.Plural(len(pr.Front), "plan"))
		for _, f := range pr.Front {
			fmt.Fprintf(b, "  %s until %s", cli.Plural(f.Seats, "seat"), f.End)
			if f.UseRights != nil {
				fmt.Fprintf(b, ": %s", f.UseRights.Summary)
			}
			b.WriteString("\n")
		}
	} else {
		fmt.Fprintf(b, "Final: %s until %s\n", cli.Plural(pr.Final.Seats, "seat"), pr.Final.End.Format(time.DateOnly))
		if u := pr.UseRights; u != nil {
			fmt.Fprintf(b, "Use rights: %s\n", u.Summary)
		}
	}
	b.WriteString("\n")
	b.WriteString(pr.Explain)
}

// writeTable writes rows in columns two spaces apart, each as wide as its
// widest cell; the last cell of a row shorter than the first (the header)
// runs on over the columns it lacks.
func writeTable(b *strings.Builder, rows [][]string) {
	width := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, c := range r {
			if i == len(r)-1 && len(r) < len(width) {
				break // runs on
			}
			width[i] = max(width[i], utf8.RuneCountInString(c))
		}
	}
	for _, r := range rows {
		for i, c := range r {
			b.WriteString(c)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", max(width[i]-utf8.RuneCountInString(c), 0)+2))
			}
		}
		b.WriteByte('\n')
	}
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

// computeNeedEnd answers -need-end with plan.ExtendKeyFor and plan.AddKeyFor.
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
	var na *activation.NotAllowedError
	switch {
	case errors.As(err, &na):
		n.ExtendRefused = reason(err)
	case err != nil:
		return res, usagef("-need-end: %s", short(err))
	default:
		n.Reached = ext.Reached
		n.ExtendSeats, n.ExtendAllowed, n.MaxKeySeats = ext.Seats, ext.Allowed, ext.MaxKey
		if !ext.MaxEnd.IsZero() {
			n.MaxEnd = ext.MaxEnd.Format(time.DateOnly)
		}
		if ext.Allowed {
			o := ext.Outcome
			o.Token.Key = token.Key{} // a hypothetical key: marshal none
			n.ExtendOutcome = &o
		}
	}
	add, err := plan.AddKeyFor(p, cfg.sub, cfg.on, cfg.needEnd)
	switch {
	case errors.As(err, &na):
		n.AddRefused = reason(err)
	case err != nil:
		return res, usagef("-need-end: %s", short(err))
	default:
		n.AddMin, n.AddMax, n.AddLimit = add.Min, add.Max, add.Limit.Format(time.DateOnly)
		if add.Reachable() {
			o := add.Outcome
			o.Token.Key = token.Key{}
			n.AddOutcome = &o
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

// computeRenewal answers -renewal with plan.Renewal.
func computeRenewal(cfg config) (result, error) {
	res := header(cfg, 0)
	if cfg.sub.IsNone() {
		return res, usagef("-renewal: the subscription has none to renew (no seats, no end date)")
	}
	r, err := plan.Renewal(cfg.policy, cfg.sub, cfg.on)
	if err != nil {
		return res, usagef("-renewal: %s", short(err))
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

// drawSVG writes the picture of -svg: the subscription's history (-book),
// or the plans' trade-off (-keys).
func drawSVG(cfg config, res result) error {
	var (
		svg string
		err error
	)
	switch {
	case cfg.pool != nil:
		svg, err = frontSVG(cfg, res)
	default:
		if len(cfg.hist) == 0 {
			return usagef("-svg: the book has no record of the subscription on or before -on to draw")
		}
		svg, err = picture.Subscription(picture.SubscriptionChart{
			Title:      cfg.tenant + " / " + cfg.sub.Product,
			Steps:      picture.StepsOf(cfg.policy, cfg.hist),
			ProgramEnd: cfg.until,
		})
	}
	if err != nil {
		return err
	}
	return cli.WriteFile("-svg", cfg.svg, svg)
}

// frontSVG draws the trade-off of the pool: the front of -goal trade-off, or,
// for another goal, the front computed beside it with the chosen plan
// marked.
func frontSVG(cfg config, res result) (string, error) {
	pr := res.Plan
	front := pr.Front
	if len(front) == 0 {
		r, err := plan.Plan(cfg.policy, cfg.sub, cfg.pool, cfg.on, plan.AllTradeOffs())
		if err != nil {
			return "", usagef("-svg: no plan to draw: %s", short(err))
		}
		for _, f := range r.Front {
			front = append(front, frontPoint{Seats: f.Final.Seats, End: f.Final.End.Format(time.DateOnly), Plan: f.Summary()})
		}
	}
	var pts []picture.Point
	for _, f := range front {
		end, err := time.Parse(time.DateOnly, f.End)
		if err != nil {
			return "", err
		}
		chosen := pr.Final != nil && len(pr.Front) == 0 && pr.Feasible && f.Seats == pr.Final.Seats && f.End == pr.Final.End.Format(time.DateOnly)
		pts = append(pts, picture.Point{Seats: f.Seats, End: end, Plan: f.Plan, Chosen: chosen})
	}
	if len(pts) == 0 {
		return "", usagef("-svg: no order of the keys is accepted: no plan to draw")
	}
	ch := picture.FrontChart{
		Title:      fmt.Sprintf("Plans for %s on %s: seats against end date", cli.Plural(len(cfg.pool), "key"), res.On),
		Points:     pts,
		ProgramEnd: cfg.until,
	}
	if !cfg.sub.IsNone() {
		ch.Start = picture.Point{Seats: cfg.sub.Seats, End: cfg.sub.End}
	}
	return picture.Front(ch)
}
