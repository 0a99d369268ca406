// Audit proves a book's histories, and lists the records a store lost.
//
// Usage:
//
//	audit verify (-db URL | -book FILE) [-policy NAME]... [-strict]
//	audit missing -old URL -db URL
//
// verify checks every history of the book — in PostgreSQL (-db; with the
// database's own checks: every column against the record, one row per key)
// or in a history file (-book, replayed as replay does) — record by record:
// each is a chain a Book could have made, and each redemption is exactly
// what the rules give for its own state, key seats, operation and day,
// recomputed under the policy the record names (activation.Verifier). Each
// finding is printed as it is found, one a line; then a summary. -policy
// names the policies records may name (repeat it; default: every preset);
// a record under another policy is "not verifiable", which fails the audit
// only with -strict.
//
// missing lists the records that the database of -old (a former primary,
// started apart after a failover) holds and the database of -db (the new
// primary) lacks at their place, with what -db holds instead at the place
// and for the key, one a line; then a summary.
//
// Exit status:
//
//	0  clean: no finding
//	1  findings: a break (verify; with -strict also a record not verifiable), a missing record
//	2  bad usage: an unknown command or flag, a missing or bad value
//	3  could not run: the database cannot be reached, the file cannot be read
//
// No output line holds a key in clear: records hold none, and findings
// quote names by the library's rule for texts that could be read as keys.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/activation/pgledger"
	"github.com/coterm/coterm/cmd/internal/cli"
	"github.com/coterm/coterm/cmd/internal/history"
)

const usage = `Usage:
  audit verify (-db URL | -book FILE) [-policy NAME]... [-strict]
  audit missing -old URL -db URL

Exit status:
  0  clean: no finding
  1  findings: a break (verify; with -strict also a record not verifiable), a missing record
  2  bad usage: an unknown command or flag, a missing or bad value (one line on standard error)
  3  could not run: the database cannot be reached, the file cannot be read
`

func main() {
	os.Exit(cli.ExitCode(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr)))
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	return cli.Run("audit", stdout, stderr, func(out, _ *cli.Output) error {
		switch {
		case len(args) == 0:
			out.WriteString(usage)
			return cli.Usagef("want a command, verify or missing (see -h)")
		case args[0] == "-h" || args[0] == "-help" || args[0] == "help":
			out.WriteString(usage)
			return cli.ErrHelp
		case args[0] == "verify":
			return verify(ctx, args[1:], stdin, out)
		case args[0] == "missing":
			return missing(ctx, args[1:], out)
		}
		return cli.Usagef("argument 1: unknown command, want verify or missing (see -h)")
	})
}

// names is a repeatable flag.
type names []string

func (n *names) String() string     { return strings.Join(*n, ",") }
func (n *names) Set(s string) error { *n = append(*n, s); return nil }

func verify(ctx context.Context, args []string, stdin io.Reader, out *cli.Output) error {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	db := fs.String("db", "", "the PostgreSQL URL or connection string of the book")
	book := fs.String("book", "", "the history file of the book (CSV, as replay reads it; - for standard input)")
	strict := fs.Bool("strict", false, "a record that cannot be recomputed (unknown policy) is a finding")
	var policies names
	fs.Var(&policies, "policy", "a policy records may name (repeat; default: every preset)")
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return cli.Usagef("verify: want no argument after the flags (see -h)")
	}
	if (*db == "") == (*book == "") {
		return cli.Usagef("verify: want one of -db and -book (see -h)")
	}
	if len(policies) == 0 {
		policies = activation.PolicyNames()
	}
	v := activation.Verifier{Policies: make(map[string]activation.Policy)}
	for _, name := range policies {
		p, err := activation.PolicyByName(name)
		if err != nil {
			return cli.Usagef("-policy: unknown policy, want one of %s", strings.Join(activation.PolicyNames(), ", "))
		}
		v.Policies[p.Name] = p
	}
	found := func(f activation.Finding) error {
		fmt.Fprintln(out, f)
		out.Row()
		return nil
	}
	var sum activation.AuditSummary
	var err error
	if *db != "" {
		s, oerr := openStore(ctx, "-db", *db)
		if oerr != nil {
			return oerr
		}
		defer s.Close()
		sum, err = s.Verify(ctx, v, found)
	} else {
		j, rerr := replayBook(ctx, *book, stdin, v)
		if rerr != nil {
			return rerr
		}
		sum, err = v.Verify(ctx, j, found)
	}
	if err != nil {
		return cli.Unreadablef("the audit stopped: %s", err.Error())
	}
	fmt.Fprintf(out, "summary: %s\n", sum)
	if sum.Breaks > 0 || (*strict && sum.NotVerifiable > 0) {
		return cli.ErrNegative
	}
	return nil
}

