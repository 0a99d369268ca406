package activation

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

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
	f.Fuzz(func(t *testing.T, b []byte) {
		var rec Record
		if err := rec.UnmarshalBinary(b); err != nil {
			if rec != (Record{}) {
				t.Fatalf("failed UnmarshalBinary changed the record: %v", err)
			}
			return
		}
		again, err := rec.MarshalBinary()
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
