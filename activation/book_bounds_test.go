package activation_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
)

// TestDeadlineJSONYears: a Deadline marshals for every date of the years
// 1…9999, the first and last days included, and reads back the same; a date
// in year 0 or 10000 is an error wrapping ErrInvalid (R8 dates are calendar
// dates of that range).
func TestDeadlineJSONYears(t *testing.T) {
	for _, date := range []time.Time{
		time.Date(1, 1, 2, 0, 0, 0, 0, time.UTC),
		time.Date(1, 12, 31, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC),
	} {
		d := activation.Deadline{Tenant: "t", Product: "p", State: activation.Expired, Date: date}
		b, err := json.Marshal(d)
		require.NoError(t, err, "%s", date)
		var got activation.Deadline
		require.NoError(t, json.Unmarshal(b, &got), "%s", b)
		assert.Equal(t, d, got)
	}
	for _, date := range []time.Time{
		time.Date(0, 12, 31, 0, 0, 0, 0, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
	} {
		_, err := json.Marshal(activation.Deadline{Tenant: "t", Product: "p", State: activation.Expired, Date: date})
		require.ErrorIs(t, err, activation.ErrInvalid, "%s", date)
	}
}

// TestBookNameFirstNonASCII: the name rules treat every byte from 0x80 as
// UTF-8: a lone 0x80 is invalid UTF-8 (and said so), U+0080 and U+009F are
// C1 control characters (refused as such), and U+00A0, the first rune after
// them, is accepted.
func TestBookNameFirstNonASCII(t *testing.T) {
	ctx := context.Background()
	tests := map[string]string{
		"ten\x80ant":   "is not valid UTF-8 (byte 3)",
		"ten\u0080ant": "has the control, format or separator character U+0080 at byte 3",
		"ten\u009fant": "has the control, format or separator character U+009F at byte 3",
		"\x7fenant":    "has the control, format or separator character U+007F at byte 0",
	}
	for name, want := range tests {
		b, _ := newBook()
		err := b.Import(ctx, activation.Subscription{Tenant: name, Product: bkProduct, Seats: 1, End: bkDate(2027, 1, 1)}, bkDate(2026, 6, 15))
		require.ErrorIs(t, err, activation.ErrInvalid, "%q", name)
		assert.Contains(t, err.Error(), "tenant "+want, "%q", name)
	}
	b, _ := newBook()
	for _, good := range []string{"ten\u00a0ant", "~tenant", " tenant"} {
		require.NoError(t, b.Import(ctx, activation.Subscription{Tenant: good, Product: bkProduct, Seats: 1, End: bkDate(2027, 1, 1)}, bkDate(2026, 6, 15)), "%q", good)
	}
}

// headsSpy records the range a Book asks Journal.Heads for.
type headsSpy struct {
	*activation.MemoryJournal
	from, to []time.Time
}

func (s *headsSpy) Heads(ctx context.Context, from, to time.Time) ([]activation.Record, error) {
	s.from, s.to = append(s.from, from), append(s.to, to)
	return s.MemoryJournal.Heads(ctx, from, to)
}

// TestBookDueAsksOnlyForHeadsThatCanBeDue: Due asks its Journal only for the
// subscriptions whose end date can still give a date in [from, to) — an end
// on or after from less the days from an end date to its deletion (R8:
// GraceDays + DisabledDays, 120 under PartnerCenter) — so that a store with
// many subscriptions reads its index range, not every head. Near the first
// day of the calendar, and for a zero from, there is no lower bound.
func TestBookDueAsksOnlyForHeadsThatCanBeDue(t *testing.T) {
	ctx := context.Background()
	spy := &headsSpy{MemoryJournal: activation.NewMemoryJournal()}
	b := &activation.Book{Policy: activation.PartnerCenter(), Journal: spy}
	require.NoError(t, b.Import(ctx, bkSub(5, bkDate(2025, 11, 2)), bkDate(2025, 1, 1)))
	tests := []struct {
		from, to, wantFrom time.Time
	}{
		{bkDate(2026, 3, 2), bkDate(2026, 6, 30), bkDate(2025, 11, 2)},
		{bkDate(2026, 3, 2), time.Time{}, bkDate(2025, 11, 2)},
		{time.Time{}, bkDate(2026, 6, 30), time.Time{}},
		{bkDate(1, 1, 2), bkDate(2026, 6, 30), time.Time{}},
		{bkDate(1, 5, 2), bkDate(2026, 6, 30), bkDate(1, 1, 2)},
	}
	for _, tt := range tests {
		spy.from, spy.to = nil, nil
		due, err := b.Due(ctx, tt.from, tt.to)
		require.NoError(t, err)
		require.Len(t, spy.from, 1)
		assert.True(t, spy.from[0].Equal(tt.wantFrom), "Due(%s, %s) asked for heads from %s, want %s", tt.from, tt.to, spy.from[0], tt.wantFrom)
		assert.True(t, spy.to[0].Equal(tt.to), "Due(%s, %s) asked for heads to %s", tt.from, tt.to, spy.to[0])
		if tt.from.Equal(bkDate(2026, 3, 2)) {
			// The subscription ending on the lowest end asked for is
			// deleted on the first day of the range.
			require.Equal(t, []activation.Deadline{{Tenant: bkTenant, Product: bkProduct, State: activation.Deleted, Date: bkDate(2026, 3, 2), Service: activation.NoService}}, due)
		}
	}
}
