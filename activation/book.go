package activation

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/coterm/coterm/internal/daymath"
	"github.com/coterm/coterm/token"
)

// Book keeps every tenant's subscriptions and their history in a [Journal],
// exactly once per key (R2) and with no lost update, for any number of Books
// in any number of processes sharing one Journal. A subscription (tenant,
// product, byte for byte) has records at Seq 1, 2, 3, …; the last is its
// head. Redeem computes on the head and appends at its Seq + 1, reading the
// head again while another record takes the place, for as long as ctx
// allows; a stale head it remembers costs a retry, never an answer. A spent
// key answers first: the identical request (key, names, token, operation
// and day; not the state before) replays its Outcome, any other is
// [ErrAlreadyRedeemed]. A refusal records nothing; retrying after a store
// error converges on one record. Use a Book through a pointer; do not copy
// it or replace its Journal after first use.
type Book struct {
	// Policy computes every redemption and the lifecycle dates of Due. Its
	// Name, recorded with every record, must be empty or pass [CheckName].
	Policy Policy
	// Journal stores the records. It must not be nil.
	Journal Journal

	// Clock, if not nil, gives the wall-clock time recorded as
	// Record.RecordedAt (for tests); nil means time.Now.
	Clock func() time.Time
	// Retries, if not nil, counts every recomputation after an Append failed
	// to store because its place was taken.
	Retries *atomic.Int64

	cache   headCache // the last head seen per subscription
	marks   marks     // contention and lost records seen per subscription
	combine combiner  // redemptions queued on contended subscriptions
}

// ErrChanged: [Book.RedeemIfUnchanged] found the subscription changed since
// the preview it names. Nothing was recorded; the key is not spent.
var ErrChanged = errors.New("activation: subscription changed since the preview")

const (
	historyPage = 1000 // how many records History asks the Journal for at once
	anySeq      = -1   // the expected Seq of a Redeem that accepts any head
	// notTheRequest says what a Journal broke by answering with a record
	// that does not answer the request.
	notTheRequest = "it returned a record that does not answer the request"
)

// Import records a subscription as it stands elsewhere (the admin portal) on
// day at, to start tracking it or correct it: a record with Op [Import], its
// Before the head's After, its After s (End as a date at 00:00 UTC). An
// import equal to the head records nothing. s must be valid, its names pass
// [CheckName], and at must not be before the subscription's last record.
func (b *Book) Import(ctx context.Context, s Subscription, at time.Time) error {
	if err := b.check(ctx, "import"); err != nil {
		return err
	}
	if err := checkNames(s.Tenant, s.Product); err != nil {
		return err
	}
	end, err := validateSubscription(&s)
	if err != nil {
		return err
	}
	if !s.IsNone() {
		s.End = end.Time()
	}
	day, err := dayOf("import day", at)
	if err != nil {
		return err
	}
	if b.marks.isLost(s.Tenant, s.Product) {
		return lostRecords("book: import")
	}
	for {
		if err := ctx.Err(); err != nil {
			return wrapErr("book: import", err)
		}
		head, ok, err := b.head(ctx, s.Tenant, s.Product)
		if err != nil {
			return err
		}
		before := Subscription{Tenant: s.Tenant, Product: s.Product}
		if ok {
			if err := checkOrder(day, head.day); err != nil {
				return err
			}
			before = head.after
		}
		if sameState(before, s) {
			return nil
		}
		rec := Record{
			Outcome: Outcome{
				Op: Import, Applied: Import, At: day.Time(),
				Before: before, After: s, StateBefore: b.Policy.State(before, at),
			},
			Seq: head.seq + 1, Policy: b.Policy.Name, RecordedAt: b.now(),
		}
		stored, taken, err := b.Journal.Append(ctx, rec)
		switch {
		case err != nil:
			b.cache.forget(s.Tenant, s.Product)
			return wrapErr("book: import: journal", err)
		case taken == PlaceTaken && samePlace(&stored, &rec):
			b.retried()
			continue
		case taken != NothingTaken:
			return brokenStore("book: import", notTheRequest)
		}
		b.cache.put(nil, &tip{seq: rec.Seq, day: day, after: s})
		return nil
	}
}

