package activation_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/token"
)

// jsonRecords are records as a Book, a Redeemer and an import make them,
// and one with every field at an extreme, for round trips.
func jsonRecords(t *testing.T) []activation.Record {
	t.Helper()
	o := appliedOutcomes(t)[0]
	k := o.Token.Key
	o.Token.Key = token.Key{}
	book := activation.Record{
		Fingerprint: k.Fingerprint(), Outcome: o, Seq: 7, KeyTail: k.Last5(), Policy: "partner-center",
		RecordedAt: time.Date(2026, 12, 1, 9, 30, 0, 5, time.UTC),
	}
	book.Request[0], book.Request[31] = 0xab, 0x01
	claim := book
	claim.Seq, claim.KeyTail, claim.Policy = 0, "", ""
	imp := activation.Record{Seq: 1, Outcome: activation.Outcome{Op: activation.Import, Applied: activation.Import,
		At: time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC), After: activation.Subscription{Tenant: "Adams Baker Clark Davis Evans LLP", Product: "M365-E3", Seats: 100,
			End: time.Date(2027, 1, 15, 0, 0, 0, 0, time.UTC)}}, RecordedAt: time.Date(9999, 12, 31, 23, 59, 59, 999_999_999, time.UTC)}
	extreme := book
	extreme.Seq, extreme.KeyTail = -1<<63, "Z"
	return []activation.Record{book, claim, imp, extreme, {}}
}

// TestRecordJSONRoundTrip: UnmarshalJSON reads back what json.Marshal
// writes of a Record, field for field (the Outcome's explanation and key,
// which a record never holds, aside).
func TestRecordJSONRoundTrip(t *testing.T) {
	for i, rec := range jsonRecords(t) {
		b, err := json.Marshal(rec)
		require.NoError(t, err, "record %d", i)
		var got activation.Record
		require.NoError(t, json.Unmarshal(b, &got), "record %d: %s", i, b)
		require.True(t, got.RecordedAt.Equal(rec.RecordedAt), "record %d: recordedAt", i)
		got.RecordedAt = rec.RecordedAt
		require.Equal(t, rec, got, "record %d: %s", i, b)
		again, err := json.Marshal(got)
		require.NoError(t, err)
		require.JSONEq(t, string(b), string(again))
	}
	// null leaves a record as it is; {} is the zero record; field names
	// match as encoding/json matches them.
	rec := jsonRecords(t)[0]
	require.NoError(t, json.Unmarshal([]byte(`null`), &rec))
	require.Equal(t, jsonRecords(t)[0], rec)
	require.NoError(t, json.Unmarshal([]byte(`{}`), &rec))
	require.Equal(t, activation.Record{}, rec)
	require.NoError(t, json.Unmarshal([]byte(`{"SEQ":3,"keytail":"EEEE5","policy":null,"extra":[1,2]}`), &rec))
	require.Equal(t, activation.Record{Seq: 3, KeyTail: "EEEE5"}, rec)
}

