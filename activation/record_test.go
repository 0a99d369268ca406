package activation_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/proration"
	"github.com/coterm/coterm/token"
)

// utcRecord returns r with every time as the same instant in UTC: what
// UnmarshalBinary gives back.
func utcRecord(r activation.Record) activation.Record {
	r.RecordedAt = r.RecordedAt.UTC()
	o := &r.Outcome
	o.At, o.Before.End, o.After.End = o.At.UTC(), o.Before.End.UTC(), o.After.End.UTC()
	return r
}

// TestRecordBinaryKeepsEveryField sets every field of Record and Outcome by
// reflection to a distinct non-zero value and checks that it comes back: a
// field added to either but not to the encoding fails here.
func TestRecordBinaryKeepsEveryField(t *testing.T) {
	var rec activation.Record
	n := 0
	fillEvery(t, reflect.ValueOf(&rec).Elem(), &n, "Record", nil)
	rec.Outcome.Token.Key = token.Key{} // never encoded
	subscriptionOnly(&rec)
	for _, f := range reflect.VisibleFields(reflect.TypeFor[activation.Record]()) {
		if f.Name != "Outcome" && !changeField[f.Name] {
			require.False(t, reflect.ValueOf(rec).FieldByIndex(f.Index).IsZero(), "Record.%s left zero", f.Name)
		}
	}
	for _, f := range reflect.VisibleFields(reflect.TypeFor[activation.Outcome]()) {
		if f.Name != "Token" {
			require.False(t, reflect.ValueOf(rec.Outcome).FieldByIndex(f.Index).IsZero(), "Outcome.%s left zero", f.Name)
		}
	}
	b, err := rec.MarshalBinary()
	require.NoError(t, err)
	var got activation.Record
	require.NoError(t, got.UnmarshalBinary(b))
	require.Equal(t, utcRecord(rec), got)

	// Field by field: each one alone, set and the rest zero, comes back.
	for _, f := range reflect.VisibleFields(reflect.TypeFor[activation.Record]()) {
		var one activation.Record
		reflect.ValueOf(&one).Elem().FieldByIndex(f.Index).Set(reflect.ValueOf(rec).FieldByIndex(f.Index))
		b, err := one.MarshalBinary()
		require.NoError(t, err)
		var back activation.Record
		require.NoError(t, back.UnmarshalBinary(b))
		require.Equal(t, utcRecord(one), back, "field %s", f.Name)
	}
}

func TestRecordBinaryTimes(t *testing.T) {
	zone := time.FixedZone("X", -7*3600)
	for name, at := range map[string]time.Time{
		"zero":        {},
		"utc date":    time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC),
		"fixed zone":  time.Date(2026, 3, 29, 23, 30, 0, 5, zone),
		"year 1":      time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC),
		"year 9999":   time.Date(9999, 12, 31, 23, 59, 59, 999_999_999, time.UTC),
		"year 1e9":    time.Date(1e9, 12, 31, 23, 59, 59, 999_999_999, time.UTC),
		"year -1e9":   time.Date(-1e9, 1, 1, 0, 0, 0, 0, time.UTC),
		"max instant": time.Unix(1<<63-1, 999_999_999),
		"min instant": time.Unix(-1<<63, 0),
		"monotonic":   time.Now(),
	} {
		rec := activation.Record{RecordedAt: at, Outcome: activation.Outcome{At: at, Before: activation.Subscription{End: at}}}
		b, err := rec.MarshalBinary()
		require.NoError(t, err, name)
		var got activation.Record
		require.NoError(t, got.UnmarshalBinary(b), name)
		for _, g := range []time.Time{got.RecordedAt, got.Outcome.At, got.Outcome.Before.End} {
			require.True(t, g.Equal(at), "%s: %v came back as %v", name, at, g)
			require.Equal(t, time.UTC, g.Location(), name)
		}
		if at.IsZero() {
			require.Equal(t, time.Time{}, got.RecordedAt, "the zero time comes back as the zero time")
		}
	}
}