// openStore opens the store at url; its error never holds the URL's
// password (pgledger's never do).
func openStore(ctx context.Context, flagName, url string) (*pgledger.Store, error) {
	s, err := pgledger.Open(ctx, url)
	if err != nil {
		return nil, cli.Unreadablef("%s: %s", flagName, err.Error())
	}
	return s, nil
}

// replayBook replays the history file name into a memory journal, as
// replay does, under the Verifier's first preset policy that the rows'
// book uses: the file does not name one, so each row is recorded under
// partner-center unless only other policies were given.
func replayBook(ctx context.Context, name string, stdin io.Reader, v activation.Verifier) (activation.Journal, error) {
	in := stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, cli.Unreadablef("-book: cannot open the file: %s", cli.Reason(err))
		}
		defer f.Close()
		in = f
	}
	r, err := history.NewReader(in)
	if err != nil {
		return nil, err
	}
	p := activation.PartnerCenter()
	if _, ok := v.Policies[p.Name]; !ok {
		for _, q := range v.Policies {
			p = q
			break
		}
	}
	j := activation.NewMemoryJournal()
	l := history.NewLoader(&activation.Book{Policy: p, Journal: j})
	for {
		_, err := l.Next(ctx, r)
		if err == io.EOF {
			return j, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

func missing(ctx context.Context, args []string, out *cli.Output) error {
	fs := flag.NewFlagSet("missing", flag.ContinueOnError)
	old := fs.String("old", "", "the PostgreSQL URL of the former primary's data")
	db := fs.String("db", "", "the PostgreSQL URL of the current primary")
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 || *old == "" || *db == "" {
		return cli.Usagef("missing: want -old URL and -db URL, and no argument (see -h)")
	}
	o, err := openStore(ctx, "-old", *old)
	if err != nil {
		return err
	}
	defer o.Close()
	c, err := openStore(ctx, "-db", *db)
	if err != nil {
		return err
	}
	defer c.Close()
	sum, err := activation.Missing(ctx, o, c, func(m activation.MissingRecord) error {
		fmt.Fprintln(out, missingLine(&m))
		out.Row()
		return nil
	})
	if err != nil {
		var ce *cli.Error
		if errors.As(err, &ce) {
			return ce
		}
		return cli.Unreadablef("the comparison stopped: %s", err.Error())
	}
	fmt.Fprintf(out, "summary: %d chains, %d records read, %d missing\n", sum.Chains, sum.Records, sum.Missing)
	if sum.Missing > 0 {
		return cli.ErrNegative
	}
	return nil
}

// missingLine is one missing record: its place, what it did, and what the
// current store holds instead.
func missingLine(m *activation.MissingRecord) string {
	r := &m.Record
	o := &r.Outcome
	place := activation.Place{Tenant: o.After.Tenant, Product: o.After.Product, Seq: r.Seq}
	line := fmt.Sprintf("%s: missing: %s %s", place, o.At.UTC().Format(time.DateOnly), o.Op)
	if r.KeyTail != "" {
		line += " key …" + r.KeyTail
	}
	switch {
	case m.PlaceTaken && m.KeySpent:
		line += "; its place holds another record, and its key is spent at #" + fmt.Sprint(m.ForKey.Seq)
	case m.PlaceTaken:
		line += "; its place holds another record"
	case m.KeySpent:
		line += "; its key is spent at #" + fmt.Sprint(m.ForKey.Seq)
	case r.KeyTail != "":
		line += "; its key is not spent on the current store (it could be redeemed again)"
	}
	return line
}
