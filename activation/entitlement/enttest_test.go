package entitlement_test

import (
	"testing"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/activation/entitlement/enttest"
)

// The reference Journal keeps a Keeper's chains as every store must.
func TestConformanceMemoryJournal(t *testing.T) {
	enttest.Run(t, func(*testing.T) activation.Journal { return activation.NewMemoryJournal() })
}
