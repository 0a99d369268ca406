package activation

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"
	"time"
)

// Deadline is a lifecycle date (R8) of a subscription in a [Book]: State
// begins on Date. State is Expired, Disabled or Deleted. Service is what the
// subscription gives from Date under the Book's policy ([Policy.Service],
// R22): under VolumeLicensing the Expired date is the end of all service.
type Deadline struct {
	Tenant, Product string
	State           State
	Date            time.Time
	Service         Service
}

// deadlineJSON is the JSON form of a Deadline.
type deadlineJSON struct {
	Tenant  string `json:"tenant"`
	Product string `json:"product"`
	State   string `json:"state"`
	Date    string `json:"date"`
	Service string `json:"service,omitempty"`
}

// MarshalJSON implements [json.Marshaler]: {"tenant", "product", "state",
// "date", "service"}, the state and the service by name (no "service" for
// the zero Service) and the date as "YYYY-MM-DD". A State that is not
// valid, a Service other than zero that is not, or a date outside the years
// 1…9999, is an error wrapping [ErrInvalid].
func (d Deadline) MarshalJSON() ([]byte, error) {
	date, err := jsonDate("deadline JSON: date", d.Date)
	if err != nil {
		return nil, err
	}
	st, err := d.State.MarshalText()
	if err != nil {
		return nil, err
	}
	var sv []byte
	if d.Service != 0 {
		if sv, err = d.Service.MarshalText(); err != nil {
			return nil, err
		}
	}
	return json.Marshal(deadlineJSON{Tenant: d.Tenant, Product: d.Product, State: string(st), Date: date, Service: string(sv)})
}

// UnmarshalJSON implements [json.Unmarshaler]: it reads what
// [Deadline.MarshalJSON] writes; the date comes back at 00:00 UTC. null
// leaves d unchanged. Errors wrap [ErrInvalid] and never quote the input.
func (d *Deadline) UnmarshalJSON(b []byte) error {
	var v deadlineJSON
	if ok, err := decodeJSON("deadline JSON", b, &v); !ok {
		return err
	}
	st, err1 := parseEnumJSON("deadline JSON: state", v.State, stateText.Parse, stateText.List)
	date, err2 := parseJSONDate("deadline JSON: date", v.Date)
	var sv Service
	var err3 error
	if v.Service != "" {
		sv, err3 = parseEnumJSON("deadline JSON: service", v.Service, serviceText.Parse, serviceText.List)
	}
	if err := cmp.Or(err1, err2, err3); err != nil {
		return err
	}
	*d = Deadline{Tenant: v.Tenant, Product: v.Product, State: st, Date: date, Service: sv}
	return nil
}

// Due lists the lifecycle dates (R8) in [from, to) of every subscription in
// the book, as of its current state: the day it expires (its end date), is
// disabled and is deleted, each with the service it gives from then (R22);
// a state the policy gives no days has no date.
// Zero bounds are open. The list is ordered by date, tenant, product, state.
// With both bounds open it reads as [Book.DueSeq] (a page at a time);
// otherwise with Journal.Heads, for the subscriptions that can have a date.
func (b *Book) Due(ctx context.Context, from, to time.Time) ([]Deadline, error) {
	// Over all time every head counts: read them a page at a time. A window
	// is read with Journal.Heads, which a store serves from its index of
	// end dates.
	out, err := collect(nil, b.due(ctx, from, to, from.IsZero() && to.IsZero()))
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b Deadline) int {
		return cmp.Or(a.Date.Compare(b.Date), cmp.Compare(a.Tenant, b.Tenant),
			cmp.Compare(a.Product, b.Product), cmp.Compare(a.State, b.State))
	})
	return out, nil
}
