package activation

import (
	"context"
	"errors"
	"time"

	"github.com/coterm/coterm/token"
)

// Book keeps every tenant's subscriptions and their history in a [Journal]:
// exactly once per key, with no lost update, for any number of Books in any
// number of processes sharing one Journal.
type Book struct {
	// Policy computes every redemption and the lifecycle dates of Due.
	Policy Policy
	// Journal stores the records. It must not be nil.
	Journal Journal
}

// Deadline is a lifecycle date (R8) of a subscription in a [Book]: State
// begins on Date. State is Expired, Disabled or Deleted.
type Deadline struct {
	Tenant, Product string
	State           State
	Date            time.Time
}

// Import operation: the Operation of a record made by [Book.Import].
// (Declared by the book's implementation.)

var errBookTODO = errors.New("activation: book: not implemented yet")

// Import records a subscription as it stands elsewhere (the admin portal) on
// day at: it starts tracking it, or records a correction of one already
// tracked. No key is involved. An import equal to the head records nothing.
func (b *Book) Import(ctx context.Context, s Subscription, at time.Time) error {
	return errBookTODO
}

// Subscription returns the current state of (tenant, product); ok is false if
// the book has none.
func (b *Book) Subscription(ctx context.Context, tenant, product string) (s Subscription, ok bool, err error) {
	return Subscription{}, false, errBookTODO
}

// Redeem applies the key to the current state of (tenant, product) and
// records it, exactly once. A subscription the book does not track starts
// from none (only Activate applies, R7).
func (b *Book) Redeem(ctx context.Context, tenant, product string, t token.Token, op Operation, at time.Time) (Outcome, error) {
	return Outcome{}, errBookTODO
}

// History returns every record of (tenant, product), oldest first.
func (b *Book) History(ctx context.Context, tenant, product string) ([]Record, error) {
	return nil, errBookTODO
}

// Due lists the lifecycle dates (R8) of every subscription in the book that
// fall in [from, to).
func (b *Book) Due(ctx context.Context, from, to time.Time) ([]Deadline, error) {
	return nil, errBookTODO
}
