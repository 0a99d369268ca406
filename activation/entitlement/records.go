package entitlement

import (
	"context"
	"iter"
	"time"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/token"
)

// Grant is what a program year grants a location in a pool, from a day on:
// Quantity seats or licences, interchangeable within the pool (R14). A grant
// that grows during the year (more tokens as the partner qualifies, R21) is
// several Grants with their days; they add up.
type Grant struct {
	Location   string
	Membership Membership
	// Year is the Start of the program year, one of the location's Years of
	// that membership.
	Year time.Time
	Pool string
	// Kind says whether the grant is core, from a toolkit, or for
	// demonstration and training.
	Kind Kind
	// Quantity is 1 … MaxQuantity.
	Quantity int
	// Day is the first day the grant counts, within its year; the zero time
	// means the year's Start.
	Day time.Time
}

// Online is one state of an online subscription from a day on, as a book's
// record holds it: the subscription after the change (its tenant, product,
// seats and end date) and the day of the change. The latest state on or
// before a day is the subscription on that day; a state with no term
// (Seats 0 and a zero End) means the tenant has none from that day.
type Online struct {
	From         time.Time
	Subscription activation.Subscription
}

// Deployment is one on-premises change: Quantity licences of a pool's
// licence deployed at, or removed from, a location on a day, for a reason.
// The licences deployed at a location on a day are the deployments minus the
// removals up to that day, which may not fall below zero.
type Deployment struct {
	Location string
	Licence  string
	Change   Change
	Quantity int // 1 … MaxQuantity
	Day      time.Time
	// Reason says why, for the history; it may be empty.
	Reason string
}

// IssuedToken is one product key issued for a program year's grant in a
// pool (R21), known by its fingerprint only: the key itself is never given.
type IssuedToken struct {
	Fingerprint token.Fingerprint
	Location    string
	Membership  Membership
	Year        time.Time // the Start of the program year
	Pool        string
	// ActivateBy is "the date before which to activate the benefit": the
	// first day the key is late. The zero time means none.
	ActivateBy time.Time
	// Redeemed is the day the key was redeemed; the zero time means it has
	// not been.
	Redeemed time.Time
}

// Source gives the records a [Partner] computes on: grants, online
// subscription states, on-premises changes and issued tokens, each as a
// stream (an iterator that yields a record or an error). Every call reads
// anew; a Source may be read many times, by several goroutines at once.
// [Records.Source] is the Source held in memory.
type Source interface {
	// Grants yields every grant, in any order.
	Grants(ctx context.Context) iter.Seq2[Grant, error]
	// Online yields every state of every online subscription; the states
	// of one subscription in the order they were recorded, so that of two
	// states from one day the later read is the one that holds.
	Online(ctx context.Context) iter.Seq2[Online, error]
	// Deployments yields every on-premises change, in any order.
	Deployments(ctx context.Context) iter.Seq2[Deployment, error]
	// Tokens yields every issued token, each once, with its redemption
	// day as recorded now.
	Tokens(ctx context.Context) iter.Seq2[IssuedToken, error]
}

// Records is a [Source] in memory: the records as slices, read in order.
type Records struct {
	Grants      []Grant
	Online      []Online
	Deployments []Deployment
	Tokens      []IssuedToken
}

// each streams s, stopping at a cancelled context.
func each[T any](ctx context.Context, s []T) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for i := range s {
			if i&1023 == 0 {
				if err := ctx.Err(); err != nil {
					var zero T
					yield(zero, err)
					return
				}
			}
			if !yield(s[i], nil) {
				return
			}
		}
	}
}

// Source returns r as a [Source]. It copies the slices, so that changing r
// afterwards changes nothing the Source gives.
func (r Records) Source() Source {
	return memSource{Records{
		Grants:      append([]Grant(nil), r.Grants...),
		Online:      append([]Online(nil), r.Online...),
		Deployments: append([]Deployment(nil), r.Deployments...),
		Tokens:      append([]IssuedToken(nil), r.Tokens...),
	}}
}

// memSource is Records as a Source.
type memSource struct{ r Records }

func (m memSource) Grants(ctx context.Context) iter.Seq2[Grant, error] {
	return each(ctx, m.r.Grants)
}
func (m memSource) Online(ctx context.Context) iter.Seq2[Online, error] {
	return each(ctx, m.r.Online)
}
func (m memSource) Deployments(ctx context.Context) iter.Seq2[Deployment, error] {
	return each(ctx, m.r.Deployments)
}
func (m memSource) Tokens(ctx context.Context) iter.Seq2[IssuedToken, error] {
	return each(ctx, m.r.Tokens)
}
