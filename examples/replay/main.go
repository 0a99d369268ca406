// Replay applies a file of product-key redemptions, in order, to the
// subscriptions they name, exactly as a service would: through an
// activation.Redeemer with an in-memory ledger, so that each key is redeemed
// once (R2).
//
// Usage:
//
//	go run ./examples/replay [-q] [-policy NAME] history.csv
//
// The file is CSV with a header row and six fields per row:
//
//	date,tenant,product,key,seats,operation
//	2026-01-15,contoso,M365-E3,AAAA1-BBBB2-CCCC3-DDDD4-EEEE5,100,activate
//
// date is YYYY-MM-DD; key is a product key in any accepted spelling (R1);
// seats is 1 … 1,000,000,000; operation is add-seats (or add), extend-end (or
// extend), renew or activate. "-" as the file name reads standard input.
//
// Replay keeps one subscription per (tenant, product), which starts with none
// (only activate applies to it), and prints, for each row, the subscription's
// seats, end date and state after it. A bad row — a malformed date, key,
// seats or operation, a wrong number of fields, a key already redeemed, or an
// operation the rules refuse (state, extension cap, product) — is reported
// with its line number and reason and skipped; every other row is still
// applied. A key is never printed in clear, only masked. The end is a
// summary: rows applied and rejected, and every subscription with its state on
// the last day of the file.
//
// Flags:
//
//	-q            quiet: print only rejected rows and the summary
//	-policy NAME  partner-center (default), open-2014 (or open2014), direct-purchase,
//	              enterprise-multi-year, volume-licensing: activation.PolicyByName
//
// Exit status: 0 if every row was applied, 1 if any row was rejected or the
// file could not be read, 2 for bad usage.
//
// Reading streams CSV exactly as encoding/csv reads it (a line without quotes
// is split directly, a line with quotes goes to encoding/csv), one reused
// record at a time: memory is constant per row, apart from the ledger, which
// keeps one record per redeemed key (that is what makes a key redeemable
// once; about 130 bytes each), and one subscription per (tenant, product).
// A million rows take about 1.5 s and 170 MB on two cores.
package main

import (
	"bufio"
	"cmp"
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
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

// errRejected says that at least one row was rejected: exit status 1.
var errRejected = errors.New("replay: rows rejected")

func exitCode(err error) int {
	var ue *usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ue):
		return 2
	default:
		return 1
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("replay", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	quiet := fs.Bool("q", false, "quiet: print only rejected rows and the summary")
	policy := fs.String("policy", "partner-center", "the rules: "+strings.Join(activation.PolicyNames(), ", ")+" (or open2014)")
	help := false
	fs.Usage = func() { help = true }
	if err := fs.Parse(args); err != nil {
		if help && errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stderr)
			fmt.Fprintf(stderr, "usage: replay [-q] [-policy NAME] history.csv\n\n"+
				"Applies the redemptions of a CSV file (date,tenant,product,key,seats,operation; a header row)\n"+
				"in order, exactly once per key, and prints each subscription's state after every row.\n\nFlags:\n")
			fs.PrintDefaults()
			return nil
		}
		fmt.Fprintf(stderr, "replay: %v\n", err)
		return &usageError{msg: err.Error()}
	}
	p, err := activation.PolicyByName(*policy)
	if err != nil {
		msg := fmt.Sprintf("-policy: unknown policy, want one of %s", strings.Join(activation.PolicyNames(), ", "))
		fmt.Fprintf(stderr, "replay: %s\n", msg)
		return &usageError{msg: msg}
	}
	if fs.NArg() != 1 {
		msg := "want exactly one file name (or - for standard input)"
		fmt.Fprintf(stderr, "replay: %s\n", msg)
		return &usageError{msg: msg}
	}
	var in io.Reader = os.Stdin
	if name := fs.Arg(0); name != "-" {
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintf(stderr, "replay: %v\n", err)
			return err
		}
		defer f.Close()
		in = f
	}
	bw := bufio.NewWriterSize(stdout, 64<<10)
	rp := newReplayer(p, bw, *quiet)
	err = rp.replay(context.Background(), in)
	rp.summary()
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		fmt.Fprintf(stderr, "replay: %v\n", err)
		return err
	}
	if rp.rejected > 0 {
		return errRejected
	}
	return nil
}