func TestRecordBinaryRefusesKey(t *testing.T) {
	k := token.MustParseKey("AAAA1-BBBB2-CCCC3-DDDD4-EEEE5")
	rec := activation.Record{Outcome: activation.Outcome{Token: token.Token{Key: k, Product: "p", Seats: 1}}}
	b, err := rec.MarshalBinary()
	require.ErrorIs(t, err, activation.ErrInvalid)
	require.Nil(t, b)
	require.NotContains(t, err.Error(), "AAAA1")
}

func TestRecordBinaryErrors(t *testing.T) {
	good, err := activation.Record{Seq: 3, KeyTail: "EEEE5", Policy: "partner-center"}.MarshalBinary()
	require.NoError(t, err)
	require.Equal(t, byte(1), good[0], "the version byte leads")
	bad := map[string][]byte{
		"empty":           {},
		"unknown version": append([]byte{3}, good[1:]...),
		"version 0":       append([]byte{0}, good[1:]...),
		"truncated":       good[:len(good)-1],
		"only version":    good[:1],
		"trailing byte":   append(append([]byte{}, good...), 0),
		"bool 2":          append(append([]byte{}, good[:len(good)-1]...), 2),
	}
	for name, b := range bad {
		rec := activation.Record{Seq: 99}
		err := rec.UnmarshalBinary(b)
		require.ErrorIs(t, err, activation.ErrRecordEncoding, name)
		require.Equal(t, activation.Record{Seq: 99}, rec, "%s: a failed UnmarshalBinary changed the record", name)
	}
	var rec activation.Record
	err = rec.UnmarshalBinary(append([]byte{7}, good[1:]...))
	require.ErrorContains(t, err, "unknown version 7")
}

// applied returns a few Outcomes of every operation, from Apply.
func appliedOutcomes(t *testing.T) []activation.Outcome {
	t.Helper()
	k := token.MustParseKey("AAAA1-BBBB2-CCCC3-DDDD4-EEEE5")
	tk := func(seats int) token.Token { return token.Token{Key: k, Product: "O365-E3", Seats: seats} }
	sub := func(seats int, end time.Time) activation.Subscription {
		return activation.Subscription{Tenant: "contoso", Product: "O365-E3", Seats: seats, End: end}
	}
	d := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 0, 0, 0, 0, time.UTC) }
	var out []activation.Outcome
	for _, c := range []struct {
		p  activation.Policy
		s  activation.Subscription
		t  token.Token
		op activation.Operation
		at time.Time
	}{
		{activation.PartnerCenter(), sub(100, d(2027, 3, 1)), tk(25), activation.AddSeats, d(2026, 12, 1)},
		{activation.PartnerCenter(), sub(8, d(2027, 1, 31)), tk(1), activation.ExtendEnd, d(2026, 12, 1)},
		{activation.Open2014(), sub(8, d(2027, 1, 31)), tk(10), activation.Renew, d(2027, 1, 10)},
		{activation.Open2014(), sub(8, d(2027, 1, 31)), tk(10), activation.Renew, d(2027, 2, 10)},
		{activation.PartnerCenter(), sub(8, d(2027, 1, 31)), tk(10), activation.Renew, d(2027, 2, 10)},
		{activation.PartnerCenter(), activation.Subscription{Tenant: "contoso", Product: "O365-E3"}, tk(10), activation.Activate, d(2027, 2, 10)},
	} {
		o, err := c.p.Apply(c.s, c.t, c.op, c.at)
		require.NoError(t, err)
		out = append(out, o)
	}
	return out
}

