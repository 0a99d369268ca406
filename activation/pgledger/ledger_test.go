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

// TestJournal runs the Journal conformance suite, each case on a fresh
// schema, with two Stores (two independent pools) as its two handles.
func TestJournal(t *testing.T) {
	needDB(t)
	ledgertest.RunJournal(t, func(t *testing.T) (activation.Journal, activation.Journal) {
		schema := freshSchema(t)
		pool := map[string]string{"pool_max_conns": "16"}
		return openStore(t, schema, pool), openStore(t, schema, pool)
	})
}

// TestJournalSerializable runs the Journal suite with every transaction
// SERIALIZABLE by default (see TestLedgerSerializable).
func TestJournalSerializable(t *testing.T) {
	needDB(t)
	ledgertest.RunJournal(t, func(t *testing.T) (activation.Journal, activation.Journal) {
		schema := freshSchema(t)
		params := map[string]string{"pool_max_conns": "16", "default_transaction_isolation": "serializable"}
		return openStore(t, schema, params), openStore(t, schema, params)
	})
}