// subKey identifies a subscription: one per (tenant, product).
type subKey struct{ tenant, product string }

// replayer applies rows and keeps the subscriptions.
type replayer struct {
	policy   activation.Policy
	ledger   *activation.MemoryLedger
	redeemer *activation.Redeemer
	out      *bufio.Writer
	quiet    bool

	subs map[subKey]*activation.Subscription // one lookup per row, updated in place
	last time.Time                           // the latest date of the file: the summary's day

	rows, applied, replayed, rejected int
	buf                               []byte // one output line
}

func newReplayer(p activation.Policy, out *bufio.Writer, quiet bool) *replayer {
	l := activation.NewMemoryLedger()
	return &replayer{
		policy: p, ledger: l, redeemer: &activation.Redeemer{Policy: p, Ledger: l},
		out: out, quiet: quiet, subs: make(map[subKey]*activation.Subscription),
	}
}

var header = []string{"date", "tenant", "product", "key", "seats", "operation"}

// replay reads the CSV stream row by row. It returns an error only when the
// stream cannot be read or has no valid header; bad rows are counted.
func (rp *replayer) replay(ctx context.Context, r io.Reader) error {
	cr := newRowReader(r, len(header))
	rec, _, err := cr.Read()
	switch {
	case err == io.EOF:
		return errors.New("empty file: want a header row " + strings.Join(header, ","))
	case err != nil:
		return fmt.Errorf("line 1: want a header row %s: %w", strings.Join(header, ","), err)
	}
	for i, h := range header {
		if !strings.EqualFold(strings.TrimSpace(rec[i]), h) {
			return fmt.Errorf("line 1: want a header row %s", strings.Join(header, ","))
		}
	}
	for {
		rec, line, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return err // an I/O error: stop
			}
			rp.rows++
			if errors.Is(err, csv.ErrFieldCount) {
				rp.reject(pe.StartLine, fmt.Sprintf("%d fields, want %d (%s)", len(rec), len(header), strings.Join(header, ",")))
			} else {
				rp.reject(pe.StartLine, "malformed CSV: "+pe.Err.Error())
			}
			continue
		}
		rp.rows++
		rp.row(ctx, line, rec)
	}
}