func TestOutcomeJSONRoundTrip(t *testing.T) {
	outcomes := appliedOutcomes(t)
	imp := activation.Outcome{
		Op: activation.Import, Applied: activation.Import, At: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC),
		Before: activation.Subscription{Tenant: "t", Product: "p"},
		After:  activation.Subscription{Tenant: "t", Product: "p", Seats: 5, End: time.Date(2027, 12, 1, 0, 0, 0, 0, time.UTC)},
	}
	outcomes = append(outcomes, imp, activation.Outcome{}, activation.Outcome{Replayed: true, MonthsNum: 3})
	for i, o := range outcomes {
		b, err := json.Marshal(o)
		require.NoError(t, err, "outcome %d", i)
		var got activation.Outcome
		require.NoError(t, json.Unmarshal(b, &got), "outcome %d: %s", i, b)
		want := o
		want.Token.Key = token.Key{} // masked: cannot be read back
		require.Equal(t, want, got, "outcome %d: %s", i, b)
	}
}

func TestOutcomeJSONReadsDatesAndIgnoresDerived(t *testing.T) {
	o := appliedOutcomes(t)[1] // an extension: months 3/2
	b, err := json.Marshal(o)
	require.NoError(t, err)
	s := string(b)
	require.Contains(t, s, `"at":"2026-12-01"`)
	// Derived fields changed or removed do not matter on input.
	s2 := strings.Replace(s, `"decimal":"1.5"`, `"decimal":"99"`, 1)
	s2 = strings.Replace(s2, `"explanation":"`, `"explanation":"forged `, 1)
	var got activation.Outcome
	require.NoError(t, json.Unmarshal([]byte(s2), &got))
	o.Token.Key = token.Key{}
	require.Equal(t, o, got)
	require.Equal(t, o.Explain(), got.Explain(), "the explanation is recomputed, not read")
}

func TestOutcomeJSONRefusesInvalidEnums(t *testing.T) {
	base := appliedOutcomes(t)[0]
	for name, mod := range map[string]func(*activation.Outcome){
		"op":          func(o *activation.Outcome) { o.Op = 7 },
		"applied":     func(o *activation.Outcome) { o.Applied = -1 },
		"stateBefore": func(o *activation.Outcome) { o.StateBefore = 9 },
		"rounding":    func(o *activation.Outcome) { o.Rounding = 9 },
		"convention":  func(o *activation.Outcome) { o.Convention = 9 },
		"anchor":      func(o *activation.Outcome) { o.Anchor = 3 },
	} {
		o := base
		mod(&o)
		b, err := json.Marshal(o)
		require.ErrorIs(t, err, activation.ErrInvalid, name)
		require.Nil(t, b, name)
	}
}

func TestOutcomeJSONUnmarshalErrors(t *testing.T) {
	b, err := json.Marshal(appliedOutcomes(t)[0])
	require.NoError(t, err)
	s := string(b)
	secret := "AAAA1-BBBB2-CCCC3-DDDD4-EEEE5"
	for name, in := range map[string]string{
		"malformed":      `{"op":`,
		"not an object":  `"` + secret + `"`,
		"bad op":         strings.Replace(s, `"op":"add-seats"`, `"op":"`+secret+`"`, 1),
		"Op(7)":          strings.Replace(s, `"op":"add-seats"`, `"op":"Operation(7)"`, 1),
		"bad date":       strings.Replace(s, `"at":"2026-12-01"`, `"at":"`+secret+`"`, 1),
		"bad end":        strings.Replace(s, `"end":"2027-03-01"`, `"end":"01.03.2027"`, 1),
		"bad state":      strings.Replace(s, `"stateBefore":"active"`, `"stateBefore":"`+secret+`"`, 1),
		"bad rounding":   strings.Replace(s, `"rounding":"half-even"`, `"rounding":"`+secret+`"`, 1),
		"bad convention": strings.Replace(s, `"convention":"calendar-months"`, `"convention":"x"`, 1),
		"bad type":       strings.Replace(s, `"termDays":`, `"termDays":"`+secret+`","x":`, 1),
	} {
		var o activation.Outcome
		err := o.UnmarshalJSON([]byte(in)) // json.Unmarshal checks the syntax itself first
		require.ErrorIs(t, err, activation.ErrInvalid, name)
		require.NotContains(t, err.Error(), "AAAA1", name)
		require.Equal(t, activation.Outcome{}, o, name)
	}
	// The key field is never parsed: a clear key in it is not an error and
	// is not read.
	var o activation.Outcome
	require.NoError(t, json.Unmarshal([]byte(strings.Replace(s, "XXXXX-XXXXX-XXXXX-XXXXX-EEEE5", secret, 1)), &o))
	require.True(t, o.Token.Key.IsZero())
}

