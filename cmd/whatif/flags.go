package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/cmd/internal/cli"
	"github.com/coterm/coterm/proration"
	"github.com/coterm/coterm/token"
)

// inputs holds every flag's value as typed. Each command registers the flags
// it has; the others stay empty. Every value is read as a string and checked
// after parsing, so that each error is one line naming the flag that never
// quotes a value (it may be a product key pasted in the wrong place).
type inputs struct {
	// The flags every command shares (addShared).
	seats, end, book, tenant, product, on string
	db                                    string
	policy, rounding, convention          string
	json                                  bool
	svg, until                            string

	keySeats, key, term       string // options (-term: plan too)
	keys, goal, target        string // plan
	reach                     string // need-end
	renewal                   bool   // the deprecated -renewal
	reachFlag, renewalAskedAs string // how messages name the question: "-reach" or "-need-end", "renewal" or "-renewal"
}

// addShared defines on fs the flags every command shares: the subscription
// (by numbers or from a book), the day, the policy, the output. svgDoc and
// untilDoc say what -svg draws and what -until means for the command.
func (in *inputs) addShared(fs *flag.FlagSet, svgDoc, untilDoc string) {
	fs.StringVar(&in.seats, "seats", "", "active `seats` of the subscription, 0 … 1,000,000,000 (0: no subscription yet, omit -end); not with -book")
	fs.StringVar(&in.end, "end", "", "the subscription's end `date` YYYY-MM-DD, the first day without service (required unless -seats 0 or -book)")
	fs.StringVar(&in.book, "book", "", "a history `file` (see replay): start from the subscription's state in it on -on; needs -tenant and -product")
	fs.StringVar(&in.db, "db", "", "instead of -book: the PostgreSQL `URL` of the book (see bookdb)")
	fs.StringVar(&in.tenant, "tenant", "", "with -book: the subscription's `tenant` (may contain \"/\")")
	fs.StringVar(&in.product, "product", "", "the `product` of the subscription and of the key (required)")
	fs.StringVar(&in.on, "on", "", "the redemption `date` YYYY-MM-DD (default today)")
	fs.StringVar(&in.policy, "policy", "partner-center", "the rules: "+strings.Join(activation.PolicyNames(), ", ")+" (or open2014)")
	fs.StringVar(&in.rounding, "rounding", "", "how fractions of days are rounded: half-even, half-up, down, up (default: the policy's, half-even)")
	fs.StringVar(&in.convention, "convention", "", "how extend turns months into days: calendar-months, exact-seat-days (default: the policy's, calendar-months)")
	fs.BoolVar(&in.json, "json", false, "print the result as JSON, for scripts")
	fs.StringVar(&in.svg, "svg", "", svgDoc)
	fs.StringVar(&in.until, "until", "", untilDoc)
}

// The texts of -svg and -until for the commands that draw the
// subscription's history.
const (
	historySVGDoc   = "with -book: write the subscription's history (end date and seats over time) and what is asked to `FILE` (SVG)"
	historyUntilDoc = "with -book and -svg: the program year's end `date` YYYY-MM-DD (R13), a line in the picture"
)

// The flags of each command beside the shared ones.

func (in *inputs) optionsFlags(fs *flag.FlagSet) {
	in.addKey(fs)
	in.addTerm(fs)
}

func (in *inputs) planFlags(fs *flag.FlagSet) {
	in.addPool(fs)
	in.addTerm(fs)
}

func (in *inputs) needEndFlags(fs *flag.FlagSet) {
	fs.StringVar(&in.reach, "reach", "", "the end `date` YYYY-MM-DD to reach (required)")
	in.reachFlag = "-reach"
}

func (in *inputs) renewalFlags(*flag.FlagSet) { in.renewalAskedAs = "renewal" }

