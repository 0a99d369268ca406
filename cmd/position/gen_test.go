package main

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The organisation file as the tests write it: the format's fields.
type (
	tMember struct {
		Program    string `json:"program"`
		Competency string `json:"competency,omitempty"`
	}
	tYear struct {
		Membership tMember `json:"membership"`
		Start      string  `json:"start"`
		End        string  `json:"end"`
	}
	tLocation struct {
		Name         string  `json:"name"`
		Country      string  `json:"country"`
		Headquarters string  `json:"headquarters,omitempty"`
		Years        []tYear `json:"years"`
	}
	tProduct struct {
		Name string `json:"name"`
		SKU  string `json:"sku"`
	}
	tLimit struct {
		Country string `json:"country"`
		Max     int    `json:"max"`
	}
	tPool struct {
		Name       string     `json:"name"`
		Online     []tProduct `json:"online"`
		OnPremises []string   `json:"onPremises"`
		CountryMax int        `json:"countryMax"`
		Countries  []tLimit   `json:"countries,omitempty"`
		WorldMax   int        `json:"worldMax"`
	}
	tPlacement struct {
		Tenant   string `json:"tenant"`
		Product  string `json:"product,omitempty"`
		Location string `json:"location"`
	}
	tGrant struct {
		Location   string  `json:"location"`
		Membership tMember `json:"membership"`
		Year       string  `json:"year"`
		Pool       string  `json:"pool"`
		Kind       string  `json:"kind"`
		Quantity   int     `json:"quantity"`
		Day        string  `json:"day,omitempty"`
	}
	tSub struct {
		Tenant  string `json:"tenant"`
		Product string `json:"product"`
		Seats   int    `json:"seats"`
		End     string `json:"end,omitempty"`
	}
	tOnline struct {
		From         string `json:"from"`
		Subscription tSub   `json:"subscription"`
	}
	tDeployment struct {
		Location string `json:"location"`
		Licence  string `json:"licence"`
		Change   string `json:"change"`
		Quantity int    `json:"quantity"`
		Day      string `json:"day"`
		Reason   string `json:"reason,omitempty"`
	}
	tToken struct {
		Fingerprint string  `json:"fingerprint"`
		Location    string  `json:"location"`
		Membership  tMember `json:"membership"`
		Year        string  `json:"year"`
		Pool        string  `json:"pool"`
		ActivateBy  string  `json:"activateBy,omitempty"`
		Redeemed    string  `json:"redeemed,omitempty"`
	}
	tOrg struct {
		Locations     []tLocation   `json:"locations"`
		Pools         []tPool       `json:"pools"`
		OtherProducts []tProduct    `json:"otherProducts,omitempty"`
		Placements    []tPlacement  `json:"placements"`
		Grants        []tGrant      `json:"grants"`
		Online        []tOnline     `json:"online,omitempty"`
		Deployments   []tDeployment `json:"deployments,omitempty"`
		Tokens        []tToken      `json:"tokens,omitempty"`
	}
)

func (o tOrg) json(t testing.TB) []byte {
	b, err := json.MarshalIndent(o, "", " ")
	require.NoError(t, err)
	return b
}

// records counts the records of o: grants, online states and deployments.
func (o tOrg) records() int { return len(o.Grants) + len(o.Online) + len(o.Deployments) }

// long pads a name to n bytes with short words (never five letters in a
// row, so no key-shaped run).
func long(name string, n int) string {
	s := name
	for len(s) < n {
		s += " and sons"
	}
	if len(s) > n && n > len(name) {
		s = s[:n]
		if s[n-1] == ' ' {
			s = s[:n-1] + "x"
		}
	}
	return s
}