func TestImportOperation(t *testing.T) {
	require.Equal(t, "import", activation.Import.String())
	_, err := activation.ParseOperation(activation.Import.String())
	require.Error(t, err, "Import is not a key operation")
	for _, op := range [...]activation.Operation{activation.AddSeats, activation.ExtendEnd, activation.Renew, activation.Activate} {
		require.NotEqual(t, activation.Import, op)
	}
	_, err = activation.PartnerCenter().Apply(
		activation.Subscription{Tenant: "t", Product: "O365-E3", Seats: 5, End: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)},
		token.Token{Key: token.MustParseKey("AAAA1-BBBB2-CCCC3-DDDD4-EEEE5"), Product: "O365-E3", Seats: 5},
		activation.Import, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	require.ErrorIs(t, err, activation.ErrInvalid, "Apply refuses Import")
	_ = proration.HalfEven
}

func TestExplainImport(t *testing.T) {
	d := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 0, 0, 0, 0, time.UTC) }
	none := activation.Subscription{Tenant: "t", Product: "p"}
	s := func(seats int, end time.Time) activation.Subscription {
		return activation.Subscription{Tenant: "t", Product: "p", Seats: seats, End: end}
	}
	for want, o := range map[string]activation.Outcome{
		"Import on 2026-12-01: 100 seats, end date 2027-01-01.":                              {Before: none, After: s(100, d(2027, 1, 1))},
		"Correction on 2026-12-01: seats 100 → 120, end date 2027-01-01 → 2027-03-01.":       {Before: s(100, d(2027, 1, 1)), After: s(120, d(2027, 3, 1))},
		"Correction on 2026-12-01: 100 seats (unchanged), end date 2027-01-01 → 2027-03-01.": {Before: s(100, d(2027, 1, 1)), After: s(100, d(2027, 3, 1))},
		"Correction on 2026-12-01: seats 100 → 1,000, end date 2027-01-01 (unchanged).":      {Before: s(100, d(2027, 1, 1)), After: s(1000, d(2027, 1, 1))},
		"Correction on 2026-12-01: 100 seats until 2027-01-01 → no subscription.":            {Before: s(100, d(2027, 1, 1)), After: none},
		"Import on 2026-12-01: no subscription.":                                             {Before: none, After: none},
	} {
		o.Op, o.Applied, o.At = activation.Import, activation.Import, d(2026, 12, 1)
		assert.Equal(t, want, o.Explain())
	}
}

func TestImportText(t *testing.T) {
	b, err := activation.Import.MarshalText()
	require.NoError(t, err)
	require.Equal(t, "import", string(b))
	var op activation.Operation
	require.NoError(t, op.UnmarshalText(b))
	require.Equal(t, activation.Import, op)
	_, err = activation.ParseOperation("import")
	require.Error(t, err, "ParseOperation parses the key operations only")
	_, err = activation.Operation(7).MarshalText()
	require.ErrorIs(t, err, activation.ErrInvalid)
}

// TestOutcomeJSONNullAndEmpty: null leaves the value unchanged
// (encoding/json's convention) and {} is the zero Outcome (a missing field
// is its zero value).
func TestOutcomeJSONNullAndEmpty(t *testing.T) {
	o := appliedOutcomes(t)[0]
	o.Token.Key = token.Key{}
	got := o
	require.NoError(t, json.Unmarshal([]byte(`null`), &got))
	require.Equal(t, o, got, "null changed the value")
	require.NoError(t, got.UnmarshalJSON([]byte(` null `)))
	require.Equal(t, o, got, "null changed the value")
	require.NoError(t, json.Unmarshal([]byte(`{}`), &got))
	require.Equal(t, activation.Outcome{}, got)
	var p *activation.Outcome
	require.NoError(t, json.Unmarshal([]byte(`null`), &p))
	require.Nil(t, p)
}