// addKey defines the flags of the key options shows: its seats and, to
// check its syntax, the key itself.
func (in *inputs) addKey(fs *flag.FlagSet) {
	fs.StringVar(&in.keySeats, "key-seats", "", "`seats` of the key, 1 … 1,000,000,000: show every option")
	fs.StringVar(&in.key, "key", "", "the product `key` XXXXX-XXXXX-XXXXX-XXXXX-XXXXX, to check its syntax; only its masked form is printed")
}

// addPool defines the flags of plan but -until: the pool and the goal.
func (in *inputs) addPool(fs *flag.FlagSet) {
	fs.StringVar(&in.keys, "keys", "", "the `seats` of a pool of keys, all redeemed on -on, comma-separated, 1 … 20 keys (e.g. 25,25,50,100)")
	fs.StringVar(&in.goal, "goal", "", "most-seats (until -until; the default with -until), latest-end (needs -target-seats) or trade-off")
	fs.StringVar(&in.target, "target-seats", "", "with -goal latest-end: the `seats` the plan must keep, 1 … 1,000,000,000")
}

// addTerm defines -term, the term of the keys.
func (in *inputs) addTerm(fs *flag.FlagSet) {
	fs.StringVar(&in.term, "term", "", "the key's term in `months`, 1 … 36 (default: the policy's, 12)")
}

// parseFlags parses args, the arguments after the command's name (first is
// the position of args[0] on the command line, from 1), with fs alone. The
// flag package's own errors quote what was typed, which may be a product
// key; each is replaced by one generic message that names the flag, or the
// argument's position when the flag's name could hold a key, and never a
// value. A request for help (-h, -help) returns cli.ErrHelp.
func parseFlags(fs *flag.FlagSet, args []string, first int) error {
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	done := 0 // the arguments the flags parsed so far have taken
	fs.VisitAll(func(f *flag.Flag) {
		f.Value = watched{Value: f.Value, parsed: func() { done = len(args) - len(fs.Args()) }}
	})
	defer fs.VisitAll(func(f *flag.Flag) { f.Value = f.Value.(watched).Value })
	err := fs.Parse(args)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, flag.ErrHelp):
		return cli.ErrHelp
	}
	// The argument after the last flag parsed is the culprit: a flag
	// without its value or with a refused one, an unknown flag, or bad
	// syntax.
	return usagef("%s: unknown flag, or a missing or bad value (see %s -h)", culprit(args[done], first+done), fs.Name())
}

// watched is a flag's value that reports each value it accepts: the flag
// package has then taken the flag's arguments.
type watched struct {
	flag.Value
	parsed func()
}

func (w watched) Set(s string) error {
	err := w.Value.Set(s)
	if err == nil {
		w.parsed()
	}
	return err
}