// row applies one well-formed record.
func (rp *replayer) row(ctx context.Context, line int, rec []string) {
	at, err := parseDate(rec[0])
	if err != nil {
		rp.reject(line, "date: "+err.Error())
		return
	}
	tenant, product := strings.TrimSpace(rec[1]), strings.TrimSpace(rec[2])
	if tenant == "" {
		rp.reject(line, "tenant: empty")
		return
	}
	if product == "" {
		rp.reject(line, "product: empty")
		return
	}
	key, err := token.ParseKey(rec[3])
	if err != nil {
		rp.reject(line, "key: "+err.Error()) // a *SyntaxError never contains the key
		return
	}
	seats, err := strconv.Atoi(strings.TrimSpace(rec[4]))
	if err != nil || seats < token.MinSeats || seats > token.MaxSeats {
		rp.reject(line, "seats: not a whole number 1 … 1,000,000,000")
		return
	}
	op, err := activation.ParseOperation(strings.TrimSpace(rec[5]))
	if err != nil {
		rp.reject(line, "operation: unknown, want add-seats, extend-end, renew or activate")
		return
	}

	sub := rp.subs[subKey{tenant, product}]
	s := activation.Subscription{Tenant: tenant, Product: product}
	if sub != nil {
		s = *sub // its Tenant and Product are our own copies, not substrings of the CSV line
		product = s.Product
	}
	o, err := rp.redeemer.Redeem(ctx, s, token.Token{Key: key, Product: product, Seats: seats}, op, at)
	if err != nil {
		rp.reject(line, op.String()+": "+err.Error())
		return
	}
	if at.After(rp.last) {
		rp.last = at
	}
	if sub == nil {
		k := subKey{strings.Clone(tenant), strings.Clone(product)}
		sub = &activation.Subscription{Tenant: k.tenant, Product: k.product}
		rp.subs[k] = sub
	}
	after := o.After
	after.Tenant, after.Product = sub.Tenant, sub.Product
	*sub = after
	if o.Replayed {
		rp.replayed++
	} else {
		rp.applied++
	}
	if rp.quiet {
		return
	}
	// "line %d: %s %s %s key %s: %s/%s %d seats until %s, %s\n", appended
	// into a reused buffer: fmt costs more than the rest of the row.
	b := append(rp.buf[:0], "line "...)
	b = strconv.AppendInt(b, int64(line), 10)
	if o.Replayed {
		b = append(b, ": replayed "...)
	} else {
		b = append(b, ": applied "...)
	}
	b = appendDate(b, at)
	b = append(b, ' ')
	b = append(b, op.String()...)
	if o.Applied != op {
		b = append(b, " as "...)
		b = append(b, o.Applied.String()...)
	}
	b = append(b, " key "...)
	b = append(b, key.Masked()...)
	b = append(b, ": "...)
	b = append(b, after.Tenant...)
	b = append(b, '/')
	b = append(b, after.Product...)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(after.Seats), 10)
	b = append(b, " seats until "...)
	b = appendDate(b, after.End)
	b = append(b, ", "...)
	b = append(b, rp.policy.State(after, at).String()...)
	b = append(b, '\n')
	rp.out.Write(b) // a bufio.Writer keeps its first error; run reports it at Flush
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

func (rp *replayer) reject(line int, reason string) {
	rp.rejected++
	fmt.Fprintf(rp.out, "line %d: REJECTED: %s\n", line, reason)
}

// summary prints the counts and every subscription on the file's last day.
func (rp *replayer) summary() {
	fmt.Fprintf(rp.out, "\nsummary: %d rows, %d applied, %d replayed, %d rejected; %d keys in the ledger; %d subscriptions",
		rp.rows, rp.applied, rp.replayed, rp.rejected, rp.ledger.Len(), len(rp.subs))
	if len(rp.subs) == 0 {
		fmt.Fprintln(rp.out)
		return
	}
	fmt.Fprintf(rp.out, " on %s:\n", rp.last.Format(time.DateOnly))
	keys := make([]subKey, 0, len(rp.subs))
	for k := range rp.subs {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b subKey) int {
		return cmp.Or(cmp.Compare(a.tenant, b.tenant), cmp.Compare(a.product, b.product))
	})
	for _, k := range keys {
		s := *rp.subs[k]
		fmt.Fprintf(rp.out, "  %s/%s: %d seats until %s, %s\n", k.tenant, k.product, s.Seats,
			s.End.Format(time.DateOnly), rp.policy.State(s, rp.last))
	}
}

// parseDate parses YYYY-MM-DD strictly, as time.Parse(time.DateOnly, …) does
// (TestParseDate compares them), without echoing the input and without the
// general layout machinery: it runs once per row.
func parseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if len(s) != len(time.DateOnly) || s[4] != '-' || s[7] != '-' {
		return time.Time{}, errNotDate
	}
	y, ok1 := digits(s[0:4])
	m, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:10])
	if !ok1 || !ok2 || !ok3 {
		return time.Time{}, errNotDate
	}
	if y < proration.MinYear || m < 1 || m > 12 || d < 1 {
		return time.Time{}, errNotDate
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d { // exact: 2027-02-29 is no date (time.Date would give March 1)
		return time.Time{}, errNotDate
	}
	return t, nil
}

var errNotDate = errors.New("not a date YYYY-MM-DD")

// digits parses a string of ASCII digits.
func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = 10*n + int(c-'0')
	}
	return n, true
}
