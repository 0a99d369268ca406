// Replay keeps a partner admin's book of subscriptions in a history file: it
// replays the file, row by row, into an activation.Book (a memory journal:
// the file is the durable store, replayed on each run), so that each key is
// redeemed once (R2) and every subscription's history explains itself.
//
// Usage:
//
//	go run ./replay [flags] history.csv
//
// The file is CSV with a header row, six fields per row and an optional
// seventh, end:
//
//	date,tenant,product,key,seats,operation,end
//	2026-01-15,contoso,M365-E3,,100,import,2027-01-15
//	2026-03-01,contoso,M365-E3,AAAA1-BBBB2-CCCC3-DDDD4-EEEE5,25,add-seats,
//
// date is YYYY-MM-DD; key is a product key in any accepted spelling (R1);
// seats is 1 … 1,000,000,000; operation is add-seats (or add), extend-end (or
// extend), renew, activate — or import: an import row has no key and gives
// the subscription's seats and end date as the admin portal shows them; it
// starts tracking a subscription or records a correction — or replace: a
// replacement key (R12), in the key column with its seats, for the key in
// the seventh column, which the file redeemed on the same subscription
// within the replacement window (30 days) and whose record is still the
// subscription's last; it is recorded once, as the replacement key would
// have redeemed it, and the replaced key stays spent:
//
//	2026-03-10,contoso,M365-E3,FFFF1-GGGG2-HHHH3-JJJJ4-KKKK5,30,replace,AAAA1-BBBB2-CCCC3-DDDD4-EEEE5
//
// Files of six columns (no import or replace rows) stay valid. A byte order mark (as Excel writes
// one), CRLF line ends and quoted fields are accepted. "-" as the file name
// reads standard input.
//
// # Files saved from Excel
//
// The delimiter may be ';' (Excel in most European locales): it is taken
// from the header row. Rows of empty fields (",,,,,," below the data) are
// skipped and counted in the summary ("2 empty rows skipped"). seats is a
// whole number without separators: 1,000, 1.000 and 1 000 are refused with
// a hint, never read (a comma or a dot is a decimal mark in some
// countries). Dates are YYYY-MM-DD: a local date such as 1/10/2026 is
// refused, never guessed, with how to get the ISO form from Excel (select
// the column, Format Cells › Custom, yyyy-mm-dd). Names are exact: a
// tenant with a stray space is another tenant, and "no such subscription"
// then suggests the closest tracked names (at most three; never a name that
// could be read as a key).
//
// # What it prints
//
// Without -tenant or -due: each row's result, then every subscription's
// state on the last day of the file. The summary counts the rows applied
// (redemptions), replayed (identical duplicates), imported (import rows
// recorded), unchanged (import rows equal to the book's state, which record
// nothing) and rejected. A subscription the book does not track
// starts with none (only activate applies, R7). A row that is not applied is
// REJECTED with its line number and the reason, and skipped: a malformed
// field, a key already redeemed, an operation the rules refuse (state,
// extension cap, product), a row dated before the last row of its
// subscription (the rows of a subscription must be in date order; an import
// that changed nothing counts as a row), a tenant
// or product the book refuses (a control character, a product key in the
// tenant column…). A rejection names the column and what was expected,
// never the field. An identical duplicate row is a replay: it answers as the
// first and is counted once, wherever it lies (an import row is identical
// when its date, tenant, product, seats and end are), so a file pasted twice
// is harmless. A key already redeemed names the line of the file that spent
// it. With -on DAY the summary gives every subscription's state on DAY
// (its last record on or before DAY; none yet before its first) instead of
// the file's last day. No output line holds a key in clear (keys are
// printed masked, XXXXX-XXXXX-XXXXX-XXXXX-EEEE5) or a raw control character.
//
// With -tenant T -product P: that subscription's every move, oldest first,
// with the key's last five characters (a replacement's also those of the
// key it replaces) and the library's explanation, then
// its state and deadlines on the last day of the file. With -svg FILE also
// a picture of its history: end date and seats over time.
//
// With -due FROM..TO: the worklist, every subscription that expires (its
// end date: the grace period begins), is disabled (read-only) or is deleted
// (R8) on a day from FROM to TO, both included, sorted by date.
//
// With -tenant or -due the rejected rows are not listed: their number goes
// to standard error. The exit status is 1 when a rejected row concerns the
// answer (the book may lack what it said): for -tenant, a row that names the
// subscription or names none (malformed CSV); for -due, a row that names a
// subscription in the worklist, names none, or could not be read (it might
// have put its subscription in the worklist). Otherwise the answer is
// complete: it exits 0 and the rejected rows are a warning on standard
// error; -strict makes them an error (exit status 1) for scripts. A row the
// rules refused (a key already redeemed, a state, the cap) changes nothing
// and concerns only its own subscription.
//
// # JSON
//
// With -json, each row's result is one JSON object on a line, then the
// summary. The field names are stable:
//
//	{"line":3,"result":"applied","date":"2026-03-01","operation":"add-seats","appliedAs":"add-seats",
//	 "key":"XXXXX-XXXXX-XXXXX-XXXXX-EEEE5","tenant":"contoso","product":"M365-E3","seats":125,
//	 "end":"2027-01-24","state":"active"}
//	{"line":9,"result":"rejected","reason":"seats: not a whole number 1 … 1,000,000,000"}
//	{"summary":{"rows":24,"applied":10,"replayed":0,"imported":0,"unchanged":0,"rejected":14,"empty":0,
//	 "on":"2028-06-01","subscriptions":[{"tenant":"contoso","product":"M365-E3","seats":125,
//	 "end":"2028-07-20","state":"active"}]}}
//
// result is applied, replayed, imported, unchanged or rejected; operation
// is import for import rows (no key, no appliedAs); a field without a value
// is left out, but the summary's counts; the key is masked; on is absent
// when no subscription is tracked. -json works without -tenant and -due,
// with -q too (the rejected rows and the summary).
//
// Output goes out row by row when standard output is a terminal or a pipe,
// and in blocks when it is a regular file. When standard error is a
// terminal and nothing else is written to the terminal meanwhile, a progress
// line counts the rows read every 100,000 rows and is erased at the end:
// never in a pipe or a file.
//
// Flags:
//
//	-q                quiet: print only rejected rows and the summary
//	-policy NAME      partner-center (default), open-2014 (or open2014), direct-purchase,
//	                  enterprise-multi-year, volume-licensing: activation.PolicyByName
//	-tenant T         with -product: the subscription to explain (tenants may contain "/")
//	-product P        with -tenant
//	-due FROM..TO     the worklist of lifecycle dates from FROM to TO (YYYY-MM-DD, both included)
//	-svg FILE         with -tenant and -product: a picture of the history (end date and seats over time)
//	-until DATE       with -svg: the program year's end (R13), drawn as a line
//	-on DAY           the summary (or -tenant's state) on DAY, not the file's last day
//	-json             without -tenant and -due: one JSON object per row and the summary
//	-strict           with -tenant or -due: any rejected row makes the exit status 1
//	-db URL           with -tenant or -due, instead of the file: the book in PostgreSQL (see bookdb),
//	                  its states given on today's date
//
// Exit status (the same for whatif):
//
//	0  done: every row applied or replayed; a question answered (-tenant,
//	   -due: completely, though rows no answer needs were rejected)
//	1  a negative answer: some rows rejected (that the answer needs); a goal no plan reaches; a
//	   subscription not in the book (-tenant, -product; names compare
//	   exactly, spaces and case included)
//	2  bad usage: an unknown flag, a missing or bad value (one line on standard error)
//	3  the input cannot be read at all: a missing file, a bad header (then no summary)
//
// go run reports any status other than 0 as its own exit status 1 (and
// prints "exit status N"): a script that acts on the status builds the
// program first, go build -o replay ./replay, and runs ./replay.
//
// The book lives in memory in an activation.MemoryJournal: a million rows
// take less than 1 GB of heap in use in quiet mode (BenchmarkReplay).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/cmd/internal/cli"
	"github.com/coterm/coterm/cmd/internal/history"
	"github.com/coterm/coterm/cmd/internal/picture"
)

