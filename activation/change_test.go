package activation_test

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/token"
)

// changeField names the fields only a change record holds.
var changeField = map[string]bool{"Kind": true, "Change": true, "Note": true}

// subscriptionOnly zeroes the fields only a change record holds.
func subscriptionOnly(rec *activation.Record) {
	rec.Kind, rec.Change, rec.Note = activation.SubscriptionRecord, "", ""
}

// changeRec returns a well-formed change record at (chain, place) Seq seq
// for request id.
func changeRec(chain, place, id string, seq int64, change string) activation.Record {
	return activation.Record{
		Kind:        activation.ChangeRecord,
		Fingerprint: activation.ChangeFingerprint("test", id),
		Request:     activation.RequestID{1, byte(seq)},
		Seq:         seq,
		Policy:      "entitlement rules v1",
		RecordedAt:  time.Date(2027, 1, 10, 9, 30, 0, 0, time.UTC),
		Outcome: activation.Outcome{
			At:    time.Date(2027, 1, 10, 0, 0, 0, 0, time.UTC),
			After: activation.Subscription{Tenant: chain, Product: place},
		},
		Change: change,
		Note:   "20 Office Professional Plus licences deployed at Munich",
	}
}

func TestChangeRecordEncoding(t *testing.T) {
	rec := changeRec("Contoso", "Munich", "req-1", 3, `{"deploy":20}`)
	b, err := rec.MarshalBinary()
	require.NoError(t, err)
	assert.Equal(t, byte(3), b[0], "a change record is encoding version 3")
	var got activation.Record
	require.NoError(t, got.UnmarshalBinary(b))
	assert.Equal(t, rec, got)

	// Every byte cut short is refused.
	for n := 1; n < len(b); n++ {
		var r activation.Record
		assert.ErrorIs(t, r.UnmarshalBinary(b[:n]), activation.ErrRecordEncoding, "cut at %d", n)
	}

	// JSON carries the kind, the change and the note.
	j, err := json.Marshal(rec)
	require.NoError(t, err)
	assert.Contains(t, string(j), `"kind":"change"`)
	var back activation.Record
	require.NoError(t, json.Unmarshal(j, &back))
	assert.Equal(t, rec, back)
	assert.ErrorIs(t, json.Unmarshal([]byte(`{"kind":"other"}`), &back), activation.ErrInvalid)
}

func TestChangeRecordRefused(t *testing.T) {
	const key = "AB3DE-FG5HJ-KL7MN-PQ9RS-TUVW2"
	for name, mend := range map[string]func(*activation.Record){
		"zero fingerprint":  func(r *activation.Record) { r.Fingerprint = token.Fingerprint{} },
		"key tail":          func(r *activation.Record) { r.KeyTail = "EEEE5" },
		"seats":             func(r *activation.Record) { r.Outcome.After.Seats = 5 },
		"token product":     func(r *activation.Record) { r.Outcome.Token.Product = "X" },
		"replaces":          func(r *activation.Record) { r.Replaces = token.Fingerprint{1} },
		"no chain name":     func(r *activation.Record) { r.Outcome.After.Tenant = "" },
		"no change":         func(r *activation.Record) { r.Change = "" },
		"change not UTF-8":  func(r *activation.Record) { r.Change = "\xff" },
		"change too long":   func(r *activation.Record) { r.Change = string(make([]byte, activation.MaxChange+1)) },
		"key in note":       func(r *activation.Record) { r.Note = "redeemed " + key },
		"key in change":     func(r *activation.Record) { r.Change = `{"x":"` + key + `"}` },
		"key as place":      func(r *activation.Record) { r.Outcome.After.Product = key },
		"undefined kind":    func(r *activation.Record) { r.Kind = 7 },
		"note, no kind":     func(r *activation.Record) { r.Kind = activation.SubscriptionRecord },
		"key in policy":     func(r *activation.Record) { r.Policy = key },
		"before's names":    func(r *activation.Record) { r.Outcome.Before.Tenant = "Contoso" },
		"explanation field": func(r *activation.Record) { r.Outcome.DaysAdded = 1 },
	} {
		t.Run(name, func(t *testing.T) {
			rec := changeRec("Contoso", "Munich", "req-1", 1, `{"deploy":20}`)
			mend(&rec)
			_, err := rec.MarshalBinary()
			require.ErrorIs(t, err, activation.ErrInvalid)
			assert.NotContains(t, err.Error(), key)
			_, _, err = new(activation.MemoryJournal).Append(context.Background(), rec)
			require.ErrorIs(t, err, activation.ErrInvalid)
		})
	}
}