// TestOutcomeJSONRoundTripProperty: whatever MarshalJSON writes,
// UnmarshalJSON reads back (the key aside, which is masked); what it cannot
// write — a date outside the years 1…9999 — is an error wrapping ErrInvalid.
func TestOutcomeJSONRoundTripProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		date := func(label string) time.Time {
			if rapid.Bool().Draw(t, label+"Zero") {
				return time.Time{}
			}
			y := rapid.OneOf(rapid.IntRange(-3, 3), rapid.IntRange(9997, 10003), rapid.IntRange(1, 9999)).Draw(t, label+"Year")
			return time.Date(y, time.Month(rapid.IntRange(1, 12).Draw(t, label+"Month")), rapid.IntRange(1, 28).Draw(t, label+"Day"), 0, 0, 0, 0, time.UTC)
		}
		name := rapid.StringMatching(`[a-z0-9 -]{0,12}`)
		sub := func(label string) activation.Subscription {
			return activation.Subscription{Tenant: name.Draw(t, label+"Tenant"), Product: name.Draw(t, label+"Product"),
				Seats: rapid.IntRange(0, activation.MaxSeats).Draw(t, label+"Seats"), End: date(label + "End")}
		}
		op := rapid.SampledFrom([]activation.Operation{0, activation.AddSeats, activation.ExtendEnd, activation.Renew, activation.Activate, activation.Import})
		o := activation.Outcome{
			Op: op.Draw(t, "op"), Applied: op.Draw(t, "applied"), At: date("at"),
			Token:       token.Token{Product: name.Draw(t, "keyProduct"), Seats: rapid.Int().Draw(t, "keySeats"), TermMonths: rapid.Int().Draw(t, "keyTerm")},
			Before:      sub("before"),
			After:       sub("after"),
			StateBefore: rapid.SampledFrom([]activation.State{0, activation.Active, activation.Expired, activation.Disabled, activation.Deleted, activation.None}).Draw(t, "state"),
			Remaining:   rapid.Int().Draw(t, "remaining"), TermDays: rapid.Int().Draw(t, "termDays"),
			NewRemaining: rapid.Int().Draw(t, "newRemaining"), TermMonths: rapid.Int().Draw(t, "termMonths"),
			SeatDaysBefore: rapid.Int64().Draw(t, "sdb"), SeatDaysAfter: rapid.Int64().Draw(t, "sda"), Residue: rapid.Int64().Draw(t, "residue"),
			MonthsNum: rapid.Int64().Draw(t, "num"), MonthsDen: rapid.Int64().Draw(t, "den"),
			DaysAdded: rapid.Int().Draw(t, "added"), DaysLost: rapid.Int().Draw(t, "lost"),
			Rounding:   rapid.SampledFrom([]proration.Rounding{proration.HalfEven, proration.HalfUp, proration.Down, proration.Up}).Draw(t, "rounding"),
			Convention: rapid.SampledFrom([]proration.Convention{proration.CalendarMonths, proration.ExactSeatDays}).Draw(t, "convention"),
			Anchor:     rapid.SampledFrom([]activation.Anchor{0, activation.RedemptionDay, activation.OldEnd}).Draw(t, "anchor"),
			CapFactor:  rapid.Int().Draw(t, "cap"), Replayed: rapid.Bool().Draw(t, "replayed"),
		}
		b, err := json.Marshal(o)
		outside := false
		for _, d := range []time.Time{o.At, o.Before.End, o.After.End} {
			outside = outside || !d.IsZero() && (d.Year() < 1 || d.Year() > 9999)
		}
		if outside {
			require.ErrorIs(t, err, activation.ErrInvalid)
			return
		}
		require.NoError(t, err)
		var got activation.Outcome
		require.NoError(t, json.Unmarshal(b, &got), "%s", b)
		require.Equal(t, o, got, "%s", b)
	})
}