func main() {
	os.Exit(exitCode(run(os.Args[1:], os.Stdout, os.Stderr)))
}

// exitCode is the exit status for run's error: the table above.
func exitCode(err error) int { return cli.ExitCode(err) }

// errRejected is the negative answer: some rows were rejected.
var errRejected = cli.ErrNegative

// config is the parsed command line.
type config struct {
	quiet           bool
	policy          activation.Policy
	tenant, product string
	due             bool
	from, to        time.Time // -due, both included
	svg             string
	until           time.Time
	file            string
	more            extraConfig // -json, -on, -strict: extra.go
	db              string      // -db: answer from this database instead of a file
}

// run is the program, reading "-" from standard input.
func run(args []string, stdout, stderr io.Writer) error {
	return runWith(args, os.Stdin, stdout, stderr)
}

// runWith is run with standard input as a parameter. Every line it writes
// goes through a cli.Output, which lets no key in clear and no control
// character through.
func runWith(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	return cli.Run("replay", stdout, stderr, func(out, errOut *cli.Output) error {
		return runTo(args, stdin, out, errOut, func(rows bool) *progress { return newProgress(stdout, stderr, rows) })
	})
}

func runTo(args []string, stdin io.Reader, out, errOut *cli.Output, prog func(rows bool) *progress) error {
	cfg, err := parse(args, errOut)
	if err != nil {
		return err
	}
	if cfg.db != "" {
		return answerFromDB(context.Background(), cfg, out)
	}
	in := stdin
	if cfg.file != "-" {
		f, err := os.Open(cfg.file)
		if err != nil {
			return cli.Unreadablef("cannot open the history file: %s", cli.Reason(err))
		}
		defer f.Close()
		in = f
	}
	rd, err := history.NewReader(in)
	if err != nil {
		return err
	}
	rp := newReplayer(cfg, out)
	rp.prog = prog(rp.rows)
	err = rp.replay(context.Background(), rd)
	rp.prog.done()
	if err != nil {
		return err
	}
	switch {
	case cfg.tenant != "":
		err = rp.explain(context.Background())
	case cfg.due:
		err = rp.worklist(context.Background())
	case cfg.more.json:
		err = rp.jsonSummaryOut(context.Background())
	default:
		rp.summary(context.Background())
	}
	if err != nil {
		return err
	}
	return rp.finish(errOut)
}

