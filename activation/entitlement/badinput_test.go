package entitlement

import (
	"strings"
	"testing"

	"github.com/coterm/coterm/activation"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pastedKey is a product key a caller might paste into a name.
const pastedKey = "AB3DE-FG5HJ-KL7MN-PQ9RS-TUVW2"

// assertBad checks a refusal: the sentinels, the field named, and no name
// of the input in the message.
func assertBad(t *testing.T, err error, kind error, fieldName string) {
	t.Helper()
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrInvalid)
	assert.ErrorIs(t, err, kind)
	var in *InputError
	require.ErrorAs(t, err, &in)
	assert.Equal(t, fieldName, in.Field)
	msg := err.Error()
	assert.True(t, strings.HasPrefix(msg, "entitlement: "), msg)
	for _, name := range []string{pastedKey, "AB3DE", "TUVW2", "Munich", "Seattle", "Paris", "contoso", e3, proPl, office, "Nowhere", "Cloud"} {
		assert.NotContains(t, msg, name)
	}
}

// Bad organisations: a clear error wrapping a sentinel, naming the field,
// never a name.
func TestBadOrganisation(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*Organisation)
		kind  error
		field string
	}{
		{"no locations", func(o *Organisation) { o.Locations = nil }, ErrNotAssociated, "locations"},
		{"no headquarters", func(o *Organisation) { o.Locations[0].Headquarters = "Paris" }, ErrNotAssociated, "locations"},
		{"two headquarters", func(o *Organisation) { o.Locations[2].Headquarters = "" }, ErrNotAssociated, "locations[2].headquarters"},
		{"R17 a location associated with another headquarters", func(o *Organisation) { o.Locations[1].Headquarters = "Nowhere" }, ErrNotAssociated, "locations[1].headquarters"},
		{"a location named like a pastedKey", func(o *Organisation) { o.Locations[1].Name = pastedKey }, ErrInvalid, "locations[1].name"},
		{"a location named like a pastedKey with a trailing dot", func(o *Organisation) { o.Locations[1].Name = pastedKey + "." }, ErrInvalid, "locations[1].name"},
		{"a location named like a pastedKey with em dashes", func(o *Organisation) { o.Locations[1].Name = strings.ReplaceAll(pastedKey, "-", "—") }, ErrInvalid, "locations[1].name"},
		{"a location named like a pastedKey in fullwidth", func(o *Organisation) {
			o.Locations[1].Name = "ＡＢ３ＤＥ－ＦＧ５ＨＪ－ＫＬ７ＭＮ－ＰＱ９ＲＳ－ＴＵＶＷ２"
		}, ErrInvalid, "locations[1].name"},
		{"a location holding a pastedKey", func(o *Organisation) { o.Locations[1].Name = "Seattle (" + pastedKey + ")" }, ErrInvalid, "locations[1].name"},
		{"a location named by words that are wholly a key", func(o *Organisation) { o.Locations[1].Name = "Adams Baker Clark Davis Evans" }, ErrInvalid, "locations[1].name"},
		{"a location named twice", func(o *Organisation) { o.Locations[2].Name = "Munich" }, ErrDuplicate, "locations[2].name"},
		{"an empty name", func(o *Organisation) { o.Locations[2].Name = "" }, ErrInvalid, "locations[2].name"},
		{"a control character", func(o *Organisation) { o.Locations[2].Name = "Par\x00is" }, ErrInvalid, "locations[2].name"},
		{"a format character", func(o *Organisation) { o.Locations[2].Name = "Par\u200bis" }, ErrInvalid, "locations[2].name"},
		{"invalid UTF-8", func(o *Organisation) { o.Locations[2].Name = "Par\xffis" }, ErrInvalid, "locations[2].name"},
		{"a name too long", func(o *Organisation) { o.Locations[2].Name = strings.Repeat("P", MaxNameLen+1) }, ErrInvalid, "locations[2].name"},
		{"no country", func(o *Organisation) { o.Locations[0].Country = Country{} }, ErrCountry, "locations[0].country"},
		{"a country not assigned", func(o *Organisation) { o.Locations[0].Country = Country{'U', 'K'} }, ErrCountry, "locations[0].country"},
		{"a year ending before it starts", func(o *Organisation) { o.Locations[0].Years[0].End = day("2026-06-30") }, ErrOverlap, "locations[0].years[0]"},
		{"a year ending on its first day", func(o *Organisation) { o.Locations[0].Years[0].End = day("2026-07-01") }, ErrOverlap, "locations[0].years[0]"},
		{"two years of one membership overlap", func(o *Organisation) {
			o.Locations[1].Years = append(o.Locations[1].Years, Year{Membership: gold, Start: day("2027-06-30"), End: day("2028-06-30")})
		}, ErrOverlap, "locations[1].years"},
		{"a year with no start", func(o *Organisation) { o.Locations[0].Years[0].Start = day("0001-01-01") }, ErrInvalid, "locations[0].years[0].start"},
		{"an Action Pack with a competency name", func(o *Organisation) { o.Locations[1].Years[1].Membership.Competency = "Cloud" }, ErrInvalid, "locations[1].years[1].membership.competency"},
		{"a competency without a name", func(o *Organisation) { o.Locations[1].Years[0].Membership.Competency = "" }, ErrInvalid, "locations[1].years[0].membership.competency"},
		{"a competency named like a pastedKey", func(o *Organisation) { o.Locations[1].Years[0].Membership.Competency = pastedKey }, ErrInvalid, "locations[1].years[0].membership.competency"},
		{"an undefined program", func(o *Organisation) { o.Locations[1].Years[0].Membership.Program = 7 }, ErrInvalid, "locations[1].years[0].membership.program"},
		{"a pool named twice", func(o *Organisation) { o.Pools = append(o.Pools, Pool{Name: office, CountryMax: 1, WorldMax: 1}) }, ErrDuplicate, "pools[1].name"},
		{"a product in two pools", func(o *Organisation) {
			o.Pools = append(o.Pools, Pool{Name: "p2", CountryMax: 1, WorldMax: 1, Online: []Product{{Name: e3, SKU: Enterprise}}})
		}, ErrDuplicate, "pools[1].online[0].name"},
		{"a licence in two pools", func(o *Organisation) {
			o.Pools = append(o.Pools, Pool{Name: "p2", CountryMax: 1, WorldMax: 1, OnPremises: []string{proPl}})
		}, ErrDuplicate, "pools[1].onPremises[0]"},
		{"a product without a class", func(o *Organisation) { o.Pools[0].Online[0].SKU = 0 }, ErrInvalid, "pools[0].online[0].sku"},
		{"a product named like a pastedKey", func(o *Organisation) { o.Pools[0].Online[0].Name = pastedKey }, ErrInvalid, "pools[0].online[0].name"},
		{"no country maximum", func(o *Organisation) { o.Pools[0].CountryMax = 0 }, ErrInvalid, "pools[0].countryMax"},
		{"no worldwide maximum", func(o *Organisation) { o.Pools[0].WorldMax = 0 }, ErrInvalid, "pools[0].worldMax"},
		{"a maximum too large", func(o *Organisation) { o.Pools[0].WorldMax = MaxQuantity + 1 }, ErrInvalid, "pools[0].worldMax"},
		{"a negative country maximum", func(o *Organisation) { o.Pools[0].Countries = []Limit{{Country: de, Max: -1}} }, ErrInvalid, "pools[0].countries[0].max"},
		{"a country maximum twice", func(o *Organisation) { o.Pools[0].Countries = []Limit{{Country: de, Max: 1}, {Country: de, Max: 2}} }, ErrDuplicate, "pools[0].countries[1].country"},
		{"a country maximum for no country", func(o *Organisation) { o.Pools[0].Countries = []Limit{{Max: 1}} }, ErrCountry, "pools[0].countries[0].country"},
		{"a placement at an unknown location", func(o *Organisation) { o.Placements[0].Location = "Nowhere" }, ErrUnknown, "placements[0].location"},
		{"a placement of an unknown product", func(o *Organisation) { o.Placements[0].Product = "Nowhere" }, ErrUnknown, "placements[0].product"},
		{"a tenant placed twice", func(o *Organisation) { o.Placements[1].Tenant = "contoso" }, ErrDuplicate, "placements[1]"},
		{"a tenant named like a pastedKey", func(o *Organisation) { o.Placements[0].Tenant = pastedKey }, ErrInvalid, "placements[0].tenant"},
		{"an invalid policy", func(o *Organisation) { o.Policy = activation.Policy{} }, ErrInvalid, "policy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := fixture()
			tt.edit(&o)
			p, err := New(o, Records{}.Source())
			assert.Nil(t, p)
			assertBad(t, err, tt.kind, tt.field)
		})
	}
}