// TestRecordDeadlinePreviewJSONCamelCase: Record, Deadline and Preview write
// the project's one JSON style, camelCase, with the fingerprint and request as
// lower-case hex strings and dates as YYYY-MM-DD; Record and Deadline read it
// back.
func TestRecordDeadlinePreviewJSONCamelCase(t *testing.T) {
	o := appliedOutcomes(t)[0]
	k := o.Token.Key
	o.Token.Key = token.Key{}
	rec := activation.Record{
		Fingerprint: k.Fingerprint(), Outcome: o, Seq: 7, KeyTail: k.Last5(), Policy: "partner-center",
		RecordedAt: time.Date(2026, 12, 1, 9, 30, 0, 5, time.UTC),
	}
	for i := range rec.Request {
		rec.Request[i] = byte(0xa0 + i%16)
	}
	b, err := json.Marshal(rec)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	for _, f := range []string{"fingerprint", "request", "outcome", "seq", "keyTail", "policy", "recordedAt"} {
		require.Contains(t, m, f, "%s", b)
	}
	require.Equal(t, k.Fingerprint().String(), m["fingerprint"])
	require.Equal(t, fmt.Sprintf("%x", rec.Request), m["request"])
	require.Regexp(t, `^[0-9a-f]{64}$`, m["request"])
	var got activation.Record
	require.NoError(t, json.Unmarshal(b, &got))
	require.Equal(t, rec, got)
	var bad activation.RequestID
	require.ErrorIs(t, bad.UnmarshalText([]byte("zz")), activation.ErrInvalid)
	require.ErrorIs(t, bad.UnmarshalText([]byte(strings.Repeat("g", 64))), activation.ErrInvalid)

	d := activation.Deadline{Tenant: "t", Product: "p", State: activation.Disabled, Date: time.Date(2027, 3, 31, 0, 0, 0, 0, time.UTC)}
	b, err = json.Marshal(d)
	require.NoError(t, err)
	require.JSONEq(t, `{"tenant":"t","product":"p","state":"disabled","date":"2027-03-31"}`, string(b))
	var gotD activation.Deadline
	require.NoError(t, json.Unmarshal(b, &gotD))
	require.Equal(t, d, gotD)
	_, err = json.Marshal(activation.Deadline{State: 9})
	require.ErrorIs(t, err, activation.ErrInvalid)

	p := activation.Preview{Subscription: o.Before, Seq: 3, Options: activation.PartnerCenter().Options(o.Before, token.Token{Key: k, Product: o.Token.Product, Seats: 25}, o.At)}
	b, err = json.Marshal(p)
	require.NoError(t, err)
	require.NotContains(t, string(b), k.Reveal())
	require.NoError(t, json.Unmarshal(b, &m))
	require.Contains(t, m, "subscription")
	require.EqualValues(t, 3, m["seq"])
	opts := m["options"].([]any)
	require.Len(t, opts, 4)
	first := opts[0].(map[string]any)
	require.Equal(t, "add-seats", first["op"])
	require.Contains(t, first, "outcome")
	require.Contains(t, string(b), `"error":"activation: renew not allowed`)
}

// TestOutcomeJSONZeroKeyAndOpCase: an import's zero key writes "key": "",
// and "op" is read under the rule of every enum (any case, the aliases).
func TestOutcomeJSONZeroKeyAndOpCase(t *testing.T) {
	imp := activation.Outcome{Op: activation.Import, Applied: activation.Import}
	b, err := json.Marshal(imp)
	require.NoError(t, err)
	require.Contains(t, string(b), `"key":""`)
	var o activation.Outcome
	for in, want := range map[string]activation.Operation{"Add-Seats": activation.AddSeats, "add-licenses": activation.AddSeats, "IMPORT": activation.Import, "extend-end-date": activation.ExtendEnd} {
		require.NoError(t, json.Unmarshal([]byte(`{"op":"`+in+`"}`), &o), in)
		require.Equal(t, want, o.Op, in)
	}
}