const usageText = `usage: replay [flags] history.csv

Replays a history file (CSV: date,tenant,product,key,seats,operation[,end]; a header row)
into a book of subscriptions, exactly once per key, and prints each row's result and every
subscription's state on the file's last day; or, with -tenant and -product, one
subscription's every move explained; or, with -due, the worklist of lifecycle dates.
"-" reads standard input.

Flags:
`

func parse(args []string, errOut io.Writer) (config, error) {
	fs := flag.NewFlagSet("replay", flag.ContinueOnError)
	var (
		quiet   = fs.Bool("q", false, "quiet: print only rejected rows and the summary")
		policy  = fs.String("policy", "partner-center", "the rules: "+strings.Join(activation.PolicyNames(), ", ")+" (or open2014)")
		tenant  = fs.String("tenant", "", "with -product: the `tenant` whose subscription to explain (may contain \"/\")")
		product = fs.String("product", "", "with -tenant: the `product` of the subscription to explain")
		due     = fs.String("due", "", "the worklist of lifecycle dates `FROM..TO` (YYYY-MM-DD, both included), sorted by date")
		svg     = fs.String("svg", "", "with -tenant and -product: write a picture of the history (end date and seats over time) to `FILE`")
		until   = fs.String("until", "", "with -svg: the program year's end `date` YYYY-MM-DD (R13), drawn as a line")
		extra   = defineExtra(fs)
		db      = fs.String("db", "", "with -tenant or -due, instead of a file: the PostgreSQL `URL` of the book")
	)
	if err := cli.Parse(fs, args); err != nil {
		if err == cli.ErrHelp {
			fs.SetOutput(errOut)
			fmt.Fprint(errOut, usageText)
			fs.PrintDefaults()
			fmt.Fprint(errOut, "\n"+cli.ExitTable)
		}
		return config{}, err
	}
	var cfg config
	cfg.quiet = *quiet
	p, err := activation.PolicyByName(*policy)
	if err != nil {
		return cfg, cli.Usagef("-policy: unknown policy, want one of %s (or open2014)", strings.Join(activation.PolicyNames(), ", "))
	}
	cfg.policy = p
	switch {
	case *tenant != "" && *product == "":
		return cfg, cli.Usagef("-product: missing: -tenant needs -product, the subscription's product")
	case *product != "" && *tenant == "":
		return cfg, cli.Usagef("-tenant: missing: -product needs -tenant, the subscription's tenant")
	case *tenant != "":
		if err := cli.CheckName(*tenant); err != nil {
			return cfg, cli.Usagef("-tenant: %v", err)
		}
		if err := cli.CheckName(*product); err != nil {
			return cfg, cli.Usagef("-product: %v", err)
		}
		cfg.tenant, cfg.product = *tenant, *product
	}
	if *due != "" {
		if cfg.tenant != "" {
			return cfg, cli.Usagef("-due: given with -tenant: ask for one subscription or for the worklist")
		}
		if cfg.from, cfg.to, err = cli.ParseRange(*due); err != nil {
			return cfg, cli.Usagef("-due: %v", err)
		}
		cfg.due = true
	}
	if *svg != "" {
		if cfg.tenant == "" {
			return cfg, cli.Usagef("-svg: needs -tenant and -product, the subscription to draw")
		}
		cfg.svg = *svg
	}
	if *until != "" {
		if cfg.svg == "" {
			return cfg, cli.Usagef("-until: only with -svg (the picture's program year line)")
		}
		if cfg.until, err = cli.ParseDate(*until); err != nil {
			return cfg, cli.Usagef("-until: %v", err)
		}
	}
	if cfg.quiet && (cfg.tenant != "" || cfg.due) {
		return cfg, cli.Usagef("-q: only without -tenant and -due")
	}
	if cfg.more, err = extra.read(cfg); err != nil {
		return cfg, err
	}
	if *db != "" {
		return cfg, dbConfig(&cfg, *db, fs.NArg())
	}
	switch fs.NArg() {
	case 0:
		return cfg, cli.Usagef("missing the history file name (or - for standard input)")
	case 1:
		cfg.file = fs.Arg(0)
	default:
		return cfg, cli.Usagef("want exactly one file name, got %d arguments (flags go before the file name)", fs.NArg())
	}
	return cfg, nil
}

