// Whatif shows, before a product key is spent, what redeeming it could do
// to a subscription on a given day: for a partner admin who does not write
// Go. It answers one question per command:
//
//	options   every way one key could be redeemed, side by side (R4–R9)
//	need-end  the smallest key that reaches an end date, both ways (R4–R6)
//	renewal   the days a renewal key can be redeemed without losing days (R8, R9)
//	plan      which keys of a pool, in which order and how, reach a goal (R13)
//
// Usage:
//
//	go run ./whatif options -seats 100 -end 2027-03-01 -product M365-E3 -key-seats 25 [flags]
//	go run ./whatif need-end -seats 100 -end 2027-03-01 -product M365-E3 -reach 2029-06-01 [flags]
//	go run ./whatif renewal -seats 100 -end 2027-03-01 -product M365-E3 [flags]
//	go run ./whatif plan -seats 100 -end 2027-03-01 -product M365-E3 -keys 25,25,50,100 -until 2028-03-01 [flags]
//
// whatif -h lists the commands; whatif COMMAND -h lists a command's flags.
//
// Every command takes the subscription by numbers (-seats, -end) or from a
// book: -book FILE -tenant T -product P replays the history file (the
// format of replay) and starts from that subscription's state in
// the book on -on (its records up to that day; none before its first). Rows
// of the file the book rejects are counted on standard error (replay lists
// them); the exit status is the question's. -db URL instead of -book FILE
// reads the book in PostgreSQL (see bookdb). Every command also takes -on
// (the redemption day, default today), -policy, -rounding, -convention,
// -json (the same as JSON, camelCase as the library's Outcome) and -svg FILE
// (a picture: with -book, the subscription's history time across — its end
// date and seats as step lines, the lifecycle bands, the program year's end
// -until — with what the command asks drawn on it: options, each way the key
// could be redeemed; need-end, the smallest keys and the -reach target; for
// plan, the trade-off between seats and end date of the plans no other plan
// beats, the chosen one always labelled). A -tenant or -product not in the
// book gets "did you mean" with the closest tracked names (at most three,
// never one that could be read as a key).
//
// # Options
//
//	go run ./whatif options -seats 100 -end 2027-03-01 -product M365-E3 -key-seats 25 -on 2026-12-01
//
// prints the subscription's state on that day and its deadlines (renew
// window, end date, disabled from, deleted on: R8, R9), then one row per
// operation — add licenses (R4), extend end date (R5, R6), renew (R9),
// activate (R7) — side by side: the seats and end date after, how many days
// the end date moves, the seat-days before and after, and the library's
// explanation. An operation the rules refuse is shown as refused with one
// short reason: the state and since when (R7, R9), or the extension cap with
// the largest key accepted (R6). -key checks a key's syntax (only its masked
// form is printed); -term sets the key's term in months.
//
// # The inverse questions
//
// need-end -reach DATE answers "which key reaches this end date?" both
// ways: the smallest key that extends the end date to DATE or later and
// whether the cap (R6) allows it, and the keys that reach it by add licenses
// (R4), which can move the end date no later than a year from -on. renewal
// answers "when can a renewal key be redeemed without losing days?" (R8,
// R9).
//
// # Planning a pool of keys
//
// plan plans a pool of keys (package activation/plan): which keys, in which
// order, as add licenses or extend end date, all redeemed on -on, so that the
// subscription reaches a goal. For example
//
//	go run ./whatif plan -seats 100 -end 2027-03-01 -product M365-E3 -on 2026-12-01 -keys 25,25,50,100 -until 2028-03-01
//
// answers "the most seats that still run until the program year ends":
// 175 seats until 2028-03-15 (add 25 and 50, then extend with 100 and 25),
// 14 days past the use rights (R13). It prints the answer, the use-rights
// check against -until (the days the subscription runs past its use rights,
// or lapses before them), and the plan explained step by step with the
// seat-day account. -goal most-seats (the default with -until), latest-end
// (with -target-seats N) or trade-off chooses the goal. The keys are
// stand-ins named by the last group of their masked form, KEY01 for the
// first of -keys. A goal no plan reaches is a negative answer: whatif says
// so, prints the nearest feasible plan, and exits 1.
//
// # Deprecated spellings
//
// Deprecated: will be removed in the next release. The spellings without a
// command still work, as aliases: whatif -key-seats N … is whatif options;
// whatif -need-end DATE … is whatif need-end -reach DATE …; whatif -renewal
// … is whatif renewal; whatif -keys N,N,… … is whatif plan. Exactly one of
// -key-seats, -keys, -need-end and -renewal chooses the question.
//
// # Exit status
//
// The same for replay:
//
//	0  done: a question answered (a refused option is an answer too)
//	1  a negative answer: a goal no plan reaches; an end date no key reaches;
//	   a subscription not in the book (-tenant, -product; names compare
//	   exactly, spaces and case included)
//	2  bad usage: an unknown command or flag, a missing or bad value (one line
//	   on standard error naming the flag; the value is never echoed)
//	3  the input cannot be read at all: a missing -book file, a bad header
//
// go run reports any status other than 0 as its own exit status 1 (and
// prints "exit status N"): a script that acts on the status builds the
// program first, go build -o whatif ./whatif, and runs ./whatif.
//
// No output line holds a product key in clear or a raw control character.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/coterm/coterm/cmd/internal/cli"
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

