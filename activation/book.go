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

// Book keeps every tenant's subscriptions and their history in a [Journal]:
// exactly once per key, with no lost update, for any number of Books in any
// number of processes sharing one Journal.
//
// # Histories
//
// Each subscription, named by (tenant, product), has a history: records with
// Seq 1, 2, 3, …, each holding an [Outcome] whose Before is the previous
// record's After (none for the first). Redemptions ([Book.Redeem]) and
// imports ([Book.Import], Operation [Import]) are both records, so the
// history explains every change of seats and end date. The current state is
// the last record's After (the head).
//
// # Exactly once, no lost update
//
// Redeem reads the head, computes the redemption on it with Policy, and
// appends the record at Seq = head's Seq + 1. The Journal stores it only if
// that place is free and the key's fingerprint is new. If the place is taken
// (another redemption or import came first), Redeem reads the new head,
// recomputes and tries again, for as long as ctx allows. If the key is taken,
// the request answers as one for a recorded key.
//
// A request for a recorded key answers before any other check (the day
// order, a preview's Seq, the policy): the identical request — same key,
// tenant, product, the token's product, seats and term, operation and day,
// but not the state before — replays the recorded Outcome with Replayed set,
// even after other keys moved the subscription on; any other request is
// [ErrAlreadyRedeemed], whose message says nothing about the first. A refused
// redemption and bad input record nothing and do not spend the key.
//
// # Failures of the store
//
// A Journal error is returned wrapped (errors.Is finds it), never as a
// refusal: when an answer depends on a store call that failed, the error is
// the store's. The store may have committed before failing; retrying the
// identical request then replays the recorded Outcome, so retries converge
// on exactly one applied record.
//
// # Bad input
//
// Tenants and products are compared byte for byte and must be 1 … 256 bytes
// of valid UTF-8 without characters of the Unicode categories Cc, Cf, Zl or
// Zp, and must not themselves be a product key (the error does not echo
// them). A day before the subscription's last record, a key for another
// product, a zero key, a nil Journal or context are errors too. All wrap
// [ErrInvalid] (or [ErrProductMismatch]) and change nothing.
//
// # One round trip
//
// A Book remembers the last head it read or appended per subscription and
// computes a redemption on it first, so that a redemption usually costs one
// call to the Journal. A remembered head is only a guess: if another Book
// moved the subscription on, the Append finds its place taken (or a gap,
// [ErrGap]) and the redemption is computed again on the head read from the
// Journal; a refusal is never answered from a remembered head. ErrGap on a
// head read from the Journal is the store's error. A Book's Journal must not
// be replaced after first use. Use a Book through a pointer and
// do not copy it after first use.
type Book struct {
	// Policy computes every redemption and the lifecycle dates of Due. Its
	// Name is recorded with every record: it must be empty or pass the rules
	// of a tenant's name (see Bad input), or every call is an error wrapping
	// [ErrInvalid].
	Policy Policy
	// Journal stores the records. It must not be nil.
	Journal Journal

	// Clock, if not nil, gives the wall-clock time recorded as
	// Record.RecordedAt (for tests); nil means time.Now.
	Clock func() time.Time
	// Retries, if not nil, counts every recomputation after an Append
	// failed to store: one for each Append of a redemption or import that
	// found its place taken (on a head read from the Journal or remembered),
	// and one for each Append on a remembered head refused with [ErrGap].
	// A redemption first refused on a remembered head and then decided on
	// the head read from the Journal is not counted (no Append was made).
	Retries *atomic.Int64

	// cache holds the last head this Book saw per subscription (see
	// headCache). A Book must not be copied after first use.
	cache headCache
}

// ErrChanged: [Book.RedeemIfUnchanged] found the subscription changed since
// the preview it names. Nothing was recorded; the key is not spent.
var ErrChanged = errors.New("activation: subscription changed since the preview")

// historyPage is how many records History asks the Journal for at once.
const historyPage = 1000

