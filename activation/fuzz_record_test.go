package activation

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/coterm/coterm/internal/keytext"
	"github.com/coterm/coterm/token"
)

// FuzzRecordUnmarshalBinary: UnmarshalBinary never panics, and whatever it
// accepts re-encodes to exactly the same bytes.
func FuzzRecordUnmarshalBinary(f *testing.F) {
	o, err := PartnerCenter().Apply(mkSub(100, mkDate(2027, 3, 1)), mkToken(25), AddSeats, mkDate(2026, 12, 1))
	if err != nil {
		f.Fatal(err)
	}
	o.Token.Key = token.Key{}
	for _, rec := range []Record{
		{},
		{Seq: 1, KeyTail: "EEEE5", Policy: "partner-center", RecordedAt: time.Unix(1_800_000_000, 5), Outcome: o},
		{Seq: -1 << 63, Outcome: Outcome{Op: Import, At: time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)}},
	} {
		b, err := rec.MarshalBinary()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(b[:len(b)/2])
	}
	f.Add([]byte{})
	f.Add([]byte{2})
	f.Add([]byte{1, 0xff, 0xff})
	// Records a store refuses to write, as a row written before the rule
	// would hold them: a key as the tenant, the policy, the key tail.
	for _, pasted := range fuzzPastedSpellings {
		rec := Record{Seq: 1, KeyTail: "EEEE5", Policy: "partner-center", Outcome: o}
		b, err := rec.MarshalBinary()
		if err != nil {
			f.Fatal(err)
		}
		for _, s := range []string{rec.Outcome.After.Tenant, rec.Policy, rec.KeyTail} {
			if i := bytes.Index(b, []byte(s)); i > 0 && len(s) < 0x80 {
				f.Add(append(append(append(b[:i-1:i-1], byte(len(pasted))), pasted...), b[i+len(s):]...))
			}
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var rec Record
		if err := rec.UnmarshalBinary(b); err != nil {
			if rec != (Record{}) {
				t.Fatalf("failed UnmarshalBinary changed the record: %v", err)
			}
			return
		}
		again, err := rec.MarshalBinary()
		if textErr := rec.checkText("record"); textErr != nil {
			// A row a store would refuse now: read as written, never
			// written again, and the refusal shows nothing of it.
			if err == nil || err.Error() != textErr.Error() || !errors.Is(err, ErrInvalid) {
				t.Fatalf("MarshalBinary of a record with a key in its text: %v, want %v", err, textErr)
			}
			checkQuotesNothing(t, err.Error(), string(b))
			return
		}
		if err != nil {
			t.Fatalf("MarshalBinary of a decoded record: %v", err)
		}
		if !bytes.Equal(again, b) {
			t.Fatalf("re-encoding differs:\n in  %x\n out %x", b, again)
		}
	})
}

// FuzzOutcomeUnmarshalJSON: UnmarshalJSON never panics, and whatever it
// accepts marshals and reads back to the same Outcome.
func FuzzOutcomeUnmarshalJSON(f *testing.F) {
	for _, op := range []Operation{AddSeats, ExtendEnd} {
		o, err := PartnerCenter().Apply(mkSub(8, mkDate(2027, 1, 31)), mkToken(1), op, mkDate(2026, 12, 1))
		if err != nil {
			f.Fatal(err)
		}
		b, err := json.Marshal(o)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{`{}`, `null`, `{"op":"import"}`, `{"at":"2026-02-30"}`, `{"months":{"num":1,"den":0}}`, `{"op":"Operation(7)"}`, `[`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var o Outcome
		if err := o.UnmarshalJSON(b); err != nil {
			return
		}
		out, err := json.Marshal(o)
		if err != nil {
			// Only what the reader cannot produce may fail: it produces valid enums.
			t.Fatalf("Marshal of a decoded Outcome: %v", err)
		}
		var again Outcome
		if err := json.Unmarshal(out, &again); err != nil {
			t.Fatalf("Unmarshal of %s: %v", out, err)
		}
		if again != o {
			t.Fatalf("round trip differs:\n%+v\n%+v", o, again)
		}
	})
}

