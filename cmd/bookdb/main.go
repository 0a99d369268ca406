// Bookdb moves a book between a history file and PostgreSQL, and sets up
// the database: the admin's history file (the CSV replay reads, keys
// included) loads into PostgreSQL; the records PostgreSQL holds (never a
// key) export as JSON lines, which load into another database.
//
// Usage:
//
//	bookdb schema [-from N]                       print the SQL that creates or upgrades the tables
//	bookdb migrate -db URL                        create or upgrade the tables (what schema prints)
//	bookdb load -db URL [-policy NAME] [-v] FILE  load a history file (CSV, as replay reads it)
//	bookdb export -db URL [-o FILE]               write every record as JSON lines
//	bookdb load-records -db URL FILE              load records that export wrote
//
// URL is a PostgreSQL URL or connection string (postgres://user@host/db;
// set search_path in it to use another schema than the first of the
// search path). "-" as FILE reads standard input.
//
// # load
//
// Each row is what replay makes of it (see replay's documentation), in
// one transaction: a key is spent once, each history stays a chain. A file
// loaded twice changes nothing the second time: key rows replay, and an
// import row replays when the subscription had its state on its day. A row
// that conflicts with what the database holds — a key spent elsewhere, a
// day before the subscription's last record in the database — is REFUSED
// with its line, and so is every later row of that subscription: nothing
// of them is stored. A row the rules or the format refuse is REJECTED (its
// line and the reason), and the load goes on. It prints the rows rejected
// or refused (-v: every row), then a summary. Other writers of the
// database wait while a load runs (a million rows take well under a
// minute); readers do not.
//
// # export and load-records
//
// export writes every record (histories and a Redeemer's claims) as one
// JSON object a line (activation.Record's JSON), in the order they were
// stored, from one snapshot. load-records reads them into another
// database, checking each chain (each record follows its subscription's
// last one, its key is new); records it holds already are skipped, so it
// may run twice. It is all or nothing: the first record that breaks a
// chain is named by its line and nothing is stored.
//
// Exit status:
//
//	0  done: every row loaded or replayed
//	1  some rows rejected or refused
//	2  bad usage: an unknown command or flag, a missing or bad value
//	3  could not run: the file cannot be read, the database cannot be reached, a record breaks a chain
//
// No output line holds a key in clear: keys are printed masked, and
// messages name a column or an argument's position, never what was typed.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"iter"
	"os"
	"strings"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/activation/pgledger"
	"github.com/coterm/coterm/cmd/internal/cli"
	"github.com/coterm/coterm/cmd/internal/history"
)

const usage = `Usage:
  bookdb schema [-from N]                       print the SQL that creates or upgrades the tables
  bookdb migrate -db URL                        create or upgrade the tables (what schema prints)
  bookdb load -db URL [-policy NAME] [-v] FILE  load a history file (CSV, as replay reads it)
  bookdb export -db URL [-o FILE]               write every record as JSON lines
  bookdb load-records -db URL FILE              load records that export wrote

Exit status:
  0  done: every row loaded or replayed
  1  some rows rejected or refused
  2  bad usage: an unknown command or flag, a missing or bad value (one line on standard error)
  3  could not run: the file cannot be read, the database cannot be reached, a record breaks a chain
`

func main() {
	os.Exit(cli.ExitCode(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr)))
}

// run is the program.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	return cli.Run("bookdb", stdout, stderr, func(out, errOut *cli.Output) error {
		if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "help" {
			out.WriteString(usage)
			if len(args) == 0 {
				return cli.Usagef("want a command (see -h)")
			}
			return cli.ErrHelp
		}
		cmds := map[string]func(context.Context, []string, io.Reader, io.Writer, *cli.Output) error{
			"schema": schema, "migrate": migrate, "load": load, "export": export, "load-records": loadRecords,
		}
		cmd, ok := cmds[args[0]]
		if !ok {
			return cli.Usagef("argument 1: unknown command, want schema, migrate, load, export or load-records (see -h)")
		}
		return cmd(ctx, args[1:], stdin, stdout, out)
	})
}

// parse parses a command's flags; file is true when it takes one file.
func parse(fs *flag.FlagSet, args []string, file bool) (string, error) {
	if err := cli.Parse(fs, args); err != nil {
		return "", err
	}
	switch n := fs.NArg(); {
	case file && n != 1:
		return "", cli.Usagef("%s: want one file after the flags (see -h)", fs.Name())
	case !file && n != 0:
		return "", cli.Usagef("%s: want no argument after the flags (see -h)", fs.Name())
	case file:
		return fs.Arg(0), nil
	}
	return "", nil
}