// TestRecordJSONErrorsNeverQuote: every field of the wrong type or form is
// an error wrapping ErrInvalid that names the field and what it wants, and
// quotes nothing of the input: a key given as the recording time, or a key
// of digits given as a number where an integer belongs, never comes back;
// the record is left as it was.
func TestRecordJSONErrorsNeverQuote(t *testing.T) {
	const key = "AB3DE-FG5HJ-KL7MN-PQ9RS-TUVW2"
	const digits = "1234567890123456789012345" // a key of digits only
	for name, tc := range map[string]struct{ in, want string }{
		"a key as the recording time":    {`{"recordedAt":"` + key + `"}`, `record JSON: field "recordedAt": want a time as RFC 3339 writes it`},
		"a number as the recording time": {`{"recordedAt":` + digits + `}`, `record JSON: field "recordedAt": want a time as RFC 3339 writes it`},
		"digits as seq":                  {`{"seq":` + digits + `}`, `record JSON: field "seq": want an integer`},
		"a key as seq":                   {`{"seq":"` + key + `"}`, `record JSON: field "seq": want an integer`},
		"a fraction as seq":              {`{"seq":1.5}`, `record JSON: field "seq": want an integer`},
		"a key as the fingerprint":       {`{"fingerprint":"` + key + `"}`, `record JSON: field "fingerprint": want 64 hexadecimal digits`},
		"digits as the request":          {`{"request":` + digits + `}`, `record JSON: field "request": want 64 hexadecimal digits`},
		"digits as the key tail":         {`{"keyTail":` + digits + `}`, `record JSON: field "keyTail": want a string`},
		"digits as the policy":           {`{"policy":` + digits + `}`, `record JSON: field "policy": want a string`},
		"a key as the key tail":          {`{"keyTail":"` + key + `"}`, `record JSON: keyTail: want at most 5 characters A–Z, 0–9, as a masked key shows its last group`},
		"a key as the policy":            {`{"policy":"` + key + `."}`, `record JSON: policy could be read as a product key; a record never holds a key`},
		"a key as the tenant":            {`{"outcome":{"after":{"tenant":"key: ` + key + `"}}}`, `record JSON: outcome.after.tenant could be read as a product key; a record never holds a key`},
		"a key as the token's product":   {`{"outcome":{"token":{"product":"` + strings.ReplaceAll(key, "-", "—") + `"}}}`, `record JSON: outcome.token.product could be read as a product key; a record never holds a key`},
		"digits as the seats":            {`{"outcome":{"token":{"seats":` + digits + `}}}`, `outcome JSON: field "token.seats": want an integer`},
		"digits as the term":             {`{"outcome":{"token":{"termMonths":` + digits + `}}}`, `outcome JSON: field "token.termMonths": want an integer`},
		"a key as the outcome":           {`{"outcome":"` + key + `"}`, `outcome JSON: want an object`},
		"not an object":                  {`"` + key + `"`, `record JSON: want an object`},
		"digits, not an object":          {digits, `record JSON: want an object`},
	} {
		t.Run(name, func(t *testing.T) {
			rec := activation.Record{Seq: 42}
			err := json.Unmarshal([]byte(tc.in), &rec)
			require.ErrorIs(t, err, activation.ErrInvalid)
			assert.Equal(t, "activation: invalid input: "+tc.want, err.Error())
			for _, part := range []string{"AB3DE", "TUVW2", "12345", "67890"} {
				assert.NotContains(t, err.Error(), part)
			}
			assert.Equal(t, activation.Record{Seq: 42}, rec, "a refused record is left as it was")
		})
	}
}

// TestRecordBinaryRefusesKeyText: MarshalBinary refuses a record whose key
// tail is not what a masked key shows, or whose other text could be read as
// a key, naming the field and quoting nothing.
func TestRecordBinaryRefusesKeyText(t *testing.T) {
	for field, edit := range map[string]func(*activation.Record, string){
		"keyTail":                func(r *activation.Record, s string) { r.KeyTail = s },
		"policy":                 func(r *activation.Record, s string) { r.Policy = s },
		"outcome.token.product":  func(r *activation.Record, s string) { r.Outcome.Token.Product = s },
		"outcome.before.tenant":  func(r *activation.Record, s string) { r.Outcome.Before.Tenant = s },
		"outcome.before.product": func(r *activation.Record, s string) { r.Outcome.Before.Product = s },
		"outcome.after.tenant":   func(r *activation.Record, s string) { r.Outcome.After.Tenant = s },
		"outcome.after.product":  func(r *activation.Record, s string) { r.Outcome.After.Product = s },
	} {
		for name, pasted := range pastedSpellings {
			rec := jsonRecords(t)[0]
			edit(&rec, pasted)
			_, err := rec.MarshalBinary()
			require.ErrorIs(t, err, activation.ErrInvalid, "%s, %s", field, name)
			require.Contains(t, err.Error(), "record: "+field, "%s, %s", field, name)
			requireNoPastedKey(t, err.Error(), field+", "+name)
		}
	}
	for _, tail := range []string{"", "E", "EEEE5", "00000", "ZZZZZ"} {
		rec := jsonRecords(t)[0]
		rec.KeyTail = tail
		_, err := rec.MarshalBinary()
		require.NoError(t, err, "key tail %q", tail)
	}
	for _, tail := range []string{"eeee5", "EEEE55", "EE-E5", "ＥＥＥＥ５", "\xff"} {
		rec := jsonRecords(t)[0]
		rec.KeyTail = tail
		_, err := rec.MarshalBinary()
		require.ErrorIs(t, err, activation.ErrInvalid, "key tail %q", tail)
		require.Equal(t, "activation: invalid input: record: keyTail: want at most 5 characters A–Z, 0–9, as a masked key shows its last group", err.Error())
	}
}
