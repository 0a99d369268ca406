package main

import (
	"encoding/json"
	"io"

	"github.com/coterm/coterm/activation/entitlement"
)

// The -json object. The field names are stable: see the package
// documentation.
type (
	jsonPosition struct {
		At         string        `json:"at"`
		Within     bool          `json:"within"`
		Pools      []jsonPool    `json:"pools"`
		NotCovered []jsonUnplace `json:"notCovered"`
		Findings   []jsonFinding `json:"findings"`
	}
	jsonPool struct {
		Pool      string      `json:"pool"`
		Excess    int64       `json:"excess"`
		World     jsonTally   `json:"world"`
		Countries []jsonTally `json:"countries"`
		Grants    []jsonGrant `json:"grants"`
		Uses      []jsonUse   `json:"uses"`
	}
	jsonTally struct {
		Country    string `json:"country,omitempty"`
		Granted    int64  `json:"granted"`
		Online     int64  `json:"online"`
		OnPremises int64  `json:"onPremises"`
		Max        int64  `json:"max"`
		Headroom   int64  `json:"headroom"`
	}
	jsonLine struct {
		Location   string `json:"location"`
		Program    string `json:"program"`
		Competency string `json:"competency,omitempty"`
		Year       string `json:"year"`
		YearEnd    string `json:"yearEnd"`
		Kind       string `json:"kind"`
	}
	jsonGrant struct {
		Line     jsonLine `json:"line"`
		Quantity int64    `json:"quantity"`
		Drawn    int64    `json:"drawn"`
	}
	jsonRef struct {
		Tenant   string `json:"tenant,omitempty"`
		Product  string `json:"product,omitempty"`
		Location string `json:"location,omitempty"`
		Licence  string `json:"licence,omitempty"`
	}
	jsonUse struct {
		Tenant      string     `json:"tenant,omitempty"`
		Product     string     `json:"product,omitempty"`
		Licence     string     `json:"licence,omitempty"`
		Location    string     `json:"location"`
		Country     string     `json:"country"`
		Quantity    int64      `json:"quantity"`
		Covered     int64      `json:"covered"`
		Short       bool       `json:"short"`
		Uncoverable bool       `json:"uncoverable"`
		Draws       []jsonDraw `json:"draws"`
	}
	jsonDraw struct {
		Line     jsonLine `json:"line"`
		Quantity int64    `json:"quantity"`
	}
	jsonUnplace struct {
		Tenant  string `json:"tenant"`
		Product string `json:"product"`
		Pool    string `json:"pool"`
		Seats   int64  `json:"seats"`
	}
	jsonYear struct {
		Location   string `json:"location"`
		Program    string `json:"program"`
		Competency string `json:"competency,omitempty"`
		Start      string `json:"start"`
		End        string `json:"end"`
	}
	jsonFinding struct {
		Rule        string     `json:"rule"`
		Issue       string     `json:"issue"`
		Pool        string     `json:"pool,omitempty"`
		Country     string     `json:"country,omitempty"`
		Tenant      string     `json:"tenant,omitempty"`
		Product     string     `json:"product,omitempty"`
		Years       []jsonYear `json:"years,omitempty"`
		Limit       int64      `json:"limit,omitempty"`
		Used        int64      `json:"used,omitempty"`
		Excess      int64      `json:"excess,omitempty"`
		Days        int        `json:"days,omitempty"`
		Deadline    string     `json:"deadline,omitempty"`
		Lapsed      bool       `json:"lapsed,omitempty"`
		Uncoverable []jsonRef  `json:"uncoverable,omitempty"`
		Short       []jsonRef  `json:"short,omitempty"`
		Products    []string   `json:"products,omitempty"`
		Tokens      []string   `json:"tokens,omitempty"`
		Since       string     `json:"since,omitempty"`
		Text        string     `json:"text"`
	}
)

// writeJSON writes the position and the findings as one JSON object.
func writeJSON(w io.Writer, pos entitlement.Position, fs []entitlement.Finding) error {
	j := jsonPosition{At: day(pos.At), Within: len(fs) == 0, Pools: []jsonPool{}, NotCovered: []jsonUnplace{}, Findings: []jsonFinding{}}
	for _, pp := range pos.Pools {
		jp := jsonPool{Pool: pp.Pool, Excess: pp.Excess, World: tallyJSON(pp.World), Countries: []jsonTally{}, Grants: []jsonGrant{}, Uses: []jsonUse{}}
		for _, t := range pp.Countries {
			jp.Countries = append(jp.Countries, tallyJSON(t))
		}
		for _, l := range pp.Grants {
			jp.Grants = append(jp.Grants, jsonGrant{Line: lineJSON(l.Line), Quantity: l.Quantity, Drawn: l.Drawn})
		}
		for _, u := range pp.Uses {
			ju := jsonUse{Tenant: u.Ref.Tenant, Product: u.Ref.Product, Licence: u.Ref.Licence, Location: u.Location,
				Country: u.Country.String(), Quantity: u.Quantity, Covered: u.Covered, Short: u.Short, Uncoverable: u.Uncoverable, Draws: []jsonDraw{}}
			for _, d := range u.Draws {
				ju.Draws = append(ju.Draws, jsonDraw{Line: lineJSON(d.Line), Quantity: d.Quantity})
			}
			jp.Uses = append(jp.Uses, ju)
		}
		j.Pools = append(j.Pools, jp)
	}
	for _, u := range pos.NotCovered {
		j.NotCovered = append(j.NotCovered, jsonUnplace{Tenant: u.Ref.Tenant, Product: u.Ref.Product, Pool: u.Pool, Seats: u.Seats})
	}
	for _, f := range fs {
		j.Findings = append(j.Findings, findingJSON(f))
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(j)
}

func tallyJSON(t entitlement.Tally) jsonTally {
	return jsonTally{Country: t.Country.String(), Granted: t.Granted, Online: t.Online, OnPremises: t.OnPremises, Max: t.Max, Headroom: t.Headroom}
}

func lineJSON(l entitlement.Line) jsonLine {
	return jsonLine{Location: l.Location, Program: l.Membership.Program.String(), Competency: l.Membership.Competency,
		Year: day(l.Year), YearEnd: day(l.YearEnd), Kind: l.Kind.String()}
}

func refsJSON(rs []entitlement.Ref) []jsonRef {
	var out []jsonRef
	for _, r := range rs {
		out = append(out, jsonRef(r))
	}
	return out
}

func findingJSON(f entitlement.Finding) jsonFinding {
	j := jsonFinding{
		Rule: f.Rule.String(), Issue: f.Issue.String(), Pool: f.Pool, Country: f.Country.String(), Tenant: f.Tenant, Product: f.Product,
		Limit: f.Limit, Used: f.Used, Excess: f.Excess, Days: f.Days, Deadline: day(f.Deadline), Lapsed: f.Lapsed,
		Uncoverable: refsJSON(f.Uncoverable), Short: refsJSON(f.Short), Products: f.Products, Since: day(f.Since), Text: f.String(),
	}
	for _, y := range f.Years {
		j.Years = append(j.Years, jsonYear{Location: y.Location, Program: y.Membership.Program.String(), Competency: y.Membership.Competency,
			Start: day(y.Start), End: day(y.End)})
	}
	for _, t := range f.Tokens {
		j.Tokens = append(j.Tokens, t.String()[:16])
	}
	return j
}
