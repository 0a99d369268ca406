package activation

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/coterm/coterm/token"
)

// BenchmarkMemoryJournalPage decodes a page of 1,000 compact records into
// memory reused from the last page, as a streaming read of a history does:
// the cost of the compact form on the read path, without the allocation
// that BenchmarkBookHistory also times.
func BenchmarkMemoryJournalPage(b *testing.B) {
	j := NewMemoryJournal()
	bk := &Book{Policy: PartnerCenter(), Journal: j}
	ctx := context.Background()
	at := time.Date(2026, 6, 15, 0, 0, 0, 0, time.UTC)
	s := Subscription{Tenant: "contoso", Product: "O365-E3", Seats: 100, End: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)}
	if err := bk.Import(ctx, s, at); err != nil {
		b.Fatal(err)
	}
	for i := range 999 {
		k := token.MustParseKey(fmt.Sprintf("BENCH-%05d-%05d-KEYSS-%05d", i/100000, i%100000, i%7919))
		if _, err := bk.Redeem(ctx, "contoso", "O365-E3", token.Token{Key: k, Product: "O365-E3", Seats: 1}, AddSeats, at); err != nil {
			b.Fatal(err)
		}
	}
	dst := make([]Record, 1000)
	h := j.subs[subKey{"contoso", "O365-E3"}]
	b.ReportAllocs()
	for b.Loop() {
		j.loadPage(dst, func(k int) int { return h.at(k) })
	}
}