// command is one question whatif answers: its flags, how it reads them
// into a config, and how it answers.
type command struct {
	name     string
	summary  string // one line for whatif -h
	synopsis string // the usage lines of whatif NAME -h
	about    string // what it answers, for whatif NAME -h
	// svg and until document -svg and -until when the picture is not the
	// history of -book (with -until a line in it), which they default to.
	svg, until string
	flags      func(in *inputs, fs *flag.FlagSet)  // defines the command's own flags
	build      func(in *inputs, cfg *config) error // reads them
	compute    func(cfg config) (result, error)
}

// define defines on fs the flags every command shares, then c's own.
func (c *command) define(fs *flag.FlagSet, in *inputs) {
	if c.svg == "" {
		in.addShared(fs, historySVGDoc, historyUntilDoc)
	} else {
		in.addShared(fs, c.svg, c.until)
	}
	c.flags(in, fs)
}

// configure reads in for c: the flags every command shares, c's own, then
// the product and the day.
func (c *command) configure(in *inputs, now func() time.Time) (config, error) {
	cfg := config{cmd: c}
	if err := in.shared(&cfg, c.svg == ""); err != nil {
		return cfg, err
	}
	if err := c.build(in, &cfg); err != nil {
		return cfg, err
	}
	return cfg, in.finish(&cfg, now)
}

// commands are whatif's commands, in the order whatif -h lists them.
var commands = []*command{&optionsCommand, &needEndCommand, &renewalCommand, &planCommand}

func lookup(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
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
	res, err := cfg.cmd.compute(cfg)
	if err != nil {
		return err
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

// commandNames is "options, need-end, renewal or plan".
func commandNames() string {
	names := make([]string, len(commands))
	for i, c := range commands {
		names[i] = c.name
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// parse reads the command line: a command and its flags, or the deprecated
// flags without a command (parseDeprecated), or a request for help.
func parse(args []string, stderr io.Writer, now func() time.Time) (config, error) {
	switch {
	case len(args) == 0:
		return config{}, usagef("missing command: want %s (see whatif -h)", commandNames())
	case args[0] == "help" && len(args) == 1:
		printUsage(stderr)
		return config{}, cli.ErrHelp
	case args[0] == "help" && len(args) == 2 && lookup(args[1]) != nil:
		return lookup(args[1]).parse([]string{"-h"}, stderr, now)
	case strings.HasPrefix(args[0], "-"):
		return parseDeprecated(args, stderr, now)
	}
	c := lookup(args[0])
	if c == nil {
		// The argument is never echoed: it may be a key.
		return config{}, usagef("argument 1: unknown command, want %s (see whatif -h)", commandNames())
	}
	return c.parse(args[1:], stderr, now)
}

// parse reads the command's flags, args, into a config.
func (c *command) parse(args []string, stderr io.Writer, now func() time.Time) (config, error) {
	fs := flag.NewFlagSet("whatif "+c.name, flag.ContinueOnError)
	var in inputs
	c.define(fs, &in)
	if err := parseFlags(fs, args, 2); err != nil {
		if err == cli.ErrHelp {
			fmt.Fprintf(stderr, "usage: %s\n\n%s\n\nFlags:\n", c.synopsis, c.about)
			printFlags(fs, stderr)
		}
		return config{}, err
	}
	if err := noArgs(fs); err != nil {
		return config{}, err
	}
	return c.configure(&in, now)
}

// printUsage writes whatif -h: the commands, one line each, and the
// deprecated spellings with their flags.
func printUsage(w io.Writer) {
	fmt.Fprint(w, `usage: whatif COMMAND [flags]

Shows, before a product key is spent, what redeeming it could do to a
subscription on a day, by the rules of a policy. Commands:

`)
	for _, c := range commands {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, `
"whatif COMMAND -h" lists a command's flags. Every command takes the
subscription by numbers (-seats, -end) or from a history file (-book,
-tenant), and -product, -on, -policy, -json, -svg.

Deprecated: will be removed in the next release. The spellings without a
command are aliases: "whatif -key-seats N ..." is "whatif options ...",
"whatif -need-end DATE ..." is "whatif need-end -reach DATE ...",
"whatif -renewal ..." is "whatif renewal ...", and
"whatif -keys N,N,... ..." is "whatif plan ...". Their flags:
`)
	fs := flag.NewFlagSet("whatif", flag.ContinueOnError)
	deprecatedFlags(fs, &inputs{})
	printFlags(fs, w)
}
