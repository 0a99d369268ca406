package activation

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestOutcomeMonthsWithoutDenominator: Months is zero, not a division by
// zero, for an Outcome with no extension's months (MonthsDen 0 or below),
// and MarshalJSON keeps such numbers exactly, without a decimal, and writes
// no months at all when both are 0 (R5: only an extension has months).
func TestOutcomeMonthsWithoutDenominator(t *testing.T) {
	for _, o := range []Outcome{{}, {MonthsNum: 3}, {MonthsNum: 3, MonthsDen: -2}} {
		require.NotPanics(t, func() { _ = o.months(4) }, "%d/%d", o.MonthsNum, o.MonthsDen)
		assert.True(t, o.months(4).IsZero(), "%d/%d: %s", o.MonthsNum, o.MonthsDen, o.months(4))
	}
	b, err := json.Marshal(Outcome{MonthsNum: 3})
	require.NoError(t, err)
	assert.Contains(t, string(b), `"months":{"num":3,"den":0}`)
	b, err = json.Marshal(Outcome{})
	require.NoError(t, err)
	assert.NotContains(t, string(b), `"months"`)
	b, err = json.Marshal(Outcome{MonthsNum: 1, MonthsDen: 1})
	require.NoError(t, err)
	assert.Contains(t, string(b), `"months":{"num":1,"den":1,"decimal":"1"}`)
}

// TestOutcomeJSONYears: an Outcome marshals with any of its dates on the
// first or last day of the years 1…9999 and reads back the same dates; a
// date in year 0 or 10000 is an error wrapping ErrInvalid that names the
// field.
func TestOutcomeJSONYears(t *testing.T) {
	first, last := time.Date(1, 1, 2, 0, 0, 0, 0, time.UTC), time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
	for _, o := range []Outcome{
		{At: first, Before: Subscription{Seats: 1, End: last}, After: Subscription{Seats: 1, End: first}},
		{At: last, Before: Subscription{Seats: 1, End: first}, After: Subscription{Seats: 1, End: last}},
	} {
		b, err := json.Marshal(o)
		require.NoError(t, err)
		var got Outcome
		require.NoError(t, json.Unmarshal(b, &got), "%s", b)
		assert.True(t, got.At.Equal(o.At) && got.Before.End.Equal(o.Before.End) && got.After.End.Equal(o.After.End), "%s", b)
	}
	for _, y := range []int{0, 10000} {
		out := time.Date(y, 6, 1, 0, 0, 0, 0, time.UTC)
		for field, o := range map[string]Outcome{
			"at":         {At: out},
			"before.end": {Before: Subscription{Seats: 1, End: out}},
			"after.end":  {After: Subscription{Seats: 1, End: out}},
		} {
			_, err := json.Marshal(o)
			require.ErrorIs(t, err, ErrInvalid, "%s in year %d", field, y)
			assert.Contains(t, err.Error(), "outcome JSON: "+field+": year outside 1…9999")
		}
	}
}