// replayer replays the file and prints what it was asked for.
type replayer struct {
	cfg  config
	book *activation.Book
	ld   *history.Loader
	out  *cli.Output
	rows bool   // print each row
	buf  []byte // one output line
	prog *progress

	fromDB bool // the book is in a database (-db), not replayed from a file
}

func newReplayer(cfg config, out *cli.Output) *replayer {
	book := &activation.Book{Policy: cfg.policy, Journal: activation.NewMemoryJournal()}
	return &replayer{cfg: cfg, book: book, ld: history.NewLoader(book), out: out,
		rows: cfg.tenant == "" && !cfg.due}
}

// replay applies every row. Its error means that the file could not be read
// further (exit status 3).
func (rp *replayer) replay(ctx context.Context, rd *history.Reader) error {
	var res history.Result
	for {
		err := rp.ld.NextInto(ctx, rd, &res)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		rp.prog.rows(rp.ld.Counts.Rows)
		if !rp.rows || (rp.cfg.quiet && res.Reject == "") {
			continue
		}
		if rp.cfg.more.json {
			rp.writeJSON(rp.jsonRowOf(&res))
		} else {
			rp.row(&res)
		}
		rp.out.Row()
	}
}

// row prints one row's result: "line %d: applied %s %s key %s: %s/%s %d
// seats until %s, %s", appended into a reused buffer (fmt costs more than
// the rest of the row).
func (rp *replayer) row(res *history.Result) {
	b := append(rp.buf[:0], "line "...)
	b = strconv.AppendInt(b, int64(res.Line), 10)
	if res.Reject != "" {
		b = append(b, ": REJECTED: "...)
		b = append(b, res.Reject...)
		b = append(b, '\n')
		rp.out.Write(b)
		rp.buf = b
		return
	}
	o := &res.Outcome
	row := &res.Row
	switch {
	case res.Replayed:
		b = append(b, ": replayed "...)
		b = appendDate(b, row.At)
		b = append(b, " import"...)
	case res.Unchanged:
		b = append(b, ": import unchanged "...)
		b = appendDate(b, row.At)
	case res.Imported:
		b = append(b, ": imported "...)
		b = appendDate(b, row.At)
	default:
		if o.Replayed {
			b = append(b, ": replayed "...)
		} else {
			b = append(b, ": applied "...)
		}
		b = appendDate(b, row.At)
		b = append(b, ' ')
		b = append(b, row.Op.String()...)
		if o.Applied != row.Op {
			b = append(b, " as "...)
			b = append(b, o.Applied.String()...)
		}
		b = append(b, " key "...)
		b = append(b, row.Key.Masked()...)
		if !row.Replaces.IsZero() {
			b = append(b, " (replacing key "...) // a word after the key would read as its sixth group
			b = append(b, row.Replaces.Masked()...)
			b = append(b, ')')
		}
	}
	after := o.After
	b = append(b, ": "...)
	b = append(b, row.Tenant...)
	b = append(b, '/')
	b = append(b, row.Product...)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(after.Seats), 10)
	if after.Seats == 1 {
		b = append(b, " seat until "...)
	} else {
		b = append(b, " seats until "...)
	}
	b = appendDate(b, after.End)
	b = append(b, ", "...)
	b = append(b, rp.cfg.policy.State(after, row.At).String()...)
	if o.Replayed {
		b = append(b, " (an identical earlier row: counted once)"...)
	}
	b = append(b, '\n')
	rp.out.Write(b)
	rp.buf = b
}