// dbFlag adds -db to fs.
func dbFlag(fs *flag.FlagSet) *string {
	return fs.String("db", "", "the PostgreSQL URL or connection string")
}

// open opens the store at url, which must be given.
func open(ctx context.Context, cmd, url string) (*pgledger.Store, error) {
	if url == "" {
		return nil, cli.Usagef("%s: -db is required (see -h)", cmd)
	}
	s, err := pgledger.Open(ctx, url)
	if err != nil {
		return nil, cli.Unreadablef("-db: %s", dbReason(err))
	}
	return s, nil
}

// dbReason is a store error's message; pgledger's errors never hold the
// URL's password, and the output filter masks any key.
func dbReason(err error) string { return err.Error() }

func schema(_ context.Context, args []string, _ io.Reader, _ io.Writer, out *cli.Output) error {
	fs := flag.NewFlagSet("schema", flag.ContinueOnError)
	from := fs.Int("from", 0, "the database's schema version (0: no tables)")
	if _, err := parse(fs, args, false); err != nil {
		return err
	}
	sql, err := pgledger.MigrationSQL(*from)
	if err != nil {
		return cli.Usagef("-from: want 0 … %d", pgledger.SchemaVersion)
	}
	out.WriteString(sql)
	return nil
}

func migrate(ctx context.Context, args []string, _ io.Reader, _ io.Writer, out *cli.Output) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	db := dbFlag(fs)
	if _, err := parse(fs, args, false); err != nil {
		return err
	}
	s, err := open(ctx, "migrate", *db) // Open runs pgledger.Migrate
	if err != nil {
		return err
	}
	s.Close()
	fmt.Fprintf(out, "schema version %d\n", pgledger.SchemaVersion)
	return nil
}

// openFile opens name for reading ("-": stdin). Its error never names the
// file (a name may be a key).
func openFile(name string, stdin io.Reader) (io.Reader, func(), error) {
	if name == "-" {
		return stdin, func() {}, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, cli.Unreadablef("cannot open the file: %s", cli.Reason(err))
	}
	return f, func() { f.Close() }, nil
}

func load(ctx context.Context, args []string, stdin io.Reader, _ io.Writer, out *cli.Output) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	db := dbFlag(fs)
	policy := fs.String("policy", "partner-center", "the rules: "+strings.Join(activation.PolicyNames(), ", "))
	verbose := fs.Bool("v", false, "print every row's result")
	name, err := parse(fs, args, true)
	if err != nil {
		return err
	}
	p, err := activation.PolicyByName(*policy)
	if err != nil {
		return cli.Usagef("-policy: unknown policy, want one of %s", strings.Join(activation.PolicyNames(), ", "))
	}
	in, done, err := openFile(name, stdin)
	if err != nil {
		return err
	}
	defer done()
	r, err := history.NewReader(in)
	if err != nil {
		return err
	}
	s, err := open(ctx, "load", *db)
	if err != nil {
		return err
	}
	defer s.Close()
	rows := func(yield func(pgledger.LoadRow, error) bool) {
		for {
			row, err := r.Next()
			var rj *history.Rejected
			switch {
			case err == io.EOF:
				return
			case errors.As(err, &rj):
				if !yield(pgledger.LoadRow{Line: int64(rj.Line), Malformed: rj.Reason}, nil) {
					return
				}
				continue
			case err != nil:
				yield(pgledger.LoadRow{}, err)
				return
			}
			if !yield(loadRow(&row), nil) {
				return
			}
		}
	}
	sum, err := s.Load(ctx, p, rows, func(res pgledger.LoadResult) error {
		if *verbose || res.Status == pgledger.LoadRejected || res.Status == pgledger.LoadRefused {
			printResult(out, &res)
		}
		return nil
	})
	if err != nil {
		var ce *cli.Error
		if errors.As(err, &ce) {
			return ce
		}
		return cli.Unreadablef("%s", dbReason(err))
	}
	fmt.Fprintf(out, "\nsummary: %d rows, %d applied, %d replayed, %d imported, %d unchanged, %d rejected, %d refused; nothing else changed\n",
		sum.Rows, sum.Applied, sum.Replayed, sum.Imported, sum.Unchanged, sum.Rejected, sum.Refused)
	if sum.Rejected+sum.Refused > 0 {
		return cli.ErrNegative
	}
	return nil
}