// anySeq is the expected Seq of a Redeem that accepts any head.
const anySeq = -1

// notTheRequest says what a Journal broke when it returned a record that does
// not answer the request.
const notTheRequest = "it returned a record that does not answer the request"

// Import records a subscription as it stands elsewhere (the admin portal) on
// day at: it starts tracking it, or records a correction of one already
// tracked. No key is involved. The record's Op is [Import], its Before the
// head's After (none for the first), its After s with End as a date at
// 00:00 UTC. An import equal to the head — or a none subscription for one
// the book does not track — records nothing.
//
// s must be valid ([Subscription.Validate]) with a tenant and product a Book
// accepts; at must not be before the subscription's last record.
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
			if err := checkOrder(day, &head); err != nil {
				return err
			}
			before = head.Outcome.After
		}
		if sameState(before, s) {
			return nil
		}
		rec := Record{
			Outcome: Outcome{
				Op: Import, Applied: Import, At: day.Time(),
				Before: before, After: s, StateBefore: b.Policy.State(before, at),
			},
			Seq: head.Seq + 1, Policy: b.Policy.Name, RecordedAt: b.now(),
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
		b.cache.put(&rec)
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
	if err != nil || !ok {
		return Subscription{}, false, err
	}
	return head.Outcome.After, true, nil
}

// Subscriptions returns the current state of every subscription the book
// tracks, ordered by tenant, then product (byte order).
func (b *Book) Subscriptions(ctx context.Context) ([]Subscription, error) {
	if err := b.check(ctx, "subscriptions"); err != nil {
		return nil, err
	}
	heads, err := b.Journal.Heads(ctx, time.Time{}, time.Time{})
	if err != nil {
		return nil, wrapErr("book: subscriptions: journal", err)
	}
	out := make([]Subscription, len(heads))
	for i := range heads {
		out[i] = recordUTC(heads[i]).Outcome.After
	}
	return out, nil
}

// Redeem applies the key to the current state of (tenant, product) and
// records it, exactly once. A subscription the book does not track starts
// from none (only Activate applies, R7). See [Book] for what answers a
// request for a recorded key, the retries after a lost race, and store
// failures.
//
// On success the Outcome is the new one (Replayed false) or the recorded one
// of this identical request (Replayed true); its Token.Key is t.Key. A refusal
// ([ErrNotAllowed], [ErrExtensionCap], [ErrProductMismatch], [ErrSeatLimit],
// [ErrInvalid] for bad input or a day before the last record) records
// nothing.
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

func (b *Book) redeem(ctx context.Context, tenant, product string, want int64, t *token.Token, op Operation, at time.Time) (Outcome, error) {
	if err := b.check(ctx, "redeem"); err != nil {
		return Outcome{}, err
	}
	if err := checkRequest(tenant, product, t); err != nil {
		return Outcome{}, err
	}
	fp := t.Key.Fingerprint()
	id := requestID(bookDomain, fp, tenant, product, nil, t, op, at)
	where := "book: redeem " + t.Key.String() + ": journal"
	for {
		if err := ctx.Err(); err != nil {
			return Outcome{}, wrapErr("book: redeem "+t.Key.String(), err)
		}
		// Compute on the head this Book saw last, if any: one round trip
		// when nobody else moved the subscription.
		head, ok := b.cache.get(tenant, product)
		cached := ok
		if !cached {
			var err error
			if head, ok, err = b.head(ctx, tenant, product); err != nil {
				return Outcome{}, err
			}
			if ok {
				b.cache.put(&head)
			}
		}
		rec, err := b.compute(&head, ok, tenant, product, want, t, op, at)
		if err != nil {
			if cached { // never refuse on a guess: read the head and decide again
				b.cache.forget(tenant, product)
				continue
			}
			return refused(ctx, b.Journal, where, fp, id, t, err)
		}
		rec.Fingerprint, rec.Request = fp, id
		stored, taken, err := b.Journal.Append(ctx, rec)
		if err != nil {
			b.cache.forget(tenant, product)
			if cached && errors.Is(err, ErrGap) {
				// The remembered head is not the Journal's: read it.
				b.retried()
				continue
			}
			return Outcome{}, wrapErr("book: redeem "+t.Key.String()+": journal", err)
		}
		switch {
		case taken == NothingTaken:
			b.cache.put(&rec)
			o := rec.Outcome
			o.Token.Key = t.Key
			return o, nil
		case taken == KeyTaken && stored.Fingerprint == fp:
			return answer(t, id, &stored)
		case taken == PlaceTaken && samePlace(&stored, &rec):
			b.cache.forget(tenant, product)
			if !cached && want != anySeq {
				return refused(ctx, b.Journal, where, fp, id, t, changed(want, t))
			}
			b.retried()
			continue
		}
		return Outcome{}, brokenStore("book: redeem "+t.Key.String(), notTheRequest)
	}
}