func (w watched) IsBoolFlag() bool {
	b, ok := w.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// plainName is a flag's name that is safe to repeat: too short to hold a
// product key (25 characters at least), and plain.
var plainName = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_-]{0,23}$`)

// culprit names the argument s at position pos that the flag package
// refused: "-name" for a plain short name (every flag's name is one),
// otherwise "argument pos".
func culprit(s string, pos int) string {
	name := strings.TrimPrefix(strings.TrimPrefix(s, "-"), "-")
	name, _, _ = strings.Cut(name, "=")
	if plainName.MatchString(name) {
		return "-" + name
	}
	return "argument " + strconv.Itoa(pos)
}

// noArgs refuses arguments left after the flags: every input is a flag.
func noArgs(fs *flag.FlagSet) error {
	if fs.NArg() > 0 {
		return usagef("unexpected argument %d of %d: every input is a flag, and a key written with spaces must be quoted, -key 'XXXXX XXXXX …' (see -h)", 1, fs.NArg())
	}
	return nil
}

// shared reads the shared flags but -product and -on (finish reads them
// last), and -term: the policy, the output, the keys' term, and the subscription, by numbers (-seats,
// -end) or from a book (-book, -tenant) that answer reads later (fromBook).
// history says that -svg draws the subscription's history, which needs
// -book, and -until is a line in it; otherwise the command reads -until.
func (in *inputs) shared(cfg *config, history bool) error {
	if err := in.subject(cfg); err != nil {
		return err
	}
	var err error
	if cfg.tok.TermMonths, err = in.termMonths(); err != nil {
		return err
	}
	if !history {
		cfg.svg = in.svg
		return nil
	}
	if in.svg != "" && in.book == "" {
		return usagef("-svg: needs -book, the subscription's history to draw")
	}
	if in.until != "" && (in.book == "" || in.svg == "") {
		return usagef("-until: only with -book and -svg (a line in the picture)")
	}
	cfg.svg = in.svg
	if in.until == "" {
		return nil
	}
	cfg.until, err = date("-until", in.until)
	return err
}

// subject reads the policy, the output and the subscription.
func (in *inputs) subject(cfg *config) error {
	p, err := activation.PolicyByName(in.policy)
	if err != nil {
		return usagef("-policy: unknown policy, want one of %s (or open2014)", strings.Join(activation.PolicyNames(), ", "))
	}
	if in.rounding != "" {
		r, err := proration.ParseRounding(in.rounding)
		if err != nil {
			return usagef("-rounding: unknown rounding, want half-even, half-up, down or up")
		}
		p.Rounding = r
	}
	if in.convention != "" {
		c, err := proration.ParseConvention(in.convention)
		if err != nil {
			return usagef("-convention: unknown convention, want calendar-months or exact-seat-days")
		}
		p.Convention = c
	}
	cfg.policy, cfg.json = p, in.json

	if err := in.dbBook(cfg); err != nil {
		return err
	}
	if in.book != "" {
		if in.seats != "" || in.end != "" {
			return usagef("-book: given with -seats or -end: the subscription comes from the book or from numbers, not both")
		}
		if in.tenant == "" {
			return usagef("-tenant: missing: -book needs -tenant and -product, the subscription to start from")
		}
		if err := cli.CheckName(in.tenant); err != nil {
			return usagef("-tenant: %v", err)
		}
		cfg.book, cfg.tenant = in.book, in.tenant // byte for byte, as the book compares names
		return nil
	}
	if in.tenant != "" {
		return usagef("-tenant: only with -book (the history to look the subscription up in)")
	}
	n, err := required("-seats", in.seats, 0, "give the subscription's active seats, 0 … 1,000,000,000 (or -book)")
	if err != nil {
		return err
	}
	cfg.sub.Seats = n
	switch {
	case n == 0 && in.end != "":
		return usagef("-end: given with -seats 0: a tenant with no subscription has no end date")
	case n > 0 && in.end == "":
		return usagef("-end: missing: give the subscription's end date as YYYY-MM-DD")
	case n > 0:
		cfg.sub.End, err = date("-end", in.end)
	}
	return err
}

// termMonths reads -term: 0 (the policy's term) when not given or not a
// flag of the command.
func (in *inputs) termMonths() (int, error) {
	if in.term == "" {
		return 0, nil
	}
	m, err := strconv.Atoi(in.term)
	if err != nil || m < 1 || m > token.MaxTermMonths {
		return 0, usagef("-term: not a number of months 1 … %d", token.MaxTermMonths)
	}
	return m, nil
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
// redemption day (-on, default today).
func (in *inputs) finish(cfg *config, now func() time.Time) error {
	if err := needProduct(in.product); err != nil {
		return err
	}
	cfg.sub.Product, cfg.sub.Tenant, cfg.tok.Product = in.product, cfg.tenant, in.product
	if in.on == "" {
		y, m, d := now().Date()
		cfg.on = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		return nil
	}
	var err error
	cfg.on, err = date("-on", in.on)
	return err
}

// required is count of a flag that must be given; want says what to give.
func required(name, s string, lo int, want string) (int, error) {
	if s == "" {
		return 0, usagef("%s: missing: %s", name, want)
	}
	return count(name, s, lo)
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

// printFlags writes fs's flags, as the flag package documents them, to w.
func printFlags(fs *flag.FlagSet, w io.Writer) {
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
	fmt.Fprint(w, "\n"+cli.ExitTable)
}
