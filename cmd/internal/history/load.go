package history

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/cmd/internal/cli"
	"github.com/coterm/coterm/token"
)

// Sub is what a [Loader] knows of a subscription it has seen in the file.
type Sub struct {
	Tenant, Product string
	State           activation.Subscription // after its last applied row
	Last            time.Time               // the day of its last row applied or imported (unchanged included)
	LastLine        int                     // that row's line
	imports         map[importKey]struct{}  // every import row recorded or unchanged
	lines           []int32                 // the line of each record, by Seq - 1
}

// importKey is an import row's content: an identical row is a replay.
type importKey struct {
	at, end int64 // Unix seconds
	seats   int
}

func importOf(row *Row) importKey { return importKey{row.At.Unix(), row.End.Unix(), row.Seats} }

// noteImport records an import row of sub, recorded or unchanged.
func (sub *Sub) noteImport(row *Row) {
	if sub.imports == nil {
		sub.imports = make(map[importKey]struct{})
	}
	sub.imports[importOf(row)] = struct{}{}
}

type subKey struct{ tenant, product string }

// Result is what became of one row.
type Result struct {
	Line int
	Row  Row // the row; zero for a row that is not well formed
	// Outcome is a redemption's result (Replayed for an identical duplicate
	// row); for an import, Before and After.
	Outcome activation.Outcome
	// Imported: an import row was recorded; Unchanged: it equalled the
	// book's state and recorded nothing; Replayed: it is identical to an
	// earlier import row of the subscription (same date, seats and end) and
	// was counted once.
	Imported, Unchanged, Replayed bool
	// Reject is why the row was rejected, empty for a row applied,
	// replayed or imported. It names the column or the rule, never a field.
	Reject string
	// Refused is true for a row well formed that the rules refused (a key
	// already redeemed, a state, the extension cap…): it changes nothing,
	// in this file or in any other order of it.
	Refused bool
	Sub     *Sub // the subscription, nil for a rejected row
}

// Counts are a replay's totals.
type Counts struct {
	Rows, Applied, Replayed, Imported, Unchanged, Rejected int
	// Empty is the rows skipped as empty (every field empty), not in Rows.
	Empty int
}

// Loader replays the rows of a history file into a Book.
type Loader struct {
	Book    *activation.Book
	Counts  Counts
	Last    time.Time // the latest day of a row applied, replayed or imported
	subs    map[subKey]*Sub
	list    []*Sub
	rejects []RejectedRow
}

// NewLoader returns a Loader replaying into book.
func NewLoader(book *activation.Book) *Loader {
	return &Loader{Book: book, subs: make(map[subKey]*Sub)}
}

// Subs returns every subscription seen in the file with at least one row
// applied or imported, in the order of their first row.
func (l *Loader) Subs() []*Sub { return l.list }

// Find returns the subscription (tenant, product), or nil.
func (l *Loader) Find(tenant, product string) *Sub { return l.subs[subKey{tenant, product}] }

// Next reads and applies the next row. Its error is io.EOF at the end, or an
// error that stops the replay (the stream cannot be read further, exit
// status 3; a store error).
func (l *Loader) Next(ctx context.Context, r *Reader) (Result, error) {
	var res Result
	err := l.NextInto(ctx, r, &res)
	return res, err
}

// NextInto is Next with the result written into *res: a Result is large,
// and a loop over a file reuses one.
func (l *Loader) NextInto(ctx context.Context, r *Reader, res *Result) error {
	row, err := r.Next()
	l.Counts.Empty = r.Empty
	if err != nil {
		var rj *Rejected
		if errors.As(err, &rj) {
			l.Counts.Rows++
			l.Counts.Rejected++
			l.rejects = append(l.rejects, RejectedRow{Line: rj.Line, Tenant: rj.Tenant, Product: rj.Product, Named: rj.Named})
			*res = Result{Line: rj.Line, Reject: rj.Reason}
			return nil
		}
		*res = Result{}
		return err
	}
	l.Counts.Rows++
	*res = Result{Line: row.Line, Row: row}
	l.apply(ctx, res)
	if res.Reject != "" {
		l.Counts.Rejected++
		l.rejects = append(l.rejects, RejectedRow{Line: row.Line, Tenant: row.Tenant, Product: row.Product, Named: true, Refused: res.Refused})
	}
	return nil
}

