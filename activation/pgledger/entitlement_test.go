package pgledger_test

import (
	"testing"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/activation/entitlement/enttest"
)

// TestEntitlementKeeper runs the entitlement Keeper's conformance suite —
// grants and on-premises changes kept as change records, exactly once per
// request, no lost update between admins — each case on a fresh schema.
func TestEntitlementKeeper(t *testing.T) {
	needDB(t)
	enttest.Run(t, func(t *testing.T) activation.Journal { return newStore(t) })
}