// Bad records: the same, from the call that reads them; nothing is
// computed.
func TestBadRecords(t *testing.T) {
	g := grant("Munich", gold, Core, 10)
	tok := IssuedToken{Fingerprint: [32]byte{1}, Location: "Munich", Membership: gold, Year: day("2026-07-01"), Pool: office}
	tests := []struct {
		name  string
		recs  Records
		kind  error
		field string
	}{
		{"a grant of zero", Records{Grants: []Grant{grant("Munich", gold, Core, 0)}}, ErrInvalid, "grants[0].quantity"},
		{"a negative grant", Records{Grants: []Grant{grant("Munich", gold, Core, -5)}}, ErrInvalid, "grants[0].quantity"},
		{"a grant too large", Records{Grants: []Grant{grant("Munich", gold, Core, MaxQuantity+1)}}, ErrInvalid, "grants[0].quantity"},
		{"a grant at an unknown location", Records{Grants: []Grant{grant("Nowhere", gold, Core, 1)}}, ErrUnknown, "grants[0].location"},
		{"a grant at a location named like a pastedKey", Records{Grants: []Grant{grant(pastedKey, gold, Core, 1)}}, ErrUnknown, "grants[0].location"},
		{"a grant in an unknown pool", Records{Grants: []Grant{{Location: "Munich", Membership: gold, Year: day("2026-07-01"), Pool: "Nowhere", Kind: Core, Quantity: 1}}}, ErrUnknown, "grants[0].pool"},
		{"a grant of no program year", Records{Grants: []Grant{{Location: "Munich", Membership: gold, Year: day("2026-07-02"), Pool: office, Kind: Core, Quantity: 1}}}, ErrUnknown, "grants[0].year"},
		{"a grant of a membership the location does not hold", Records{Grants: []Grant{grant("Seattle", ap, Core, 1)}}, ErrUnknown, "grants[0].year"},
		{"a grant of no kind", Records{Grants: []Grant{grant("Munich", gold, 0, 1)}}, ErrInvalid, "grants[0].kind"},
		{"a grant growing outside its year", Records{Grants: []Grant{withDay(g, "2027-07-01")}}, ErrInvalid, "grants[0].day"},
		{"R18 a toolkit at the headquarters", Records{Grants: []Grant{grant("Seattle", gold, Toolkit, 1)}}, ErrToolkit, "grants[0].kind"},
		{"an online state of an undeclared product", Records{Online: []Online{online("contoso", "Nowhere", 1)}}, ErrUnknown, "online[0].subscription.product"},
		{"an online state of a tenant named like a pastedKey", Records{Online: []Online{online(pastedKey, e3, 1)}}, ErrInvalid, "online[0].subscription.tenant"},
		{"an online state that is not a subscription", Records{Online: []Online{online("contoso", e3, -1)}}, ErrInvalid, "online[0].subscription"},
		{"an online state with no day", Records{Online: []Online{{Subscription: online("contoso", e3, 1).Subscription}}}, ErrInvalid, "online[0].from"},
		{"a deployment of zero", Records{Deployments: []Deployment{deploy("Munich", 0)}}, ErrInvalid, "deployments[0].quantity"},
		{"a deployment at an unknown location", Records{Deployments: []Deployment{deploy("Nowhere", 1)}}, ErrUnknown, "deployments[0].location"},
		{"a deployment of an unknown licence", Records{Deployments: []Deployment{{Location: "Munich", Licence: "Nowhere", Change: Deploy, Quantity: 1, Day: day("2026-07-03")}}}, ErrUnknown, "deployments[0].licence"},
		{"a deployment of no change", Records{Deployments: []Deployment{{Location: "Munich", Licence: proPl, Quantity: 1, Day: day("2026-07-03")}}}, ErrInvalid, "deployments[0].change"},
		{"a reason that is a pastedKey", Records{Deployments: []Deployment{{Location: "Munich", Licence: proPl, Change: Deploy, Quantity: 1, Day: day("2026-07-03"), Reason: pastedKey}}}, ErrInvalid, "deployments[0].reason"},
		{"more removed than deployed", Records{Deployments: []Deployment{deploy("Munich", 2), {Location: "Munich", Licence: proPl, Change: Remove, Quantity: 3, Day: day("2026-07-04")}}}, ErrInvalid, "deployments"},
		{"a token without a fingerprint", Records{Tokens: []IssuedToken{{Location: "Munich", Membership: gold, Year: day("2026-07-01"), Pool: office}}}, ErrInvalid, "tokens[0].fingerprint"},
		{"a token issued twice", Records{Tokens: []IssuedToken{tok, tok}}, ErrDuplicate, "tokens[1].fingerprint"},
		{"a token of an unknown pool", Records{Tokens: []IssuedToken{{Fingerprint: [32]byte{1}, Location: "Munich", Membership: gold, Year: day("2026-07-01"), Pool: "Nowhere"}}}, ErrUnknown, "tokens[0].pool"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := partner(t, fixture(), tt.recs)
			pos, err := p.Position(bg, day("2026-08-01"))
			assert.Zero(t, pos)
			assertBad(t, err, tt.kind, tt.field)
			fs, err := p.Check(bg, day("2026-08-01"))
			assert.Nil(t, fs)
			assertBad(t, err, tt.kind, tt.field)
		})
	}
}