// appendDate appends t's date as YYYY-MM-DD, as t.Format(time.DateOnly)
// does for the years 1 … 9999 a row can have.
func appendDate(b []byte, t time.Time) []byte {
	y, m, d := t.Date()
	if y < 1 || y > 9999 {
		return t.AppendFormat(b, time.DateOnly)
	}
	b = append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-')
	b = append(b, byte('0'+m/10), byte('0'+m%10), '-')
	return append(b, byte('0'+d/10), byte('0'+d%10))
}

// summary prints the counts and every subscription on the file's last day.
func (rp *replayer) summary(ctx context.Context) {
	c := rp.ld.Counts
	subs := rp.ld.Subs()
	fmt.Fprintf(rp.out, "\nsummary: %s, %d applied, %d replayed, %d imported, %d unchanged, %d rejected%s; %s",
		cli.Plural(c.Rows, "row"), c.Applied, c.Replayed, c.Imported, c.Unchanged, c.Rejected, emptyRows(c.Empty), cli.Plural(len(subs), "subscription"))
	if len(subs) == 0 {
		fmt.Fprintln(rp.out)
		return
	}
	all, last, err := rp.subscriptionsOn(ctx)
	fmt.Fprintf(rp.out, " on %s:\n", last.Format(time.DateOnly))
	if err != nil {
		fmt.Fprintf(rp.out, "  (the book cannot list them: %v)\n", err)
		return
	}
	for _, s := range all {
		fmt.Fprintf(rp.out, "  %s/%s: %s\n", s.Tenant, s.Product, rp.stateOn(s, last))
	}
}