// bigOrg is an organisation of six locations in six countries, pools
// pools with online and on-premises use changing through the program year
// 2026-07-01 … 2027-06-30 (records records in all: grants, online states
// and deployments), some pools over their grants or a maximum for a while.
// nameLen > 0 pads every name to that many bytes.
func bigOrg(pools, records, nameLen int) tOrg {
	n := func(s string) string { return long(s, nameLen) }
	comp := tMember{Program: "competency", Competency: n("Cloud Productivity")}
	ap := tMember{Program: "action-pack"}
	year := []tYear{{Membership: comp, Start: "2026-07-01", End: "2027-07-01"}, {Membership: ap, Start: "2026-07-01", End: "2027-07-01"}}
	cities := []struct{ name, country string }{{"Munich", "DE"}, {"Paris", "FR"}, {"Madrid", "ES"}, {"Milan", "IT"}, {"Vienna", "AT"}, {"Warsaw", "PL"}}
	var o tOrg
	for i, c := range cities {
		l := tLocation{Name: n(c.name), Country: c.country, Years: year}
		if i > 0 {
			l.Headquarters = n(cities[0].name)
		}
		o.Locations = append(o.Locations, l)
	}
	day := func(d int) string { return time.Date(2026, 7, 1+d, 0, 0, 0, 0, time.UTC).Format(time.DateOnly) }
	for p := range pools {
		pool := tPool{
			Name:       n(fmt.Sprintf("Pool %02d", p+1)),
			Online:     []tProduct{{Name: n(fmt.Sprintf("P%02d-E3", p+1)), SKU: "enterprise"}},
			OnPremises: []string{n(fmt.Sprintf("P%02d Office Professional Plus", p+1))},
			CountryMax: 60 + 10*p, WorldMax: 150 + 20*p,
			Countries: []tLimit{{Country: "FR", Max: 30 + 5*p}},
		}
		o.Pools = append(o.Pools, pool)
		o.Grants = append(o.Grants,
			tGrant{Location: n("Munich"), Membership: comp, Year: "2026-07-01", Pool: pool.Name, Kind: "core", Quantity: 100 + 10*p},
			tGrant{Location: n("Paris"), Membership: ap, Year: "2026-07-01", Pool: pool.Name, Kind: "core", Quantity: 20},
			tGrant{Location: n("Munich"), Membership: comp, Year: "2026-07-01", Pool: pool.Name, Kind: "demonstration", Quantity: 10, Day: day(120 + 7*p)},
		)
	}
	for i := range len(cities) {
		o.Placements = append(o.Placements, tPlacement{Tenant: n(fmt.Sprintf("tenant %c", 'a'+i)), Location: n(cities[i].name)})
	}
	// The rest of the records: online changes and deployments, in turn,
	// through the year.
	for r := 0; o.records() < records; r++ {
		p := r % pools
		d := (r * 7) % 360
		pool := o.Pools[p]
		if r%3 == 2 {
			change, q := "deploy", 5+r%11
			if r%4 == 3 {
				change, q = "remove", 3
			}
			loc := o.Locations[r%len(cities)].Name
			if change == "remove" && !deployed(o, loc, pool.OnPremises[0], q, day(d)) {
				change, q = "deploy", 4
			}
			o.Deployments = append(o.Deployments, tDeployment{Location: loc, Licence: pool.OnPremises[0], Change: change, Quantity: q, Day: day(d), Reason: n("moved users")})
			continue
		}
		t := o.Placements[r%len(cities)].Tenant
		seats := 10 + (r*13)%50
		end := "2027-07-01"
		if r%10 == 0 {
			end = day(d + 40) // expires in the year: seats count until it is deleted
		}
		o.Online = append(o.Online, tOnline{From: day(d), Subscription: tSub{Tenant: t, Product: pool.Online[0].Name, Seats: seats, End: end}})
	}
	sortOnline(o.Online)
	return o
}

// deployed reports whether at least q licences are deployed at loc by day
// d, so that a removal leaves none below zero on any day.
func deployed(o tOrg, loc, lic string, q int, d string) bool {
	level := 0
	for _, x := range o.Deployments {
		if x.Location != loc || x.Licence != lic {
			continue
		}
		switch {
		case x.Change == "deploy" && x.Day <= d:
			level += x.Quantity
		case x.Change == "remove":
			level -= x.Quantity // wherever it lies: the level never falls below zero
		}
	}
	return level >= q
}

// sortOnline orders the online states by day, so that of one
// subscription's states the later day is read later.
func sortOnline(os []tOnline) {
	for i := 1; i < len(os); i++ {
		for j := i; j > 0 && os[j].From < os[j-1].From; j-- {
			os[j], os[j-1] = os[j-1], os[j]
		}
	}
}

func itoa(n int) string { return fmt.Sprint(n) }
