package activation

import (
	"encoding/json"
	"time"

	"github.com/coterm/coterm/activation/internal/text"
	"github.com/coterm/coterm/internal/daymath"
	"github.com/coterm/coterm/proration"
)

// MaxSeats is the largest seat count of a subscription or a key. An
// operation that would leave more seats fails with [ErrSeatLimit].
const MaxSeats = proration.MaxSeats

// Subscription is a tenant's subscription to one product: its seats and its
// end date, the first day without service (active on day d iff d < End).
//
// Only End's calendar date (year, month, day in its own location) counts.
// The zero-term subscription — Seats 0 and a zero End — means the tenant has
// none yet: its state is [None] and only [Activate] applies to it.
type Subscription struct {
	Tenant  string    // the tenant (directory) the seats belong to; never changes (R2)
	Product string    // the product; a key must be for the same product
	Seats   int       // 1 … MaxSeats, or 0 for none
	End     time.Time // first day without service; zero for none
}

// IsNone reports whether s is the zero-term subscription: Seats 0 and a zero
// End, the state [None].
func (s Subscription) IsNone() bool { return s.Seats == 0 && s.End.IsZero() }

// Validate reports whether s is well formed: either none (Seats 0, zero End)
// or Seats 1 … [MaxSeats] with an End from 0001-01-02 (the zero date means
// none) to 9999-12-31 and a non-empty Product. Errors
// wrap [ErrInvalid]. Tenant is an opaque label and may be empty.
func (s Subscription) Validate() error {
	_, err := validateSubscription(&s)
	return err
}

// validateSubscription is Validate that also returns the Day of End (0, an
// invalid Day, for none).
func validateSubscription(s *Subscription) (daymath.Day, error) {
	switch {
	case s.IsNone():
		return 0, nil
	case s.Seats < 0 || s.Seats > MaxSeats:
		return 0, invalid("subscription: %s seats outside 0…%s", text.Group(int64(s.Seats)), text.Group(MaxSeats))
	case s.Seats == 0:
		return 0, invalid("subscription: end date without seats (none has Seats 0 and a zero End)")
	case s.End.IsZero():
		return 0, invalid("subscription: %s seats without an end date", text.Group(int64(s.Seats)))
	case s.Product == "":
		return 0, invalid("subscription: no product")
	}
	end := daymath.Of(s.End)
	if !end.Valid() {
		return 0, invalidWrap("subscription: end date", end.Check())
	}
	if end == daymath.MinDay {
		return 0, invalid("subscription: end date is the zero date 0001-01-01")
	}
	return end, nil
}

// subscriptionJSON is the JSON form of a Subscription.
type subscriptionJSON struct {
	Tenant  string `json:"tenant"`
	Product string `json:"product"`
	Seats   int    `json:"seats"`
	End     string `json:"end"` // YYYY-MM-DD, or "" for none
}

// MarshalJSON implements json.Marshaler: End is "YYYY-MM-DD", or "" for a
// zero End.
func (s Subscription) MarshalJSON() ([]byte, error) {
	return json.Marshal(s.toJSON())
}

func (s Subscription) toJSON() subscriptionJSON {
	return subscriptionJSON{Tenant: s.Tenant, Product: s.Product, Seats: s.Seats, End: dateString(s.End)}
}

// UnmarshalJSON implements json.Unmarshaler: End is "YYYY-MM-DD" or "" (a
// zero End); null leaves s unchanged. The result is not validated (see
// [Subscription.Validate]). Errors wrap [ErrInvalid] and quote no input.
func (s *Subscription) UnmarshalJSON(b []byte) error {
	var v subscriptionJSON
	if ok, err := decodeJSON("subscription JSON", b, &v); !ok {
		return err
	}
	var end time.Time
	if v.End != "" {
		var err error
		if end, err = time.Parse(time.DateOnly, v.End); err != nil {
			return invalid("subscription: end date (%s): want a date YYYY-MM-DD", text.Plural(int64(len(v.End)), "byte"))
		}
	}
	*s = Subscription{Tenant: v.Tenant, Product: v.Product, Seats: v.Seats, End: end}
	return nil
}