// A day outside the calendar is refused.
func TestBadDay(t *testing.T) {
	p := partner(t, fixture(), Records{})
	_, err := p.Position(bg, day("0001-01-01"))
	assertBad(t, err, ErrInvalid, "at")
	_, err = p.Check(bg, day("0001-01-01"))
	assertBad(t, err, ErrInvalid, "at")
	_, err = New(fixture(), nil)
	assertBad(t, err, ErrInvalid, "source")
}

// A tenant named by words is not a key, though its first 25 letters are
// key-shaped: the rule refuses a run inside a longer name only when it
// holds a digit.
func TestTenantOfWords(t *testing.T) {
	o := fixture()
	o.Placements[0].Tenant = "Adams Baker Clark Davis Evans LLP"
	p, err := New(o, Records{}.Source())
	require.NoError(t, err)
	require.NotNil(t, p)
}

// TestCheckNameBounds: a name of exactly MaxNameLen bytes passes, one more
// does not; a lone continuation byte is invalid UTF-8, and U+0080, a C1
// control, is a control character.
func TestCheckNameBounds(t *testing.T) {
	require.NoError(t, checkName(top("name"), strings.Repeat("P", MaxNameLen)))
	require.Error(t, checkName(top("name"), strings.Repeat("P", MaxNameLen+1)))
	assert.EqualError(t, checkName(top("name"), "Par\x80is"), "entitlement: name: not valid UTF-8 (byte 3)")
	assert.EqualError(t, checkName(top("name"), "Par\u0080is"), "entitlement: name: control, format or separator character U+0080 at byte 3")
}