// sameState reports whether a and b are the same subscription state: the
// same seats and end date (as dates).
func sameState(a, b Subscription) bool {
	if a.IsNone() || b.IsNone() {
		return a.IsNone() && b.IsNone()
	}
	return a.Seats == b.Seats && daymath.Of(a.End) == daymath.Of(b.End)
}

// Subscription returns the current state of (tenant, product); ok is false if
// the book has none.
func (b *Book) Subscription(ctx context.Context, tenant, product string) (s Subscription, ok bool, err error) {
	if err := b.check(ctx, "subscription"); err != nil {
		return Subscription{}, false, err
	}
	if err := checkNames(tenant, product); err != nil {
		return Subscription{}, false, err
	}
	head, ok, err := b.head(ctx, tenant, product)
	return head.after, ok, err
}

// Subscriptions returns the current state of every subscription the book
// tracks, ordered by tenant, then product (byte order): what
// [Book.SubscriptionsSeq] yields, read as it reads (a page at a time).
func (b *Book) Subscriptions(ctx context.Context) ([]Subscription, error) {
	return collect([]Subscription{}, b.SubscriptionsSeq(ctx))
}

// Redeem applies the key to the current state of (tenant, product), none if
// untracked (only Activate applies, R7), and records it exactly once (see
// [Book]). The Outcome is new, or the identical request's (Replayed); its
// Token.Key is t.Key. A refusal, or a day before the last record
// ([ErrInvalid]), records nothing.
func (b *Book) Redeem(ctx context.Context, tenant, product string, t token.Token, op Operation, at time.Time) (Outcome, error) {
	return b.redeem(ctx, tenant, product, anySeq, &t, op, at)
}

// RedeemIfUnchanged is [Book.Redeem] that succeeds only if the subscription's
// head is still at seq, the Seq of a [Book.Preview] (0: still untracked):
// otherwise it fails with [ErrChanged] and records nothing. A request for a
// recorded key answers as in Redeem, before this check.
func (b *Book) RedeemIfUnchanged(ctx context.Context, tenant, product string, seq int64, t token.Token, op Operation, at time.Time) (Outcome, error) {
	if seq < 0 {
		return Outcome{}, invalid("book: redeem: Seq %d, want 0 or more", seq)
	}
	return b.redeem(ctx, tenant, product, seq, &t, op, at)
}

func changed(want int64, t *token.Token) error {
	return fmt.Errorf("%w (previewed at record %d): %v not redeemed", ErrChanged, want, t.Key)
}

// History returns every record of (tenant, product), oldest first, with
// dates in UTC. It is empty for a subscription the book does not track.
func (b *Book) History(ctx context.Context, tenant, product string) ([]Record, error) {
	var out []Record
	err := b.historyPages(ctx, tenant, product, false, func(page []Record) bool {
		if out == nil {
			out = page // the common case, one page: no copy
		} else {
			out = append(out, page...)
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Lookup returns the record of key k, if it is spent: redeemed through a
// Book (Seq ≥ 1) or claimed through a [Redeemer] on a store that is also a
// [Ledger] (Seq 0).
func (b *Book) Lookup(ctx context.Context, k token.Key) (Record, bool, error) {
	if err := b.check(ctx, "lookup"); err != nil {
		return Record{}, false, err
	}
	if k.IsZero() {
		return Record{}, false, invalid("book: lookup: zero key")
	}
	fp := k.Fingerprint()
	rec, ok, err := b.Journal.Lookup(ctx, fp)
	switch {
	case err != nil:
		return Record{}, false, wrapErr("book: lookup "+k.String()+": journal", err)
	case ok && rec.Fingerprint != fp:
		return Record{}, false, brokenStore("book: lookup "+k.String(), notTheRequest)
	}
	return recordUTC(rec), ok, nil
}

// check refuses a nil Book, a Book without a Journal or with an invalid
// Policy, and a nil context.
func (b *Book) check(ctx context.Context, what string) error {
	switch {
	case b == nil:
		return invalid("book: %s: nil Book", what)
	case b.Journal == nil:
		return invalid("book: %s: Book has no Journal", what)
	case ctx == nil:
		return invalid("book: %s: nil context", what)
	}
	if err := b.Policy.Validate(); err != nil {
		return wrapErr("book: "+what, err)
	}
	return checkPolicyName(&b.Policy)
}
