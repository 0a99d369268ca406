package activation_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/token"
)

// givenJournal is a MemoryJournal that keeps, beside it, every record it
// stored as it was given (monotonic clock readings stripped): the model.
type givenJournal struct {
	*activation.MemoryJournal
	mu    sync.Mutex
	given []activation.Record
}

func stripped(r activation.Record) activation.Record {
	o := &r.Outcome
	o.At, o.Before.End, o.After.End, r.RecordedAt = o.At.Round(0), o.Before.End.Round(0), o.After.End.Round(0), r.RecordedAt.Round(0)
	return r
}

func (j *givenJournal) Append(ctx context.Context, rec activation.Record) (activation.Record, activation.Taken, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	got, taken, err := j.MemoryJournal.Append(ctx, rec)
	if err == nil && taken == activation.NothingTaken {
		j.given = append(j.given, stripped(rec))
	}
	return got, taken, err
}

func (j *givenJournal) AppendBatch(ctx context.Context, recs []activation.Record) (activation.Conflict, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	c, err := j.MemoryJournal.AppendBatch(ctx, recs)
	if err == nil && c.Taken == activation.NothingTaken {
		for _, r := range recs {
			j.given = append(j.given, stripped(r))
		}
	}
	return c, err
}

func (j *givenJournal) Claim(ctx context.Context, rec activation.Record) (activation.Record, bool, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	got, ok, err := j.MemoryJournal.Claim(ctx, rec)
	if err == nil && ok {
		j.given = append(j.given, stripped(rec))
	}
	return got, ok, err
}

// TestMemoryJournalReadsBackWhatBooksWrite: Book.Redeem, RedeemAll,
// Replace and Import and Redeemer.Redeem on one MemoryJournal, with a clock
// that often stands still (so records of a batch, and of several requests,
// share their recording time and day), sometimes past a record block and a
// memShared block: every record reads back == as it was given, through
// Records, Lookup, History and Head.
func TestMemoryJournalReadsBackWhatBooksWrite(t *testing.T) {
	ctx := context.Background()
	rapid.Check(t, func(t *rapid.T) {
		j := &givenJournal{MemoryJournal: activation.NewMemoryJournal()}
		now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
		b := &activation.Book{Policy: activation.PartnerCenter(), Journal: j, Clock: func() time.Time { return now }}
		r := &activation.Redeemer{Policy: activation.PartnerCenter(), Ledger: j}
		at := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
		tenants := []string{"contoso", "fabrikam"}
		const product = "O365-E3"
		key := 0
		newKey := func() token.Key {
			key++
			return token.MustParseKey(fmt.Sprintf("BOOKK-TESTS-%05d-AAAAA-%05d", key, key))
		}
		op := func() activation.Operation { return activation.Operation(rapid.IntRange(1, 4).Draw(t, "op")) }
		var spent []token.Key
		if rapid.IntRange(0, 7).Draw(t, "big") == 0 { // past the blocks' ends, in one draw of eight
			keys := make([]token.Token, 0, 2100)
			for range 2100 {
				keys = append(keys, token.Token{Key: newKey(), Product: product, Seats: 1})
			}
			_, err := b.Redeem(ctx, "bulk", product, keys[0], activation.Activate, at)
			require.NoError(t, err)
			for c := 1; c < len(keys); c += 256 {
				_, err := b.RedeemAll(ctx, "bulk", product, keys[c:min(len(keys), c+256)], activation.AddSeats, at)
				require.NoError(t, err)
			}
		}
		for range rapid.IntRange(1, 30).Draw(t, "steps") {
			if rapid.Bool().Draw(t, "tick") {
				now = now.Add(time.Duration(rapid.IntRange(0, 2).Draw(t, "ns")))
			}
			if rapid.IntRange(0, 4).Draw(t, "day") == 0 {
				at = at.AddDate(0, 0, 1)
			}
			tenant := tenants[rapid.IntRange(0, 1).Draw(t, "tenant")]
			seats := func() int { return rapid.IntRange(1, 5).Draw(t, "seats") }
			switch rapid.IntRange(0, 4).Draw(t, "how") {
			case 0:
				k := newKey()
				if _, err := b.Redeem(ctx, tenant, product, token.Token{Key: k, Product: product, Seats: seats()}, op(), at); err == nil {
					spent = append(spent, k)
				}
			case 1:
				var ts []token.Token
				for range rapid.IntRange(1, 12).Draw(t, "n") {
					ts = append(ts, token.Token{Key: newKey(), Product: product, Seats: seats()})
				}
				_, _ = b.RedeemAll(ctx, tenant, product, ts, op(), at)
			case 2:
				if len(spent) > 0 {
					old := spent[rapid.IntRange(0, len(spent)-1).Draw(t, "old")]
					_, _ = b.Replace(ctx, old, token.Token{Key: newKey(), Product: product, Seats: seats()}, at)
				}
			case 3:
				_ = b.Import(ctx, activation.Subscription{Tenant: tenant, Product: product, Seats: rapid.IntRange(0, 9).Draw(t, "import seats"), End: at.AddDate(0, 0, rapid.IntRange(1, 400).Draw(t, "import end"))}, at)
			default:
				s := activation.Subscription{Tenant: "r-" + tenant, Product: product, Seats: rapid.IntRange(0, 9).Draw(t, "redeemer seats"), End: at.AddDate(0, 0, 30)}
				_, _ = r.Redeem(ctx, s, token.Token{Key: newKey(), Product: product, Seats: 2}, op(), at)
			}
		}
		got := j.Records()
		require.Equal(t, len(j.given), len(got))
		hist := map[[2]string][]activation.Record{}
		for i := range got {
			if got[i] != j.given[i] {
				t.Fatalf("record %d:\n got %+v\nwant %+v", i, got[i], j.given[i])
			}
			if fp := j.given[i].Fingerprint; !fp.IsZero() {
				l, ok, err := j.Lookup(ctx, fp)
				require.NoError(t, err)
				require.True(t, ok)
				require.True(t, l == j.given[i], "Lookup %d", i)
			}
			if rec := j.given[i]; rec.Seq > 0 {
				p := [2]string{rec.Outcome.After.Tenant, rec.Outcome.After.Product}
				hist[p] = append(hist[p], rec)
			}
		}
		for p, want := range hist {
			h, err := j.History(ctx, p[0], p[1], 0, 1<<30)
			require.NoError(t, err)
			require.Equal(t, len(want), len(h))
			for i := range want {
				require.True(t, h[i] == want[i], "History %v %d", p, i)
			}
			head, ok, err := j.Head(ctx, p[0], p[1])
			require.NoError(t, err)
			require.True(t, ok)
			require.True(t, head == want[len(want)-1])
		}
	})
}
