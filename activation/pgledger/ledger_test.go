package pgledger_test

import (
	"testing"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/activation/ledgertest"
)

// TestLedger runs the Ledger conformance suite, each case on a fresh schema.
func TestLedger(t *testing.T) {
	needDB(t)
	ledgertest.Run(t, func(t *testing.T) activation.Ledger { return newStore(t) })
}
