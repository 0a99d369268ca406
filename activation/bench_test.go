package activation

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/proration"
	"github.com/coterm/coterm/token"
)

var (
	benchSub = mkSub(100, mkDate(2027, 3, 1))
	benchAt  = mkDate(2026, 12, 1)
	sinkO    Outcome
	sinkT    time.Time
)

func BenchmarkApply(b *testing.B) {
	p, tk := PartnerCenter(), mkToken(25)
	for _, bc := range []struct {
		name string
		op   Operation
	}{{"add-seats", AddSeats}, {"extend", ExtendEnd}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				o, err := p.Apply(benchSub, tk, bc.op, benchAt)
				if err != nil {
					b.Fatal(err)
				}
				sinkT = o.After.End // what the decimal way stores; the Outcome itself is in the frame
			}
		})
	}
	// R5's worked example: 8 seats + 1, m = 1.5 months from 2027-01-31,
	// the case where the fraction of a month has to be turned into days.
	b.Run("extend-fraction", func(b *testing.B) {
		s, t1 := mkSub(8, mkDate(2027, 1, 31)), mkToken(1)
		b.ReportAllocs()
		for b.Loop() {
			o, err := p.Apply(s, t1, ExtendEnd, benchAt)
			if err != nil {
				b.Fatal(err)
			}
			sinkT = o.After.End
		}
	})
	// The end-limit reading of the cap (R6): the extension, then its end
	// held to the limit.
	b.Run("extend-end-limit", func(b *testing.B) {
		pl := p
		pl.CapRule = proration.CapEndLimit
		b.ReportAllocs()
		for b.Loop() {
			o, err := pl.Apply(benchSub, tk, ExtendEnd, benchAt)
			if err != nil {
				b.Fatal(err)
			}
			sinkT = o.After.End
		}
	})
}

func BenchmarkPreview(b *testing.B) {
	p, tk := PartnerCenter(), mkToken(25)
	b.ReportAllocs()
	for b.Loop() {
		outs, err := p.Preview(benchSub, tk, benchAt)
		if err != nil || len(outs) != 2 {
			b.Fatal(err, len(outs))
		}
		sinkO = outs[0]
	}
}

func BenchmarkExplain(b *testing.B) {
	o, err := PartnerCenter().Apply(benchSub, mkToken(25), AddSeats, benchAt)
	require.NoError(b, err)
	b.ReportAllocs()
	for b.Loop() {
		_ = o.Explain()
	}
}

// The obvious way, for comparison: shopspring/decimal on time.Time, months by
// time.Date with the day clamped by hand.

var decimalDay = decimal.NewFromInt(int64(24 * time.Hour))

func naiveAddMonths(d time.Time, n int) time.Time {
	y, m, day := d.Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := time.Date(first.Year(), first.Month()+1, 0, 0, 0, 0, 0, time.UTC).Day()
	if day > last {
		day = last
	}
	return time.Date(first.Year(), first.Month(), day, 0, 0, 0, 0, time.UTC)
}

func naiveDays(from, to time.Time) decimal.Decimal {
	return decimal.NewFromInt(int64(to.Sub(from))).Div(decimalDay).Floor()
}

func decimalAdd(a, c int64, end, at time.Time) time.Time {
	A, C := decimal.NewFromInt(a), decimal.NewFromInt(c)
	B := naiveDays(at, end)
	T := naiveDays(at, naiveAddMonths(at, 12))
	R := A.Mul(B).Add(C.Mul(T)).DivRound(A.Add(C), 6).RoundBank(0)
	return at.Add(time.Duration(R.IntPart()) * 24 * time.Hour)
}

func decimalExtend(a, c int64, end time.Time) time.Time {
	m := decimal.NewFromInt(c).Mul(decimal.NewFromInt(12)).DivRound(decimal.NewFromInt(a), 16)
	w := m.Floor()
	f := m.Sub(w)
	ew := naiveAddMonths(end, int(w.IntPart()))
	if f.IsZero() {
		return ew
	}
	ew1 := naiveAddMonths(end, int(w.IntPart())+1)
	add := f.Mul(naiveDays(ew, ew1)).RoundBank(0)
	return ew.Add(time.Duration(add.IntPart()) * 24 * time.Hour)
}

func TestDecimalBaselineAgrees(t *testing.T) {
	o, err := PartnerCenter().Apply(benchSub, mkToken(25), AddSeats, benchAt)
	require.NoError(t, err)
	assert.Equal(t, o.After.End, decimalAdd(100, 25, benchSub.End, benchAt))
	o, err = PartnerCenter().Apply(mkSub(8, mkDate(2027, 1, 31)), mkToken(1), ExtendEnd, benchAt)
	require.NoError(t, err)
	assert.Equal(t, o.After.End, decimalExtend(8, 1, mkDate(2027, 1, 31)))
}

func BenchmarkApplyDecimal(b *testing.B) {
	b.Run("add-seats", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sinkT = decimalAdd(100, 25, benchSub.End, benchAt)
		}
	})
	b.Run("extend", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sinkT = decimalExtend(100, 25, benchSub.End)
		}
	})
	b.Run("extend-fraction", func(b *testing.B) {
		end := mkDate(2027, 1, 31)
		b.ReportAllocs()
		for b.Loop() {
			sinkT = decimalExtend(8, 1, end)
		}
	})
}

var sinkBytes []byte

// BenchmarkRecordMarshalBinary: the encoding every durable store writes,
// with the checks that no text of the record could show a key.
func BenchmarkRecordMarshalBinary(b *testing.B) {
	o, err := PartnerCenter().Apply(benchSub, mkToken(25), AddSeats, benchAt)
	require.NoError(b, err)
	o.Token.Key = token.Key{}
	o.Before.Tenant, o.After.Tenant = "Adams Baker Clark Davis Evans LLP", "Adams Baker Clark Davis Evans LLP"
	rec := Record{Outcome: o, Seq: 7, KeyTail: "EEEE5", Policy: "partner-center", RecordedAt: benchAt}
	b.ReportAllocs()
	for b.Loop() {
		sinkBytes, err = rec.MarshalBinary()
		if err != nil {
			b.Fatal(err)
		}
	}
}
