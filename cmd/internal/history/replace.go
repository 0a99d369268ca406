package history

import (
	"context"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/token"
)

// replacedKey completes a replace row with the key it replaces, the
// seventh column col; reason is empty for a good row.
func replacedKey(row Row, col string) (_ Row, reason string) {
	if col == "" {
		return row, "replace: needs the key it replaces in the seventh column (add a 7th column end to the header)"
	}
	k, err := token.ParseKey(col)
	if err != nil {
		return row, "replaced key (7th column): " + keyReason(err)
	}
	row.Replaces = k
	return row, ""
}

// replaceRow records a replace row through Book.Replace: its key replaces
// the one in its seventh column, which must have been redeemed on the row's
// subscription.
func (l *Loader) replaceRow(ctx context.Context, row *Row, sub *Sub, res *Result) {
	tenant, product := row.Tenant, row.Product
	if sub != nil {
		tenant, product = sub.Tenant, sub.Product
	}
	orig, ok, err := l.Book.Lookup(ctx, row.Replaces)
	switch {
	case err != nil:
		res.Reject = "replace: " + err.Error()
		return
	case ok && (orig.Outcome.After.Tenant != tenant || orig.Outcome.After.Product != product):
		res.Reject = "replace: the replaced key was redeemed on another subscription"
		return
	}
	o, err := l.Book.Replace(ctx, row.Replaces, token.Token{Key: row.Key, Product: product, Seats: row.Seats}, row.At)
	if err != nil {
		res.Reject = "replace: " + err.Error()
		return
	}
	l.redeemed(row, sub, res, &o)
}

// redeemed counts a redemption or replacement the book answered with o.
func (l *Loader) redeemed(row *Row, sub *Sub, res *Result, o *activation.Outcome) {
	res.Outcome = *o
	if o.Replayed {
		l.Counts.Replayed++
		res.Sub = sub
		l.seen(row.At)
		return
	}
	l.Counts.Applied++
	res.Sub = l.update(sub, row, o.After)
}