func TestChangeFingerprint(t *testing.T) {
	a := activation.ChangeFingerprint("entitlement", "req-1")
	assert.NotEqual(t, a, activation.ChangeFingerprint("entitlement", "req-2"))
	assert.NotEqual(t, a, activation.ChangeFingerprint("entitlemen", "treq-1"), "length-prefixed")
	assert.NotEqual(t, a, activation.ChangeFingerprint("other", "req-1"))
	// Stores keep these: the value must never change.
	assert.Equal(t, "22e356e4", hex.EncodeToString(a[:4]))
}

func TestRecordKindText(t *testing.T) {
	for _, k := range []activation.RecordKind{activation.SubscriptionRecord, activation.ChangeRecord} {
		b, err := k.MarshalText()
		require.NoError(t, err)
		var back activation.RecordKind
		require.NoError(t, back.UnmarshalText(b))
		assert.Equal(t, k, back)
		assert.Equal(t, string(b), k.String())
	}
	_, err := activation.RecordKind(9).MarshalText()
	assert.ErrorIs(t, err, activation.ErrInvalid)
	assert.Equal(t, "RecordKind(9)", activation.RecordKind(9).String())
}

// TestJournalKeepsKindsApart: a chain of changes is kept exactly once per
// request, in order, and is never a subscription to a Book's listings; a
// place holds one kind.
func TestJournalKeepsKindsApart(t *testing.T) {
	ctx := context.Background()
	j := activation.NewMemoryJournal()
	b := &activation.Book{Journal: j, Policy: activation.PartnerCenter()}
	first := changeRec("Contoso", "Munich", "req-1", 1, `{"deploy":20}`)
	stored, taken, err := j.Append(ctx, first)
	require.NoError(t, err)
	require.Equal(t, activation.NothingTaken, taken)
	assert.Equal(t, first, stored)

	// A retry of the request finds its record; another request at the
	// same place finds the place taken.
	_, taken, err = j.Append(ctx, first)
	require.NoError(t, err)
	assert.Equal(t, activation.KeyTaken, taken)
	_, taken, err = j.Append(ctx, changeRec("Contoso", "Munich", "req-2", 1, `{"deploy":1}`))
	require.NoError(t, err)
	assert.Equal(t, activation.PlaceTaken, taken)
	_, taken, err = j.Append(ctx, changeRec("Contoso", "Munich", "req-2", 2, `{"deploy":1}`))
	require.NoError(t, err)
	require.Equal(t, activation.NothingTaken, taken)
	got, ok, err := j.Lookup(ctx, activation.ChangeFingerprint("test", "req-2"))
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, int64(2), got.Seq)

	// A subscription record after a change at one place is refused.
	imp := activation.Record{Seq: 3, Outcome: activation.Outcome{Op: activation.Import, Applied: activation.Import,
		After: activation.Subscription{Tenant: "Contoso", Product: "Munich", Seats: 1, End: first.Outcome.At}}}
	_, _, err = j.Append(ctx, imp)
	require.ErrorIs(t, err, activation.ErrInvalid)
	_, err = j.AppendBatch(ctx, []activation.Record{imp})
	require.ErrorIs(t, err, activation.ErrInvalid)

	// A Book does not take the chain for a subscription.
	_, err = b.Redeem(ctx, "Contoso", "Munich", token.Token{Key: key(t, "A", 1), Seats: 1, Product: "Munich"}, activation.AddSeats, first.Outcome.At)
	require.ErrorIs(t, err, activation.ErrInvalid)
	require.NoError(t, b.Import(ctx, activation.Subscription{Tenant: "Contoso", Product: "M365", Seats: 5, End: first.Outcome.At.AddDate(1, 0, 0)}, first.Outcome.At))
	var names []string
	for s, err := range b.SubscriptionsSeq(ctx) {
		require.NoError(t, err)
		names = append(names, s.Tenant+"/"+s.Product)
	}
	assert.Equal(t, []string{"Contoso/M365"}, names)
	heads, err := j.Heads(ctx, time.Time{}, time.Time{})
	require.NoError(t, err)
	assert.Len(t, heads, 1)
	hist, err := j.History(ctx, "Contoso", "Munich", 0, 10)
	require.NoError(t, err)
	assert.Len(t, hist, 2)
	assert.True(t, reflect.DeepEqual(first, hist[0]))
}
