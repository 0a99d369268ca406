package main

import (
	"flag"
	"io"
	"time"

	"github.com/coterm/coterm/cmd/internal/cli"
)

// The spellings without a command, deprecated: they will be removed in the
// next release. One flag set holds every command's flags; exactly one of
// -key-seats (options), -keys (plan), -need-end (need-end) and -renewal
// (renewal) chooses the question, and each command then reads the flags as
// it does under its own name.

// deprecatedFlags defines every flag of the deprecated spellings on fs.
func deprecatedFlags(fs *flag.FlagSet, in *inputs) {
	in.addShared(fs, "with -book or -keys: write a picture to `FILE` (SVG)",
		"with -keys: the program year's end `date` YYYY-MM-DD, the first day without use rights (R13); the plan's target end date; with -book -svg: a line")
	in.addKey(fs)
	in.addTerm(fs)
	in.addPool(fs)
	fs.StringVar(&in.reach, "need-end", "", "the smallest key that reaches this end `date` YYYY-MM-DD, by extend end date and by add licenses (deprecated: whatif need-end -reach)")
	fs.BoolVar(&in.renewal, "renewal", false, "the days a renewal key can be redeemed without losing days, R8, R9 (deprecated: whatif renewal)")
	in.reachFlag, in.renewalAskedAs = "-need-end", "-renewal"
}

// parseDeprecated reads a command line of the deprecated spellings: the
// flags alone, the question among them.
func parseDeprecated(args []string, stderr io.Writer, now func() time.Time) (config, error) {
	fs := flag.NewFlagSet("whatif", flag.ContinueOnError)
	var in inputs
	deprecatedFlags(fs, &in)
	if err := parseFlags(fs, args, 1); err != nil {
		if err == cli.ErrHelp {
			printUsage(stderr)
		}
		return config{}, err
	}
	if err := noArgs(fs); err != nil {
		return config{}, err
	}
	c, err := in.question()
	if err != nil {
		return config{}, err
	}
	return c.configure(&in, now)
}

// question chooses the command of a deprecated command line, and refuses
// the flags the command does not have.
func (in *inputs) question() (*command, error) {
	questions := 0
	for _, q := range []bool{in.keySeats != "", in.keys != "", in.reach != "", in.renewal} {
		if q {
			questions++
		}
	}
	switch {
	case questions == 0:
		return nil, usagef("-key-seats: missing: give the key's seats, 1 … 1,000,000,000 (or -keys, -need-end or -renewal)")
	case questions > 1 && in.keys != "" && in.keySeats != "":
		return nil, usagef("-keys: given with -key-seats: give -key-seats for one key (every option) or -keys for a pool (a plan)")
	case questions > 1:
		return nil, usagef("-key-seats, -keys, -need-end, -renewal: give exactly one question")
	}
	if in.svg != "" && in.book == "" && in.keys == "" {
		return nil, usagef("-svg: needs -book (the subscription's history) or -keys (the plans' trade-off)")
	}
	if in.keys != "" {
		if in.key != "" {
			return nil, usagef("-key: given with -keys: a plan uses stand-in keys; check a key's syntax with -key-seats")
		}
		return &planCommand, nil
	}
	for _, f := range []struct{ name, val string }{{"-goal", in.goal}, {"-target-seats", in.target}} {
		if f.val != "" {
			return nil, usagef("%s: only with -keys (a pool of keys to plan)", f.name)
		}
	}
	if in.until != "" && (in.book == "" || in.svg == "") {
		return nil, usagef("-until: only with -keys (a pool of keys to plan), or with -book and -svg (a line in the picture)")
	}
	if in.keySeats != "" {
		return &optionsCommand, nil
	}
	if in.key != "" || in.term != "" {
		return nil, usagef("-key, -term: only with -key-seats or -keys: the inverse questions use keys of the policy's term")
	}
	if in.reach != "" {
		return &needEndCommand, nil
	}
	return &renewalCommand, nil
}
