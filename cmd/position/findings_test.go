package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/cmd/internal/cli"
)

// tenantsOrg has findings of no pool of their own: a tenant with an E3
// seat beside a Visio seat (R19, drawn in the E3 pool's panel), a tenant
// with Visio and Project seats only (R19, no pool: under the legend), a
// tenant placed nowhere (R14 not covered, in its pool's panel), and a
// subscription that runs past the year (R20, labelled with its tenant cut
// to fit). The second pool has no grant and no use.
func tenantsOrg() tOrg {
	comp := tMember{Program: "competency", Competency: "Cloud Productivity"}
	long := "Adams Baker Clark Davis Evans LLP and Partners"
	return tOrg{
		Locations: []tLocation{{Name: "Munich", Country: "DE", Years: []tYear{{Membership: comp, Start: "2026-07-01", End: "2027-07-01"}}}},
		Pools: []tPool{
			{Name: "Office", Online: []tProduct{{Name: "O365-E3", SKU: "e"}}, OnPremises: []string{"Office LTSC"}, CountryMax: 500, WorldMax: 500},
			{Name: "Empty", OnPremises: []string{"Nothing"}, CountryMax: 5, WorldMax: 5},
		},
		OtherProducts: []tProduct{{Name: "Visio", SKU: "other"}, {Name: "Project", SKU: "other"}},
		Placements:    []tPlacement{{Tenant: long, Location: "Munich"}, {Tenant: "fabrikam", Location: "Munich"}},
		Grants:        []tGrant{{Location: "Munich", Membership: comp, Year: "2026-07-01", Pool: "Office", Kind: "core", Quantity: 100}},
		Online: []tOnline{
			{From: "2026-07-02", Subscription: tSub{Tenant: long, Product: "O365-E3", Seats: 10, End: "2027-09-01"}},
			{From: "2026-07-02", Subscription: tSub{Tenant: long, Product: "Visio", Seats: 2, End: "2027-07-01"}},
			{From: "2026-07-03", Subscription: tSub{Tenant: "fabrikam", Product: "Visio", Seats: 2, End: "2027-07-01"}},
			{From: "2026-07-03", Subscription: tSub{Tenant: "fabrikam", Product: "Project", Seats: 2, End: "2027-07-01"}},
			{From: "2026-07-04", Subscription: tSub{Tenant: "northwind", Product: "O365-E3", Seats: 5, End: "2027-07-01"}},
		},
	}
}

// TestFindingsOfNoPool: each finding is marked in the panel of the pool its
// subscriptions draw on, or, when they draw on none, named under the
// legend; the text shows no empty heading for a pool without grants or
// uses.
func TestFindingsOfNoPool(t *testing.T) {
	org := writeOrg(t, "tenants.json", tenantsOrg().json(t))
	svg := filepath.Join(t.TempDir(), "tenants.svg")
	code, out, errOut := position(t, "-org", org, "-at", "2026-08-01", "-svg", svg)
	assert.Equal(t, cli.ExitNegative, code, errOut)
	assert.Contains(t, out, "R14 not-covered on tenant northwind: ")
	assert.Contains(t, out, "R19 mixed-skus on tenant fabrikam: ")
	assert.Contains(t, out, "R19 mixed-skus on tenant Adams Baker Clark Davis Evans LLP and Partners: ")
	assert.Contains(t, out, "R20 runs-beyond in pool Office on tenant Adams Baker Clark Davis Evans LLP and Partners (O365-E3): ")
	assert.Contains(t, out, "\nPool Empty: 0 online + 0 on premises = 0 used of 0 granted; within the entitlement\n"+
		"  worldwide: granted 0, online 0, on premises 0, maximum 5, headroom 0\n\n", "no heading without grants or uses")
	b, err := os.ReadFile(svg)
	require.NoError(t, err)
	s := string(b)
	office, empty, _ := strings.Cut(s[strings.Index(s, "</title>Pool Office"):], "</title>Pool Empty")
	assert.Contains(t, office, "R14 not-covered on northwind since 2026-07-04")
	assert.Contains(t, office, ">R19 mixed-skus on Adams Baker Clark D… since 2026-07-02<", "the tenant cut to fit")
	assert.Contains(t, office, "<title>R20 runs-beyond in pool Office on tenant Adams Baker Clark Davis Evans LLP and Partners (O365-E3): ")
	panel, legend, _ := strings.Cut(empty, ">Legend<")
	assert.NotContains(t, panel, "R19")
	assert.Contains(t, legend, "Not in a panel: R19 mixed-skus on fabrikam since 2026-07-03")
	assert.Equal(t, 1, strings.Count(s, "R19 mixed-skus on fabrikam"), "in no panel")
}

