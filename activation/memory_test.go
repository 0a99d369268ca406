package activation_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/activation/ledgertest"
	"github.com/coterm/coterm/token"
)

// TestMemoryLedgerConformance runs the Ledger conformance suite (R2) on
// MemoryLedger, from NewMemoryLedger and from the zero value.
func TestMemoryLedgerConformance(t *testing.T) {
	t.Run("NewMemoryLedger", func(t *testing.T) {
		ledgertest.Run(t, func(*testing.T) activation.Ledger { return activation.NewMemoryLedger() })
	})
	t.Run("zero value", func(t *testing.T) {
		ledgertest.Run(t, func(*testing.T) activation.Ledger { return new(activation.MemoryLedger) })
	})
}

func memKey(t testing.TB, n int) token.Key {
	t.Helper()
	k, err := token.ParseKey(fmt.Sprintf("MEMRY-LEDGR-%05d-AAAAA-%05d", n, n))
	require.NoError(t, err)
	return k
}

func TestMemoryLedgerRecordsInClaimOrder(t *testing.T) {
	l := activation.NewMemoryLedger()
	require.Equal(t, 0, l.Len())
	require.Empty(t, l.Records())
	ctx := context.Background()
	var want []activation.Record
	for _, n := range []int{7, 3, 9, 1, 5} {
		rec := activation.Record{
			Fingerprint: memKey(t, n).Fingerprint(),
			Outcome:     activation.Outcome{Op: activation.AddSeats, At: time.Date(2026, 1, n, 0, 0, 0, 0, time.UTC)},
		}
		rec.Request[0] = byte(n)
		_, inserted, err := l.Claim(ctx, rec)
		require.NoError(t, err)
		require.True(t, inserted)
		want = append(want, rec)
	}
	// A repeated claim changes neither the count nor the order.
	_, inserted, err := l.Claim(ctx, activation.Record{Fingerprint: memKey(t, 3).Fingerprint()})
	require.NoError(t, err)
	require.False(t, inserted)

	require.Equal(t, len(want), l.Len())
	got := l.Records()
	require.Equal(t, want, got)
	got[0].Outcome.Op = activation.Renew // a copy: the ledger is unchanged
	require.Equal(t, want, l.Records())
}

func TestMemoryLedgerNilContext(t *testing.T) {
	l := activation.NewMemoryLedger()
	rec := activation.Record{Fingerprint: memKey(t, 1).Fingerprint()}
	//lint:ignore SA1012 a nil context must be an error, not a panic
	_, _, err := l.Claim(nil, rec)
	require.ErrorIs(t, err, activation.ErrInvalid)
	//lint:ignore SA1012 a nil context must be an error, not a panic
	_, _, err = l.Lookup(nil, rec.Fingerprint)
	require.ErrorIs(t, err, activation.ErrInvalid)
	require.Equal(t, 0, l.Len())
}
