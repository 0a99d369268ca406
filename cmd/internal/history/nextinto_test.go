package history

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/coterm/coterm/activation"
)

// TestNextIntoReusedResult replays one generated file twice: with
// Next (a new Result a row) and with NextInto into one Result reused.
// Every row's Result must be the same: none carries a field of the row
// before it (Imported, Unchanged, Replayed, Refused, Sub, Outcome, Reject).
func TestNextIntoReusedResult(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var b strings.Builder
		b.WriteString(strings.Join(Header, ",") + ",end\n")
		for i := range rapid.IntRange(1, 40).Draw(t, "rows") {
			date := fmt.Sprintf("2027-01-%02d", rapid.IntRange(1, 28).Draw(t, "day"))
			tenant := rapid.SampledFrom([]string{"contoso", "fabrikam", "bad\x01name"}).Draw(t, "tenant")
			key := fmt.Sprintf("REVWX-TESTS-AAAAA-BBBBB-%05d", rapid.IntRange(0, i).Draw(t, "key"))
			switch rapid.IntRange(0, 5).Draw(t, "kind") {
			case 0, 1:
				fmt.Fprintf(&b, "%s,%s,O365-E3,,%d,import,2027-%02d-01\n", date, tenant, rapid.IntRange(1, 3).Draw(t, "seats"), rapid.IntRange(6, 8).Draw(t, "month"))
			case 2:
				fmt.Fprintf(&b, "%s,%s,O365-E3,%s,%d,replace,REVWX-TESTS-AAAAA-BBBBB-%05d\n", date, tenant, key, rapid.IntRange(1, 3).Draw(t, "seats"), rapid.IntRange(0, i).Draw(t, "replaced"))
			case 3:
				fmt.Fprintf(&b, "%s,%s,O365-E3,%s,x,add-seats,\n", date, tenant, key)
			default:
				op := rapid.SampledFrom([]string{"add-seats", "extend-end", "renew", "activate"}).Draw(t, "op")
				fmt.Fprintf(&b, "%s,%s,O365-E3,%s,%d,%s,\n", date, tenant, key, rapid.IntRange(1, 3).Draw(t, "seats"), op)
			}
		}
		in := b.String()
		ctx := context.Background()
		newLoader := func() (*Loader, *Reader) {
			r, err := NewReader(strings.NewReader(in))
			require.NoError(t, err)
			return NewLoader(&activation.Book{Policy: activation.PartnerCenter(), Journal: activation.NewMemoryJournal()}), r
		}
		l1, r1 := newLoader()
		l2, r2 := newLoader()
		var reused Result
		for {
			want, err1 := l1.Next(ctx, r1)
			err2 := l2.NextInto(ctx, r2, &reused)
			require.Equal(t, err1, err2)
			if err1 == io.EOF {
				break
			}
			got := reused
			require.Equal(t, want.Sub == nil, got.Sub == nil, "line %d", want.Line)
			if want.Sub != nil {
				require.Equal(t, *want.Sub, *got.Sub, "line %d", want.Line)
			}
			want.Sub, got.Sub = nil, nil
			require.Equal(t, want, got, "line %d", want.Line)
		}
		require.Equal(t, l1.Counts, l2.Counts)
	})
}