// explain prints one subscription's every move and, with -svg, its picture.
func (rp *replayer) explain(ctx context.Context) error {
	cfg := rp.cfg
	name := cfg.tenant + "/" + cfg.product
	recs, err := rp.book.History(ctx, cfg.tenant, cfg.product)
	if err != nil {
		return err
	}
	if len(recs) == 0 {
		fmt.Fprintf(rp.out, "%s: no such subscription in %s (tenants and products compare exactly, case included)%s\n",
			name, rp.source(), history.DidYouMean(rp.ld.Closest(cfg.tenant, cfg.product)))
		return cli.ErrNegative
	}
	fmt.Fprintf(rp.out, "%s: %s, oldest first\n", name, cli.Plural(len(recs), "record"))
	for _, r := range recs {
		o := r.Outcome
		op := o.Op.String()
		if o.Op != activation.Import && o.Applied != o.Op {
			op += " as " + o.Applied.String()
		}
		key := ""
		if r.KeyTail != "" {
			key = " key …" + r.KeyTail
		}
		if r.ReplacesTail != "" {
			key += " (replacing key …" + r.ReplacesTail + ")"
		}
		fmt.Fprintf(rp.out, "\n#%d %s %s%s: %s → %s\n", r.Seq, o.At.Format(time.DateOnly), op, key, state(o.Before), state(o.After))
		for _, l := range strings.Split(r.Explain(), "\n") {
			fmt.Fprintf(rp.out, "   %s\n", l)
		}
	}
	s, last, which := rp.asOf(recs)
	fmt.Fprintf(rp.out, "\nOn %s (%s): %s, %s", last.Format(time.DateOnly), which, state(s), rp.cfg.policy.State(s, last))
	if tl, err := rp.cfg.policy.Timeline(s); err == nil && !s.IsNone() {
		fmt.Fprintf(rp.out, "; expires %s, disabled %s, deleted %s", tl.End.Format(time.DateOnly),
			tl.DisabledFrom.Format(time.DateOnly), tl.DeletedOn.Format(time.DateOnly))
	}
	fmt.Fprintln(rp.out)
	if cfg.svg == "" {
		return nil
	}
	svg, err := picture.Subscription(picture.SubscriptionChart{
		Title: cfg.tenant + " / " + cfg.product, Steps: picture.StepsOf(rp.cfg.policy, recs), ProgramEnd: cfg.until,
	})
	if err != nil {
		return err
	}
	return cli.WriteFile("-svg", cfg.svg, svg)
}

func state(s activation.Subscription) string {
	if s.IsNone() {
		return "none"
	}
	return cli.Plural(s.Seats, "seat") + " until " + s.End.Format(time.DateOnly)
}

// serviceWords says what a subscription gives under the policy from a
// lifecycle date (R8, R22): volume licensing gives no service while expired.
func serviceWords(sv activation.Service) string {
	switch sv {
	case activation.FullService:
		return "fully functional"
	case activation.ReadOnlyService:
		return "read-only"
	case activation.NoService:
		return "no service"
	}
	return sv.String()
}

// worklist prints the lifecycle dates from -due's FROM to TO, by date.
func (rp *replayer) worklist(ctx context.Context) error {
	cfg := rp.cfg
	to := time.Time{} // no upper bound after 9999-12-31
	if cfg.to.Year() < 9999 || cfg.to.YearDay() < 365 {
		to = cli.NextDay(cfg.to)
	}
	ds, err := rp.book.Due(ctx, cfg.from, to)
	if err != nil {
		return err
	}
	fmt.Fprintf(rp.out, "Due from %s to %s (both included): %s, by date\n", cfg.from.Format(time.DateOnly),
		cfg.to.Format(time.DateOnly), cli.Plural(len(ds), "date"))
	for _, d := range ds {
		what := map[activation.State]string{
			activation.Expired:  "expires (grace begins, " + serviceWords(d.Service) + ")",
			activation.Disabled: "disabled (" + serviceWords(d.Service) + ")",
			activation.Deleted:  "deleted",
		}[d.State]
		if what == "" {
			what = d.State.String()
		}
		rp.listed(d.Tenant, d.Product)
		seats := ""
		if s := rp.ld.Find(d.Tenant, d.Product); s != nil {
			seats = " (" + cli.Plural(s.State.Seats, "seat") + ")"
		} else if s, ok, err := rp.book.Subscription(ctx, d.Tenant, d.Product); err == nil && ok && rp.fromDB {
			seats = " (" + cli.Plural(s.Seats, "seat") + ")"
		}
		fmt.Fprintf(rp.out, "%s  %s/%s%s %s\n", d.Date.Format(time.DateOnly), d.Tenant, d.Product, seats, what)
	}
	return nil
}