// compute makes the record of redeeming t on head (ok false: none), or
// returns why not: the subscription changed since want, the day is before the
// head's, or Policy.Apply refuses.
func (b *Book) compute(head *Record, ok bool, tenant, product string, want int64, t *token.Token, op Operation, at time.Time) (Record, error) {
	if want != anySeq && want != head.Seq {
		return Record{}, changed(want, t)
	}
	s := Subscription{Tenant: tenant, Product: product}
	if ok {
		if day := daymath.Of(at); day.Valid() {
			if err := checkOrder(day, head); err != nil {
				return Record{}, err
			}
		}
		s = head.Outcome.After
	}
	o, err := b.Policy.Apply(s, *t, op, at)
	if err != nil {
		return Record{}, err
	}
	o.Token.Key = token.Key{} // a journal stores fingerprints, never keys
	return Record{Outcome: o, Seq: head.Seq + 1, KeyTail: t.Key.Last5(), Policy: b.Policy.Name, RecordedAt: b.now()}, nil
}

func changed(want int64, t *token.Token) error {
	return fmt.Errorf("%w (previewed at record %d): %v not redeemed", ErrChanged, want, t.Key)
}

// History returns every record of (tenant, product), oldest first, with
// dates in UTC. It is empty for a subscription the book does not track.
func (b *Book) History(ctx context.Context, tenant, product string) ([]Record, error) {
	if err := b.check(ctx, "history"); err != nil {
		return nil, err
	}
	if err := checkNames(tenant, product); err != nil {
		return nil, err
	}
	var out []Record
	for {
		page, err := b.Journal.History(ctx, tenant, product, int64(len(out)), historyPage)
		if err != nil {
			return nil, wrapErr("book: history: journal", err)
		}
		for i := range page {
			if page[i].Seq != int64(len(out)+i)+1 {
				return nil, brokenStore("book: history", "the journal returned a history whose Seq is not 1, 2, 3, …")
			}
			page[i] = recordUTC(page[i])
		}
		if out == nil {
			out = page // the common case, one page: no copy
		} else {
			out = append(out, page...)
		}
		if len(page) < historyPage {
			return out, nil
		}
	}
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

// head returns the head of (tenant, product) with its dates in UTC.
func (b *Book) head(ctx context.Context, tenant, product string) (Record, bool, error) {
	head, ok, err := b.Journal.Head(ctx, tenant, product)
	switch {
	case err != nil:
		return Record{}, false, wrapErr("book: journal head", err)
	case !ok:
		return Record{}, false, nil
	case head.Seq < 1 || head.Outcome.After.Tenant != tenant || head.Outcome.After.Product != product:
		return Record{}, false, brokenStore("book: journal head", notTheRequest)
	}
	return recordUTC(head), true, nil
}

func (b *Book) now() time.Time {
	if b.Clock != nil {
		return b.Clock().UTC().Round(0)
	}
	return time.Now().UTC().Round(0)
}

func (b *Book) retried() {
	if b.Retries != nil {
		b.Retries.Add(1)
	}
}