// fuzzPastedSpellings are a key as a person pastes it where a name belongs.
var fuzzPastedSpellings = []string{
	"AB3DE-FG5HJ-KL7MN-PQ9RS-TUVW2.",
	"AB3DE\u00a0FG5HJ\u00a0KL7MN\u00a0PQ9RS\u00a0TUVW2",
	"“AB3DE-FG5HJ-KL7MN-PQ9RS-TUVW2”",
	"AB3DE—FG5HJ—KL7MN—PQ9RS—TUVW2",
	"ＡＢ３ＤＥ－ＦＧ５ＨＪ－ＫＬ７ＭＮ－ＰＱ９ＲＳ－ＴＵＶＷ２",
	"key: AB3DE-FG5HJ-KL7MN-PQ9RS-TUVW2",
	"AB3DE-FG5HJ KL7MN_PQ9RS.TUVW2",
	"Adams Baker Clark Davis Evans",
	"1234567890123456789012345",
}

// checkQuotesNothing fails if msg holds a key-shaped run with a digit of
// in: a message says what is wrong, never what was given. (The messages
// are the package's words and field names, which hold no such run.)
func checkQuotesNothing(t *testing.T, msg, in string) {
	t.Helper()
	shown := keytext.Shaped(msg)
	for _, run := range keytext.Runs(in) {
		if slices.Contains(shown, run) {
			t.Fatalf("the message %q shows the run %s of the input %q", msg, run, in)
		}
	}
}

// FuzzRecordUnmarshalJSON: UnmarshalJSON never panics, quotes nothing of its
// input in an error (a key in recordedAt, a key of digits as a number), and
// whatever it accepts holds no key in its text, marshals, and reads back to
// the same record.
func FuzzRecordUnmarshalJSON(f *testing.F) {
	o, err := PartnerCenter().Apply(mkSub(100, mkDate(2027, 3, 1)), mkToken(25), AddSeats, mkDate(2026, 12, 1))
	if err != nil {
		f.Fatal(err)
	}
	o.Token.Key = token.Key{}
	for _, rec := range []Record{
		{},
		{Seq: 1, KeyTail: "EEEE5", Policy: "partner-center", RecordedAt: time.Unix(1_800_000_000, 5).UTC(), Outcome: o},
		{Seq: -1 << 63, Outcome: Outcome{Op: Import, At: time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)}},
	} {
		b, err := json.Marshal(rec)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, pasted := range fuzzPastedSpellings {
		q, _ := json.Marshal(pasted)
		for _, field := range []string{"recordedAt", "fingerprint", "request", "keyTail", "policy", "seq"} {
			f.Add([]byte(`{"` + field + `":` + string(q) + `}`))
		}
		f.Add([]byte(`{"outcome":{"after":{"tenant":` + string(q) + `},"token":{"product":` + string(q) + `}}}`))
	}
	for _, field := range []string{"seq", "recordedAt", "keyTail"} {
		f.Add([]byte(`{"` + field + `":1234567890123456789012345}`))
	}
	f.Add([]byte(`{"outcome":{"token":{"seats":1234567890123456789012345,"termMonths":1234567890123456789012345}}}`))
	f.Add([]byte(`null`))
	f.Add([]byte(`"AB3DE-FG5HJ-KL7MN-PQ9RS-TUVW2"`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var rec Record
		if err := rec.UnmarshalJSON(b); err != nil {
			if rec != (Record{}) {
				t.Fatalf("failed UnmarshalJSON changed the record: %v", err)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("UnmarshalJSON error does not wrap ErrInvalid: %v", err)
			}
			checkQuotesNothing(t, err.Error(), string(b))
			return
		}
		if err := rec.checkText("record"); err != nil {
			t.Fatalf("UnmarshalJSON accepted a record with a key in its text: %v", err)
		}
		out, err := json.Marshal(rec)
		if err != nil {
			return // a time or a date outside what JSON holds: the reader may produce one (an Outcome date past 9999 cannot be read, a recordedAt can)
		}
		var again Record
		if err := again.UnmarshalJSON(out); err != nil {
			t.Fatalf("UnmarshalJSON of %s: %v", out, err)
		}
		if !again.RecordedAt.Equal(rec.RecordedAt) {
			t.Fatalf("round trip changed recordedAt: %v, %v", rec.RecordedAt, again.RecordedAt)
		}
		again.RecordedAt = rec.RecordedAt
		if again != rec {
			t.Fatalf("round trip differs:\n%+v\n%+v", rec, again)
		}
		if _, err := rec.MarshalBinary(); err != nil {
			t.Fatalf("MarshalBinary of a record UnmarshalJSON accepted: %v", err)
		}
	})
}
