package entitlement

import (
	"context"
	"fmt"
	"iter"
	"time"

	"github.com/coterm/coterm/activation"
)

// BookSource is a [Source] whose online subscriptions are a Book's: every
// record of every subscription the Book tracks gives the state after it
// (Outcome.After, imports included) from its day on (Outcome.At), one
// subscription's records in their order. Its issued tokens are Records' with
// the redemption day the Book holds: a token whose key the Book's Journal
// has spent takes that record's day, one it has no record of keeps the day
// Records gives. Grants and deployments are Records'; Records.Online is not
// read. The Book is read anew on every call, a page at a time
// (Book.SubscriptionsSeq, Book.HistorySeq): memory is flat in the size of
// the book on a PagedJournal.
type BookSource struct {
	Book    *activation.Book
	Records Records
}

// Grants yields Records.Grants.
func (s BookSource) Grants(ctx context.Context) iter.Seq2[Grant, error] {
	return each(ctx, s.Records.Grants)
}

// Deployments yields Records.Deployments.
func (s BookSource) Deployments(ctx context.Context) iter.Seq2[Deployment, error] {
	return each(ctx, s.Records.Deployments)
}

// Online yields the state after each of the Book's records, from its day.
func (s BookSource) Online(ctx context.Context) iter.Seq2[Online, error] {
	return func(yield func(Online, error) bool) {
		if s.Book == nil || s.Book.Journal == nil {
			yield(Online{}, errNoBook)
			return
		}
		for sub, err := range s.Book.SubscriptionsSeq(ctx) {
			if err != nil {
				yield(Online{}, err)
				return
			}
			for rec, err := range s.Book.HistorySeq(ctx, sub.Tenant, sub.Product) {
				if err != nil {
					yield(Online{}, err)
					return
				}
				if !yield(Online{From: rec.Outcome.At, Subscription: rec.Outcome.After}, nil) {
					return
				}
			}
		}
	}
}

// Tokens yields Records.Tokens, each with the day the Book's Journal
// recorded its key spent, if it did.
func (s BookSource) Tokens(ctx context.Context) iter.Seq2[IssuedToken, error] {
	return func(yield func(IssuedToken, error) bool) {
		if s.Book == nil || s.Book.Journal == nil {
			yield(IssuedToken{}, errNoBook)
			return
		}
		for t, err := range each(ctx, s.Records.Tokens) {
			if err == nil {
				t.Redeemed, err = redeemedOn(ctx, s.Book.Journal, t)
			}
			if !yield(t, err) || err != nil {
				return
			}
		}
	}
}

// redeemedOn returns the day j recorded t's key spent, or t.Redeemed if j
// has no record of it.
func redeemedOn(ctx context.Context, j activation.Journal, t IssuedToken) (time.Time, error) {
	if t.Fingerprint.IsZero() {
		return t.Redeemed, nil
	}
	rec, spent, err := j.Lookup(ctx, t.Fingerprint)
	if err != nil || !spent {
		return t.Redeemed, err
	}
	return rec.Outcome.At.UTC(), nil
}

// errNoBook is what a BookSource without a Book or a Journal gives.
var errNoBook = fmt.Errorf("%w: a BookSource needs a Book with a Journal", ErrInvalid)