// TestBookErrorNamesSubscription: an online state of the book the file
// refuses names its subscription, the first of the book's records too.
func TestBookErrorNamesSubscription(t *testing.T) {
	o := bookOrg()
	o.Pools[0].Online, o.OtherProducts = nil, nil
	code, _, errOut := position(t, "-org", writeOrg(t, "none.json", o.json(t)), "-book", bookFile, "-at", "2026-12-15")
	assert.Equal(t, cli.ExitUnreadable, code)
	assert.Regexp(t, `(?m)^position: the book's subscription [a-z/]+/(M365-E3|Visio): subscription.product: not a declared product`, errOut)
}

// TestCleanBook: a book without rejected rows says nothing on standard
// error.
func TestCleanBook(t *testing.T) {
	book := filepath.Join(t.TempDir(), "clean.csv")
	require.NoError(t, os.WriteFile(book, []byte("date,tenant,product,key,seats,operation,end\n2026-01-15,contoso,M365-E3,,100,import,2027-01-15\n"), 0o644))
	code, out, errOut := position(t, "-org", writeOrg(t, "book-org.json", bookOrg().json(t)), "-book", book, "-at", "2026-08-01")
	assert.Contains(t, []int{cli.ExitOK, cli.ExitNegative}, code)
	assert.Contains(t, out, "online contoso M365-E3 at Munich (DE): 100")
	assert.Empty(t, errOut)
}

// TestRecordRefusedWithCause: a record the library refuses with a cause
// from another package says both.
func TestRecordRefusedWithCause(t *testing.T) {
	data, err := os.ReadFile(seed80)
	require.NoError(t, err)
	bad := strings.Replace(string(data), `"seats": 80, "end": "2027-07-01"`, `"seats": 80`, 1)
	require.NotEqual(t, string(data), bad)
	code, _, errOut := position(t, "-org", writeOrg(t, "no-end.json", []byte(bad)), "-at", "2026-08-01")
	assert.Equal(t, cli.ExitUnreadable, code)
	assert.Contains(t, errOut, "position: -org: online[0].subscription: not valid: ")
}

// TestFieldName: an unknown field is quoted when its name is at most 24
// letters, digits, hyphens and underscores (too short to hold a key), and
// not otherwise.
func TestFieldName(t *testing.T) {
	for _, name := range []string{"a", "09", "AZ", "az", "a-b_c", strings.Repeat("x", 24), "Zz9-_0aA"} {
		assert.Equal(t, `"`+name+`"`, fieldName(name), name)
	}
	for _, name := range []string{"", strings.Repeat("x", 25), "a.b", "a b", "a/b", "a:b", "a@b", "a[b", "a`b", "a{b", "ä"} {
		assert.Equal(t, "(its name not shown)", fieldName(name), name)
	}
}

// TestWholeRange: a whole number takes 0 and the top of its range.
func TestWholeRange(t *testing.T) {
	f, err := decodeOrg([]byte(`{"pools": [{"countryMax": 0, "worldMax": 1000000000}]}`))
	require.NoError(t, err)
	assert.Equal(t, 0, f.org.Pools[0].CountryMax)
	assert.Equal(t, 1_000_000_000, f.org.Pools[0].WorldMax)
}

// TestCut: a name that fits is kept whole, a longer one cut with "…".
func TestCut(t *testing.T) {
	assert.Equal(t, "12345678901234567890", cut("12345678901234567890", 20))
	assert.Equal(t, "1234567890123456789…", cut("123456789012345678901", 20))
	assert.Equal(t, "Müller & Söhne", cut("Müller & Söhne", 14), "characters, not bytes")
}
