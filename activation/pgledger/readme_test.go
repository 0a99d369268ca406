package pgledger_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/token"
)

// TestREADMEQuery runs the psql query of README.md on the history it shows.
func TestREADMEQuery(t *testing.T) {
	needDB(t)
	ctx := context.Background()
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	_, rest, ok := strings.Cut(string(readme), "```sql\n")
	require.True(t, ok, "README.md has no SQL block")
	query, rest, ok := strings.Cut(rest, "```")
	require.True(t, ok)
	_, rest, ok = strings.Cut(rest, "```\n")
	require.True(t, ok, "README.md shows no output")
	shown, _, _ := strings.Cut(rest, "```")
	var want [][]string
	for i, l := range strings.Split(strings.TrimSpace(shown), "\n") {
		if i < 2 { // the header and the rule
			continue
		}
		var cells []string
		for _, c := range strings.Split(l, "|") {
			cells = append(cells, strings.TrimSpace(c))
		}
		want = append(want, cells)
	}

	store := newStore(t)
	clock := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	book := &activation.Book{Policy: activation.PartnerCenter(), Journal: store, Clock: func() time.Time { return clock }}
	day := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	require.NoError(t, book.Import(ctx, activation.Subscription{Tenant: "contoso", Product: "M365-E3", Seats: 100, End: time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)}, day))
	k1, err := token.ParseKey("aaaa1-bbbb2-cccc3-dddd4-eeee5")
	require.NoError(t, err)
	clock = clock.Add(5 * time.Minute)
	_, err = book.Redeem(ctx, "contoso", "M365-E3", token.Token{Key: k1, Product: "M365-E3", Seats: 25}, activation.ExtendEnd, day)
	require.NoError(t, err)
	k2, err := token.ParseKey("PGLDG-READM-00000-TESTK-KEY02")
	require.NoError(t, err)
	clock = time.Date(2027, 1, 15, 14, 30, 0, 0, time.UTC)
	_, err = book.Redeem(ctx, "contoso", "M365-E3", token.Token{Key: k2, Product: "M365-E3", Seats: 25}, activation.AddSeats, time.Date(2027, 1, 15, 0, 0, 0, 0, time.UTC))
	require.NoError(t, err)

	rows, err := store.Pool().Query(ctx, query)
	require.NoError(t, err)
	defer rows.Close()
	var got [][]string
	for rows.Next() {
		vals, err := rows.Values()
		require.NoError(t, err)
		var cells []string
		for _, v := range vals {
			switch v := v.(type) {
			case nil:
				cells = append(cells, "")
			case time.Time:
				if v.Hour() == 0 && v.Minute() == 0 && v.Second() == 0 && v.Nanosecond() == 0 {
					cells = append(cells, v.Format(time.DateOnly))
				} else {
					cells = append(cells, v.UTC().Format("2006-01-02 15:04:05+00"))
				}
			default:
				cells = append(cells, fmt.Sprint(v))
			}
		}
		got = append(got, cells)
	}
	require.NoError(t, rows.Err())
	require.Equal(t, want, got, "README.md shows another history than its query returns")
}
