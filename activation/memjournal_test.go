package activation_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/activation/ledgertest"
)

// TestMemoryJournalConformance runs the Journal conformance suite on
// MemoryJournal, from NewMemoryJournal and from the zero value; a second
// handle on a store in memory is the same value.
func TestMemoryJournalConformance(t *testing.T) {
	t.Run("NewMemoryJournal", func(t *testing.T) {
		ledgertest.RunJournal(t, func(*testing.T) (activation.Journal, activation.Journal) {
			j := activation.NewMemoryJournal()
			return j, j
		})
	})
	t.Run("zero value", func(t *testing.T) {
		ledgertest.RunJournal(t, func(*testing.T) (activation.Journal, activation.Journal) {
			j := new(activation.MemoryJournal)
			return j, j
		})
	})
}

// TestMemoryJournalLedgerConformance: a MemoryJournal is a Ledger too, and
// passes the Ledger suites.
func TestMemoryJournalLedgerConformance(t *testing.T) {
	ledgertest.Run(t, func(*testing.T) activation.Ledger { return activation.NewMemoryJournal() })
	ledgertest.RunShared(t, func(*testing.T) (activation.Ledger, activation.Ledger) {
		j := activation.NewMemoryJournal()
		return j, j
	})
}

// TestMemoryLedgerShared runs the two-handle Ledger cases on MemoryLedger.
func TestMemoryLedgerShared(t *testing.T) {
	ledgertest.RunShared(t, func(*testing.T) (activation.Ledger, activation.Ledger) {
		l := activation.NewMemoryLedger()
		return l, l
	})
}

// TestMemoryJournalGapIsNotBadInput: a gap is the store's inconsistency
// (ErrGap), not the caller's bad input (ErrInvalid).
func TestMemoryJournalGapIsNotBadInput(t *testing.T) {
	rec := activation.Record{Seq: 2, Outcome: activation.Outcome{After: activation.Subscription{Tenant: "t", Product: "p"}}}
	_, _, err := activation.NewMemoryJournal().Append(context.Background(), rec)
	require.ErrorIs(t, err, activation.ErrGap)
	require.NotErrorIs(t, err, activation.ErrInvalid)
}
