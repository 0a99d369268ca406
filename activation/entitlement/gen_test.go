package entitlement

import (
	"fmt"
	"time"

	"github.com/coterm/coterm/activation"
	"pgregory.net/rapid"
)

// A small random organisation and its records, for the properties: up to
// three locations in up to three countries, the Action Pack and one
// competency with up to two program years each, one pool, and a few
// grants, subscription states, deployments and tokens on days of a window
// of 60 days. Small enough that every assignment can be enumerated.

var base = day("2026-01-01")

func dayN(n int) time.Time { return base.AddDate(0, 0, n) }

type drawn struct {
	org  Organisation
	recs Records
	at   time.Time
}

var comp = Membership{Program: Competency, Competency: "C"}

// drawOrg draws an organisation whose program years are likely to hold
// day at (an offset in the window), or to have just ended.
func drawOrg(t *rapid.T, at int) Organisation {
	countries := []Country{de, fr, us}
	n := rapid.IntRange(1, 3).Draw(t, "locations")
	// The channel's service per state decides which days seats are use
	// (R22): volume licensing gives none while Expired.
	policy := rapid.SampledFrom([]func() activation.Policy{activation.PartnerCenter, activation.VolumeLicensing}).Draw(t, "policy")
	o := Organisation{Policy: policy()}
	for i := range n {
		l := Location{Name: fmt.Sprintf("L%d", i), Country: rapid.SampledFrom(countries).Draw(t, "country")}
		if i > 0 {
			l.Headquarters = "L0"
		}
		for _, m := range []Membership{ap, comp} {
			start := rapid.IntRange(at-50, at).Draw(t, "start")
			for range rapid.IntRange(0, 2).Draw(t, "years") {
				end := start + rapid.IntRange(5, 50).Draw(t, "length")
				l.Years = append(l.Years, Year{Membership: m, Start: dayN(start), End: dayN(end)})
				start = end + rapid.SampledFrom([]int{0, 0, 3}).Draw(t, "gap")
			}
		}
		o.Locations = append(o.Locations, l)
	}
	p := Pool{Name: "P", Online: []Product{{Name: "E", SKU: Enterprise}, {Name: "K", SKU: Kiosk}},
		OnPremises: []string{"L"}, CountryMax: rapid.IntRange(1, 6).Draw(t, "countryMax"), WorldMax: rapid.IntRange(1, 8).Draw(t, "worldMax")}
	for _, c := range countries {
		if rapid.Bool().Draw(t, "override") {
			p.Countries = append(p.Countries, Limit{Country: c, Max: rapid.IntRange(0, 6).Draw(t, "max")})
		}
	}
	o.Pools = []Pool{p}
	o.OtherProducts = []Product{{Name: "X", SKU: OtherSKU}}
	o.Placements = []Placement{{Tenant: "t0", Location: rapid.SampledFrom(names(o)).Draw(t, "t0")}}
	if rapid.Bool().Draw(t, "t1 placed") {
		o.Placements = append(o.Placements, Placement{Tenant: "t1", Location: rapid.SampledFrom(names(o)).Draw(t, "t1")})
	}
	if rapid.Bool().Draw(t, "K placed apart") {
		o.Placements = append(o.Placements, Placement{Tenant: "t0", Product: "K", Location: rapid.SampledFrom(names(o)).Draw(t, "t0 K")})
	}
	return o
}

func names(o Organisation) []string {
	var out []string
	for _, l := range o.Locations {
		out = append(out, l.Name)
	}
	return out
}

// yearsOf lists every (location, year).
func yearsOf(o Organisation) []YearAt {
	var out []YearAt
	for _, l := range o.Locations {
		for _, y := range l.Years {
			out = append(out, YearAt{Location: l.Name, Year: y})
		}
	}
	return out
}

