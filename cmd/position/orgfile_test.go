package main

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/activation/entitlement"
	"github.com/coterm/coterm/cmd/internal/clitest"
	"github.com/coterm/coterm/token"
)

func mustDate(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

// TestDecodeSeed: the seed file reads as the library's example builds it.
func TestDecodeSeed(t *testing.T) {
	data, err := os.ReadFile(seed81)
	require.NoError(t, err)
	f, err := decodeOrg(data)
	require.NoError(t, err)
	gold := entitlement.Membership{Program: entitlement.Competency, Competency: "Cloud Productivity"}
	assert.Equal(t, entitlement.Organisation{
		Locations: []entitlement.Location{{Name: "Munich", Country: entitlement.MustParseCountry("DE"),
			Years: []entitlement.Year{{Membership: gold, Start: mustDate("2026-07-01"), End: mustDate("2027-07-01")}}}},
		Pools: []entitlement.Pool{{Name: "Office", Online: []entitlement.Product{{Name: "O365-E3", SKU: entitlement.Enterprise}},
			OnPremises: []string{"Office Professional Plus + CALs"}, CountryMax: 250, WorldMax: 500}},
		Placements: []entitlement.Placement{{Tenant: "contoso", Location: "Munich"}},
	}, f.org)
	assert.Equal(t, entitlement.Records{
		Grants: []entitlement.Grant{{Location: "Munich", Membership: gold, Year: mustDate("2026-07-01"), Pool: "Office", Kind: entitlement.Core, Quantity: 100}},
		Online: []entitlement.Online{{From: mustDate("2026-07-02"), Subscription: activation.Subscription{Tenant: "contoso", Product: "O365-E3", Seats: 81, End: mustDate("2027-07-01")}}},
		Deployments: []entitlement.Deployment{{Location: "Munich", Licence: "Office Professional Plus + CALs", Change: entitlement.Deploy,
			Quantity: 20, Day: mustDate("2026-07-03"), Reason: "finance team"}},
	}, f.recs)
}

// TestDecodeEveryField: every field of the format reads into its place.
func TestDecodeEveryField(t *testing.T) {
	fp := token.MustParseKey(clearKey).Fingerprint()
	f, err := decodeOrg([]byte(`{
	  "locations": [{"name": "HQ", "country": "de", "years": []}, {"name": "Paris", "country": "FR", "headquarters": "HQ",
	    "years": [{"membership": {"program": "action-pack"}, "start": "2026-07-01", "end": "2027-07-01"}]}],
	  "pools": [{"name": "P", "online": [{"name": "K1", "sku": "k"}], "onPremises": ["L"], "countryMax": 5,
	    "countries": [{"country": "FR", "max": 0}], "worldMax": 9}],
	  "otherProducts": [{"name": "V", "sku": "OTHER"}],
	  "placements": [{"tenant": "t", "product": "K1", "location": "Paris"}],
	  "grants": [{"location": "Paris", "membership": {"program": "action-pack"}, "year": "2026-07-01", "pool": "P",
	    "kind": "training", "quantity": 3, "day": "2026-08-01"}],
	  "online": [{"from": "2026-07-02", "subscription": {"tenant": "t", "product": "K1", "seats": 0}}],
	  "deployments": [{"location": "Paris", "licence": "L", "change": "remove", "quantity": 1, "day": "2026-07-03", "reason": ""}],
	  "tokens": [{"fingerprint": "` + strings.ToUpper(fp.String()) + `", "location": "Paris", "membership": {"program": "action-pack"},
	    "year": "2026-07-01", "pool": "P", "activateBy": "2026-10-01", "redeemed": "2026-07-05"}]
	}`))
	require.NoError(t, err)
	ap := entitlement.Membership{Program: entitlement.ActionPack}
	assert.Equal(t, "HQ", f.org.Locations[1].Headquarters)
	assert.Equal(t, []entitlement.Limit{{Country: entitlement.MustParseCountry("FR"), Max: 0}}, f.org.Pools[0].Countries)
	assert.Equal(t, entitlement.Kiosk, f.org.Pools[0].Online[0].SKU)
	assert.Equal(t, entitlement.OtherSKU, f.org.OtherProducts[0].SKU)
	assert.Equal(t, entitlement.Placement{Tenant: "t", Product: "K1", Location: "Paris"}, f.org.Placements[0])
	assert.Equal(t, entitlement.Grant{Location: "Paris", Membership: ap, Year: mustDate("2026-07-01"), Pool: "P", Kind: entitlement.Demonstration,
		Quantity: 3, Day: mustDate("2026-08-01")}, f.recs.Grants[0])
	assert.True(t, f.recs.Online[0].Subscription.IsNone())
	assert.Equal(t, entitlement.Remove, f.recs.Deployments[0].Change)
	assert.Equal(t, entitlement.IssuedToken{Fingerprint: fp, Location: "Paris", Membership: ap, Year: mustDate("2026-07-01"), Pool: "P",
		ActivateBy: mustDate("2026-10-01"), Redeemed: mustDate("2026-07-05")}, f.recs.Tokens[0])
}

// TestDecodeRefuses: each malformed file is refused with the field by its
// place and why, never with the value (a key pasted anywhere stays out of
// the message).
func TestDecodeRefuses(t *testing.T) {
	k := clearKey
	for file, want := range map[string]string{
		``:                                       "not valid JSON (byte 0)",
		`[]`:                                     "the file: want an object {…}",
		`{} {}`:                                  "not valid JSON (byte 4)",
		`{"pools": [], "pools": []}`:             "pools: given twice",
		`{"contry": []}`:                         `the file: unknown field "contry"`,
		`{"` + k + `": 1}`:                       "the file: unknown field (its name not shown)",
		`{"locations": [{"name": "` + k + `"}]}`: "locations[0].name: could be read as a product key (a name is never a key)",
		`{"locations": [{"name": "a", "country": "` + k + `"}]}`:                                                  "locations[0].country: want 2 letters, got 29 bytes",
		`{"locations": [{"name": "a", "country": "UK"}]}`:                                                         "locations[0].country: not an officially assigned ISO 3166-1 alpha-2 code",
		`{"locations": [{"name": "a", "headquarters": 7}]}`:                                                       `locations[0].headquarters: want a string "…"`,
		`{"locations": {"name": "a"}}`:                                                                            "locations: want a list […]",
		`{"locations": ["a"]}`:                                                                                    "locations[0]: want an object {…}",
		`{"locations": [{"years": [{"start": "` + k + `"}]}]}`:                                                    "locations[0].years[0].start: not a date YYYY-MM-DD",
		`{"locations": [{"years": [{"end": "2026-02-29"}]}]}`:                                                     "locations[0].years[0].end: 2026-02-29: February 2026 has 28 days",
		`{"locations": [{"years": [{"membership": {"program": "` + k + `"}}]}]}`:                                  "locations[0].years[0].membership.program: unknown program (29 bytes): want action-pack or competency",
		`{"locations": [{"years": [{"membership": {"competency": "` + strings.ReplaceAll(k, "-", " ") + `"}}]}]}`: "locations[0].years[0].membership.competency: could be read as a product key",
		`{"pools": [{"online": [{"name": "p", "sku": "enterprise", "class": "E"}]}]}`:                             `pools[0].online[0]: unknown field "class"`,
		`{"pools": [{"online": [{"name": "p", "sku": "` + k + `"}]}]}`:                                            "pools[0].online[0].sku: unknown SKU class (29 bytes): want enterprise, kiosk or other (also e, k)",
		`{"pools": [{"onPremises": ["a", "key: ` + k + `"]}]}`:                                                    "pools[0].onPremises[1]: could be read as a product key",
		`{"pools": [{"countryMax": 1.5}]}`:                                                                        "pools[0].countryMax: want a whole number 0 … 1,000,000,000",
		`{"pools": [{"worldMax": -1}]}`:                                                                           "pools[0].worldMax: want a whole number 0 … 1,000,000,000",
		`{"pools": [{"worldMax": 1e3}]}`:                                                                          "pools[0].worldMax: want a whole number 0 … 1,000,000,000",
		`{"pools": [{"worldMax": 1000000001}]}`:                                                                   "pools[0].worldMax: want a whole number 0 … 1,000,000,000",
		`{"pools": [{"worldMax": "` + k + `"}]}`:                                                                  "pools[0].worldMax: want a whole number 0 … 1,000,000,000",
		`{"pools": [{"countries": [{"country": "DE", "max": null}]}]}`:                                            "pools[0].countries[0].max: want a whole number 0 … 1,000,000,000",
		`{"placements": [{"tenant": "Adams Baker Clark Davis Evans"}]}`:                                           "placements[0].tenant: could be read as a product key",
		`{"grants": [{"kind": "` + k + `"}]}`:                                                                     "grants[0].kind: unknown grant kind (29 bytes): want core, toolkit or demonstration (also training)",
		`{"grants": [{"quantity": "100"}]}`:                                                                       "grants[0].quantity: want a whole number",
		`{"online": [{"subscription": {"tenant": "t", "seats": 1000000001}}]}`:                                    "online[0].subscription.seats: want a whole number 0 … 1,000,000,000",
		`{"online": [{"subscription": {"tenant": "t\u0007"}}]}`:                                                   "online[0].subscription.tenant: has the control, format or separator character U+0007 at byte 1",
		`{"online": [{"subscription": {"key": "` + k + `"}}]}`:                                                    `online[0].subscription: unknown field "key"`,
		`{"deployments": [{"change": "` + k + `"}]}`:                                                              "deployments[0].change: unknown change (29 bytes): want deploy or remove",
		`{"deployments": [{"reason": "moved ` + k + ` away"}]}`:                                                   "deployments[0].reason: could be read as a product key",
		`{"tokens": [{"fingerprint": "` + k + `"}]}`:                                                              "tokens[0].fingerprint: not a fingerprint: 29 bytes, want 64 hexadecimal digits (a fingerprint, never a key)",
		`{"tokens": [{"fingerprint": "` + strings.Repeat("g", 64) + `"}]}`:                                        "tokens[0].fingerprint: not a fingerprint: not a hexadecimal digit",
		`{"tokens": [{"key": "` + k + `"}]}`:                                                                      `tokens[0]: unknown field "key"`,
	} {
		_, err := decodeOrg([]byte(file))
		require.Error(t, err, file)
		assert.Contains(t, err.Error(), want, file)
		assert.Empty(t, clitest.Leaks(err.Error(), clitest.Keys(file, k, "Adams Baker Clark Davis Evans")), "%s: %s", file, err)
		assert.NotContains(t, err.Error(), "FAKE0", file)
	}
}