// apply applies res.Row, and sets the rest of *res, which holds its line
// and row and is otherwise zero.
func (l *Loader) apply(ctx context.Context, res *Result) {
	row := &res.Row
	sub := l.subs[subKey{row.Tenant, row.Product}]
	if sub == nil {
		if err := cli.CheckName(row.Tenant); err != nil {
			res.Reject = "tenant: " + err.Error()
			return
		}
		if err := cli.CheckName(row.Product); err != nil {
			res.Reject = "product: " + err.Error()
			return
		}
	}
	early := sub != nil && row.At.Before(sub.Last)
	if row.Import {
		if sub != nil {
			if _, dup := sub.imports[importOf(row)]; dup {
				// An identical earlier import: a replay, whatever lies
				// between the two copies (a file pasted twice).
				l.Counts.Replayed++
				res.Replayed, res.Sub = true, sub
				// It answers as the first copy: the state it imported.
				imported := activation.Subscription{Tenant: sub.Tenant, Product: sub.Product, Seats: row.Seats, End: row.End}
				res.Outcome = activation.Outcome{Op: activation.Import, At: row.At, After: imported, Replayed: true}
				l.seen(row.At)
				return
			}
		}
		if early {
			res.Reject = orderReason(row, sub)
			return
		}
		l.importRow(ctx, row, sub, res)
		return
	}
	if row.Op == activation.Replace {
		l.replaceRow(ctx, row, sub, res)
		return
	}
	tenant, product := row.Tenant, row.Product
	if sub != nil {
		tenant, product = sub.Tenant, sub.Product // our copies, not substrings of the line
	}
	if early {
		// The book refuses a row dated before the subscription's last
		// record, but an unchanged import recorded nothing: only a key
		// already spent may go on, to be answered as a replay or refused.
		_, spent, err := l.Book.Lookup(ctx, row.Key)
		if err != nil {
			res.Reject = row.Op.String() + ": " + err.Error()
			return
		}
		if !spent {
			res.Reject = orderReason(row, sub)
			return
		}
	}
	o, err := l.Book.Redeem(ctx, tenant, product, token.Token{Key: row.Key, Product: product, Seats: row.Seats}, row.Op, row.At)
	if err != nil {
		switch {
		case early && errors.Is(err, activation.ErrInvalid):
			res.Reject = orderReason(row, sub)
		default:
			res.Reject = row.Op.String() + ": " + err.Error() + l.spentBy(ctx, row.Key, err)
			res.Refused = !errors.Is(err, activation.ErrInvalid)
		}
		return
	}
	l.redeemed(row, sub, res, &o)
}

func (l *Loader) importRow(ctx context.Context, row *Row, sub *Sub, res *Result) {
	tenant, product := row.Tenant, row.Product
	var before activation.Subscription
	if sub != nil {
		tenant, product, before = sub.Tenant, sub.Product, sub.State
	}
	s := activation.Subscription{Tenant: tenant, Product: product, Seats: row.Seats, End: row.End}
	if sub != nil && before.Seats == s.Seats && before.End.Equal(s.End) {
		l.Counts.Unchanged++
		res.Unchanged, res.Sub = true, sub
		res.Outcome = activation.Outcome{Op: activation.Import, At: row.At, Before: before, After: before}
		sub.Last, sub.LastLine = row.At, row.Line // the subscription's last row, though it recorded nothing
		sub.noteImport(row)
		l.seen(row.At)
		return
	}
	if err := l.Book.Import(ctx, s, row.At); err != nil {
		res.Reject = "import: " + err.Error()
		return
	}
	l.Counts.Imported++
	res.Imported = true
	res.Outcome = activation.Outcome{Op: activation.Import, At: row.At, Before: before, After: s}
	res.Sub = l.update(sub, row, s)
	res.Sub.noteImport(row)
}

// update records an applied row of sub (nil: the subscription's first).
func (l *Loader) update(sub *Sub, row *Row, after activation.Subscription) *Sub {
	if sub == nil {
		sub = &Sub{Tenant: clone(row.Tenant), Product: clone(row.Product)}
		l.subs[subKey{sub.Tenant, sub.Product}] = sub
		l.list = append(l.list, sub)
	}
	after.Tenant, after.Product = sub.Tenant, sub.Product
	sub.State, sub.Last, sub.LastLine = after, row.At, row.Line
	sub.lines = append(sub.lines, int32(row.Line))
	l.seen(row.At)
	return sub
}

// seen notes the day of a row applied, replayed or imported: the file's
// last day is the latest.
func (l *Loader) seen(at time.Time) {
	if at.After(l.Last) {
		l.Last = at
	}
}

func clone(s string) string { return string([]byte(s)) }

func orderReason(row *Row, sub *Sub) string {
	return "date: " + row.At.Format(time.DateOnly) + " is before this subscription's last row (line " +
		strconv.Itoa(sub.LastLine) + ", " + sub.Last.Format(time.DateOnly) + "): the rows of a subscription must be in date order"
}

// RejectedRow is a rejected row, for deciding whether an answer is
// complete: the subscription it names (its tenant and product columns, when
// Named), and whether the rules refused it (Refused: a row well formed that
// the book refused, which would change nothing) or it could not be read.
// Tenant and Product are for comparing, never for printing.
type RejectedRow struct {
	Line            int
	Tenant, Product string
	Named, Refused  bool
}

// Rejects returns the rejected rows so far, in file order.
func (l *Loader) Rejects() []RejectedRow { return l.rejects }

// Concerns reports whether the rejected row may concern the subscription
// (tenant, product): it names it, or names none that can be read.
func (r RejectedRow) Concerns(tenant, product string) bool {
	return !r.Named || (r.Tenant == tenant && r.Product == product)
}

// spentBy is, for err of a redemption of key k that was already redeemed
// (R2), " (line N spent it)", the line of the file whose row spent it; empty
// for any other error or a key not spent through this file.
func (l *Loader) spentBy(ctx context.Context, k token.Key, err error) string {
	if !errors.Is(err, activation.ErrAlreadyRedeemed) {
		return ""
	}
	rec, ok, lerr := l.Book.Lookup(ctx, k)
	if lerr != nil || !ok {
		return ""
	}
	sub := l.subs[subKey{rec.Outcome.After.Tenant, rec.Outcome.After.Product}]
	if sub == nil || rec.Seq < 1 || rec.Seq > int64(len(sub.lines)) {
		return ""
	}
	return " (line " + strconv.Itoa(int(sub.lines[rec.Seq-1])) + " of the file spent it)"
}