// drawRecords draws records, most of them on or before day at.
func drawRecords(t *rapid.T, o Organisation, at, grants, subs, deps int) Records {
	var r Records
	ys := yearsOf(o)
	var now []YearAt // the years that hold day at, drawn from more often
	for _, y := range ys {
		if within(dayN(at), y.Year) {
			now = append(now, y)
		}
	}
	pick := func(label string) YearAt {
		if len(now) > 0 && rapid.IntRange(0, 4).Draw(t, label+" now") > 0 {
			return rapid.SampledFrom(now).Draw(t, label)
		}
		return rapid.SampledFrom(ys).Draw(t, label)
	}
	if len(ys) > 0 {
		for range rapid.IntRange(1, grants).Draw(t, "grants") {
			y := pick("grant year")
			kinds := []Kind{Core, Demonstration}
			if y.Year.Membership.Program == Competency && y.Location != "L0" {
				kinds = append(kinds, Toolkit)
			}
			g := Grant{Location: y.Location, Membership: y.Year.Membership, Year: y.Year.Start, Pool: "P",
				Kind: rapid.SampledFrom(kinds).Draw(t, "kind"), Quantity: rapid.IntRange(1, 3).Draw(t, "quantity")}
			if days := int(y.Year.End.Sub(y.Year.Start).Hours() / 24); rapid.Bool().Draw(t, "grows") {
				g.Day = y.Year.Start.AddDate(0, 0, rapid.IntRange(0, days-1).Draw(t, "grows on"))
			}
			r.Grants = append(r.Grants, g)
		}
		for i := range rapid.IntRange(0, 2).Draw(t, "tokens") {
			y := pick("token year")
			tok := IssuedToken{Location: y.Location, Membership: y.Year.Membership, Year: y.Year.Start, Pool: "P"}
			tok.Fingerprint[0] = byte(i + 1)
			if rapid.Bool().Draw(t, "activate-by") {
				tok.ActivateBy = dayN(rapid.IntRange(0, 60).Draw(t, "by"))
			}
			if rapid.Bool().Draw(t, "redeemed") {
				tok.Redeemed = dayN(rapid.IntRange(0, 60).Draw(t, "redeemed on"))
			}
			r.Tokens = append(r.Tokens, tok)
		}
	}
	for range rapid.IntRange(0, subs).Draw(t, "online") {
		s := activation.Subscription{Tenant: rapid.SampledFrom([]string{"t0", "t1"}).Draw(t, "tenant"),
			Product: rapid.SampledFrom([]string{"E", "K", "X"}).Draw(t, "product")}
		from := rapid.IntRange(0, at+5).Draw(t, "from")
		if seats := rapid.IntRange(0, 3).Draw(t, "seats"); seats > 0 {
			s.Seats, s.End = seats, dayN(from+rapid.IntRange(-10, 60).Draw(t, "end"))
		}
		r.Online = append(r.Online, Online{From: dayN(from), Subscription: s})
	}
	for range rapid.IntRange(0, deps).Draw(t, "deployments") {
		dp := Deployment{Location: rapid.SampledFrom(names(o)).Draw(t, "at"), Licence: "L", Change: Deploy,
			Quantity: rapid.IntRange(1, 3).Draw(t, "deployed"), Day: dayN(rapid.IntRange(0, at+5).Draw(t, "on"))}
		r.Deployments = append(r.Deployments, dp)
		if rapid.Bool().Draw(t, "removed later") {
			rm := dp
			rm.Change, rm.Quantity = Remove, rapid.IntRange(1, dp.Quantity).Draw(t, "removed")
			rm.Day = dp.Day.AddDate(0, 0, rapid.IntRange(0, 20).Draw(t, "after"))
			r.Deployments = append(r.Deployments, rm)
		}
	}
	return r
}

func drawCase(t *rapid.T) drawn {
	at := rapid.IntRange(10, 59).Draw(t, "at")
	o := drawOrg(t, at)
	return drawn{org: o, recs: drawRecords(t, o, at, 3, 3, 2), at: dayN(at)}
}
