package main

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation/pgledger"
	"github.com/coterm/coterm/activation/pgledger/pgtest"
	"github.com/coterm/coterm/cmd/internal/cli"
	"github.com/coterm/coterm/cmd/internal/clitest"
	"github.com/coterm/coterm/token"
)

const bookFile = "../replay/testdata/book.csv"

// bookOrg is an organisation for the book of replay's sample file: its
// M365-E3 subscriptions draw on one pool (contoso's seats at Munich,
// fabrikam's at Paris), its Visio subscriptions on none; a competency year
// at Munich and an Action Pack year at Paris grant in the pool, and one
// token of the competency year is a key fabrikam redeemed after its
// activate-by day.
func bookOrg() tOrg {
	comp := tMember{Program: "competency", Competency: "Cloud Productivity"}
	ap := tMember{Program: "action-pack"}
	return tOrg{
		Locations: []tLocation{
			{Name: "Munich", Country: "DE", Years: []tYear{
				{Membership: comp, Start: "2025-07-01", End: "2026-07-01"}, {Membership: comp, Start: "2026-07-01", End: "2027-07-01"}}},
			{Name: "Paris", Country: "FR", Headquarters: "Munich", Years: []tYear{{Membership: ap, Start: "2026-01-01", End: "2027-01-01"}}},
		},
		Pools:         []tPool{{Name: "Office", Online: []tProduct{{Name: "M365-E3", SKU: "e"}}, OnPremises: []string{"Office LTSC"}, CountryMax: 1000, WorldMax: 1000}},
		OtherProducts: []tProduct{{Name: "Visio", SKU: "other"}},
		Placements:    []tPlacement{{Tenant: "contoso", Location: "Munich"}, {Tenant: "fabrikam", Location: "Paris"}},
		Grants: []tGrant{
			{Location: "Munich", Membership: comp, Year: "2025-07-01", Pool: "Office", Kind: "core", Quantity: 150},
			{Location: "Munich", Membership: comp, Year: "2026-07-01", Pool: "Office", Kind: "core", Quantity: 150},
			{Location: "Paris", Membership: ap, Year: "2026-01-01", Pool: "Office", Kind: "core", Quantity: 30},
		},
		Tokens: []tToken{{Fingerprint: token.MustParseKey("FAKE0-KEY00-NOT00-REAL0-FB002").Fingerprint().String(),
			Location: "Munich", Membership: comp, Year: "2026-07-01", Pool: "Office", ActivateBy: "2026-11-15"}},
	}
}

// TestBook: -book reads online use from the history file: every record's
// state from its day, and the day the book spent a token's key.
func TestBook(t *testing.T) {
	org := writeOrg(t, "book-org.json", bookOrg().json(t))
	code, out, errOut := position(t, "-org", org, "-book", bookFile, "-at", "2026-12-15")
	assert.Equal(t, cli.ExitNegative, code, errOut)
	assert.Equal(t, "position: the book has 3 rejected rows; replay it to see them\n", errOut)
	assert.Contains(t, out, "Pool Office: 205 online + 0 on premises = 205 used of 180 granted; excess 25\n")
	assert.Contains(t, out, "    online contoso M365-E3 at Munich (DE): 130, covered ")
	assert.Contains(t, out, "    online fabrikam M365-E3 at Paris (FR): 75, covered ")
	assert.Contains(t, out, "R14 over-entitlement in pool Office: 205 used of 180 granted, 25 uncovered;")
	assert.Contains(t, out, "R21 tokens-late in pool Office: 1 token not redeemed before activate-by 2026-11-15;", "redeemed 2026-12-01, as the book says")
	assert.NotContains(t, out, "tokens-not-entered", "the book spent it")
	assert.NotContains(t, out, "Visio", "a product of no pool is in no pool's figures")
	for _, k := range []string{"FAKE0-KEY00", "fake0 key00", "FB002", "CB001"} {
		assert.NotContains(t, out+errOut, k)
	}

	// The day defaults to the book's latest record (an import equal to
	// the state records nothing).
	_, out, _ = position(t, "-org", org, "-book", bookFile)
	assert.Contains(t, out, "Position on 2027-02-01 (policy partner-center)\n")

	// A product of the book the file does not declare is named with its
	// subscription (names the book accepted: no key).
	o := bookOrg()
	o.OtherProducts = nil
	code, _, errOut = position(t, "-org", writeOrg(t, "no-visio.json", o.json(t)), "-book", bookFile, "-at", "2026-12-15")
	assert.Equal(t, cli.ExitUnreadable, code)
	assert.Contains(t, errOut, "position: the book's subscription ")
	assert.Contains(t, errOut, "/Visio: subscription.product: not a declared product (of a pool or other): declare every product of the book in a pool's online products or in otherProducts\n")
}

// TestBookFromDB: -db answers as -book does for the same book.
func TestBookFromDB(t *testing.T) {
	url := pgtest.Shared(t).Schema(t)
	store, err := pgledger.Open(context.Background(), url)
	require.NoError(t, err)
	defer store.Close()
	clitest.LoadFile(t, store, bookFile)
	org := writeOrg(t, "book-org.json", bookOrg().json(t))
	for _, q := range [][]string{{"-at", "2026-12-15"}, {"-at", "2026-06-15", "-json"}, {}} {
		fileCode, fileOut, _ := position(t, append([]string{"-org", org, "-book", bookFile}, q...)...)
		dbCode, dbOut, dbErr := position(t, append([]string{"-org", org, "-db", url}, q...)...)
		assert.Equal(t, fileCode, dbCode, "%v: %s", q, dbErr)
		assert.Equal(t, fileOut, dbOut, "%v", q)
		assert.Empty(t, dbErr, "the database holds no rejected row")
	}
}
