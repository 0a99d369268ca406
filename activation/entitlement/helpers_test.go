package entitlement

import (
	"context"
	"testing"
	"time"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/internal/daymath"
	"github.com/stretchr/testify/require"
)

// The fixture: a headquarters in Seattle, associated locations in Munich
// and Paris, a gold competency everywhere and the Action Pack in Munich and
// Paris, all for the program year 2026-07-01 … 2027-07-01, and one pool of
// Office 365 E3 (or K1) seats or Office Professional Plus + server CALs.
var (
	us, de, fr = MustParseCountry("US"), MustParseCountry("DE"), MustParseCountry("FR")
	gold       = Membership{Program: Competency, Competency: "Cloud Productivity"}
	ap         = Membership{Program: ActionPack}
	bg         = context.Background()
)

const (
	e3     = "O365-E3"
	k1     = "O365-K1"
	dyn    = "Dynamics 365"
	proPl  = "Office Professional Plus + CALs"
	office = "office"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func yearOf(m Membership) Year {
	return Year{Membership: m, Start: day("2026-07-01"), End: day("2027-07-01")}
}

func fixture() Organisation {
	return Organisation{
		Locations: []Location{
			{Name: "Seattle", Country: us, Years: []Year{yearOf(gold)}},
			{Name: "Munich", Country: de, Headquarters: "Seattle", Years: []Year{yearOf(gold), yearOf(ap)}},
			{Name: "Paris", Country: fr, Headquarters: "Seattle", Years: []Year{yearOf(gold), yearOf(ap)}},
		},
		Pools: []Pool{{
			Name: office, Online: []Product{{Name: e3, SKU: Enterprise}, {Name: k1, SKU: Kiosk}},
			OnPremises: []string{proPl}, CountryMax: MaxQuantity, WorldMax: MaxQuantity,
		}},
		OtherProducts: []Product{{Name: dyn, SKU: OtherSKU}},
		Placements: []Placement{
			{Tenant: "contoso", Location: "Munich"},
			{Tenant: "fabrikam", Location: "Paris"},
		},
		Policy: activation.PartnerCenter(),
	}
}

// grant is a grant of the fixture's year in the office pool.
func grant(loc string, m Membership, k Kind, n int) Grant {
	return Grant{Location: loc, Membership: m, Year: day("2026-07-01"), Pool: office, Kind: k, Quantity: n}
}

// online is a subscription state from 2026-07-02, ending 2027-07-01.
func online(tenant, product string, seats int) Online {
	return Online{From: day("2026-07-02"), Subscription: activation.Subscription{
		Tenant: tenant, Product: product, Seats: seats, End: day("2027-07-01")}}
}

// deploy deploys n licences at loc on 2026-07-03.
func deploy(loc string, n int) Deployment {
	return Deployment{Location: loc, Licence: proPl, Change: Deploy, Quantity: n, Day: day("2026-07-03"), Reason: "roll-out"}
}

func partner(t testing.TB, o Organisation, r Records) *Partner {
	t.Helper()
	p, err := New(o, r.Source())
	require.NoError(t, err)
	return p
}

// only returns the findings of one issue.
func only(fs []Finding, is Issue) []Finding {
	var out []Finding
	for _, f := range fs {
		if f.Issue == is {
			out = append(out, f)
		}
	}
	return out
}

func issues(fs []Finding) []Issue {
	out := []Issue{}
	for _, f := range fs {
		out = append(out, f.Issue)
	}
	return out
}

func dayOfTest(s string) daymath.Day { return daymath.Of(day(s)) }