// loadRow is a history file's row as pgledger.Store.Load takes it.
func loadRow(row *history.Row) pgledger.LoadRow {
	return pgledger.LoadRow{Line: int64(row.Line), Day: row.At, Tenant: row.Tenant, Product: row.Product,
		Import: row.Import, Key: row.Key, Op: row.Op, Seats: row.Seats, End: row.End}
}

func printResult(out *cli.Output, res *pgledger.LoadResult) {
	switch res.Status {
	case pgledger.LoadRejected, pgledger.LoadRefused:
		fmt.Fprintf(out, "line %d: %s: %s\n", res.Line, strings.ToUpper(res.Status.String()), res.Reason)
	default:
		fmt.Fprintf(out, "line %d: %s", res.Line, res.Status)
		if a := res.Outcome.After; a.Tenant != "" {
			fmt.Fprintf(out, ": %s/%s %d seats until %s", a.Tenant, a.Product, a.Seats, a.End.Format("2006-01-02"))
		}
		out.WriteString("\n")
	}
	out.Row()
}

func export(ctx context.Context, args []string, _ io.Reader, stdout io.Writer, out *cli.Output) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	db := dbFlag(fs)
	file := fs.String("o", "", "the file to write (default: standard output)")
	if _, err := parse(fs, args, false); err != nil {
		return err
	}
	s, err := open(ctx, "export", *db)
	if err != nil {
		return err
	}
	defer s.Close()
	// The records are written as they are, not through the output filter:
	// fingerprints and request IDs are long runs of hexadecimal digits that
	// it could take for keys. A record never holds a key (MarshalBinary and
	// MarshalJSON refuse one, and any name that could be read as one).
	w := stdout
	var f *os.File
	if *file != "" {
		if f, err = os.Create(*file); err != nil {
			return cli.Unreadablef("-o: cannot create the file: %s", cli.Reason(err))
		}
		defer f.Close()
		w = f
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	n, err := s.ExportJSON(ctx, bw)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil && f != nil {
		err = f.Close() // a full disk may show only here
	}
	if err != nil {
		return cli.Unreadablef("%s", dbReason(err))
	}
	if *file != "" {
		fmt.Fprintf(out, "%d records\n", n)
	}
	return nil
}

func loadRecords(ctx context.Context, args []string, stdin io.Reader, _ io.Writer, out *cli.Output) error {
	fs := flag.NewFlagSet("load-records", flag.ContinueOnError)
	db := dbFlag(fs)
	name, err := parse(fs, args, true)
	if err != nil {
		return err
	}
	in, done, err := openFile(name, stdin)
	if err != nil {
		return err
	}
	defer done()
	s, err := open(ctx, "load-records", *db)
	if err != nil {
		return err
	}
	defer s.Close()
	sum, err := s.LoadRecords(ctx, jsonLines(in))
	var re *pgledger.RecordError
	switch {
	case errors.As(err, &re):
		return cli.Unreadablef("line %d: %s; nothing was stored", re.N, re.Reason)
	case err != nil:
		var ce *cli.Error
		if errors.As(err, &ce) {
			return ce
		}
		return cli.Unreadablef("%s", dbReason(err))
	}
	fmt.Fprintf(out, "%d records stored, %d held already\n", sum.Stored, sum.Present)
	return nil
}

// jsonLines yields the record on each line of r; a line that is not one
// is an error naming the line (never its text).
func jsonLines(r io.Reader) iter.Seq2[activation.Record, error] {
	return func(yield func(activation.Record, error) bool) {
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
		for line := 1; sc.Scan(); line++ {
			var rec activation.Record
			if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
				yield(rec, cli.Unreadablef("line %d: not a record: %s", line, recordReason(err)))
				return
			}
			if !yield(rec, nil) {
				return
			}
		}
		if err := sc.Err(); err != nil {
			yield(activation.Record{}, cli.Unreadablef("cannot read the file: %s", cli.Reason(err)))
		}
	}
}

// recordReason is why a line is not a record: activation's errors quote
// nothing; encoding/json's syntax errors quote no value either.
func recordReason(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return "not JSON"
	}
	return err.Error()
}
