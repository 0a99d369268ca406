package entitlement

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/activation/internal/bincode"
	"github.com/coterm/coterm/activation/internal/text"
	"github.com/coterm/coterm/internal/daymath"
	"github.com/coterm/coterm/token"
)

// PolicyName is the Policy of every change record a [Keeper] appends: the
// name of the rules its chains are kept and checked by.
const PolicyName = "entitlement/v1"

const (
	// chainKind is the kind of activation.ChangeFingerprint.
	chainKind = "entitlement"
	// requestDomain starts the hash of a change request's identity.
	requestDomain = "coterm/entitlement.Request/v1"
	// payloadVersion is the version of the change's encoding.
	payloadVersion = 1
	// maxFigure bounds every figure and level a change record holds: more
	// than any sum of quantities, less than an overflow.
	maxFigure = int64(1) << 62
)

// The operations of a change record.
const (
	opDeploy = "deploy"
	opRemove = "remove"
	opGrant  = "grant"
	opToken  = "token"
)

// onPremises reports whether op is an on-premises change.
func onPremises(op string) bool { return op == opDeploy || op == opRemove }

// payload is a change as a record's Change holds it: canonical JSON of
// these fields, in this order, zero fields of the ones marked omitempty
// left out. The fields up to Reason are what was asked (the request's
// identity is their hash); Figures, Levels and OnPremisesDay are derived
// when the change is recorded.
type payload struct {
	V        int    `json:"v"`
	Op       string `json:"op"`
	Location string `json:"location"`
	// Licence is an on-premises change's licence.
	Licence string `json:"licence,omitempty"`
	// Program, Competency, Year and Pool are a grant's or an issued
	// token's, Kind a grant's.
	Program    string `json:"program,omitempty"`
	Competency string `json:"competency,omitempty"`
	Year       string `json:"year,omitempty"`
	Pool       string `json:"pool,omitempty"`
	Kind       string `json:"kind,omitempty"`
	// Token and ActivateBy are an issued token's: its fingerprint in hex,
	// a colon after every 4 digits (no run of letters and digits that
	// could be read as a key), and the day it is late from.
	Token      string `json:"token,omitempty"`
	ActivateBy string `json:"activateBy,omitempty"`
	Quantity   int    `json:"quantity"`
	Day        string `json:"day"`
	Reason     string `json:"reason,omitempty"`

	// Figures are left out of a token's change.
	Figures figures `json:"figures,omitzero"`
	// Levels are the licences deployed at the location after the change,
	// by licence, those with none left out.
	Levels map[string]int64 `json:"levels,omitempty"`
	// OnPremisesDay is the day of the location's latest on-premises
	// change, this one included: empty while there is none.
	OnPremisesDay string `json:"onPremisesDay,omitempty"`
}

// figures are the numbers of a change's explanation, as [Figures] says.
type figures struct {
	Country    string `json:"country"`
	Online     int64  `json:"online"`
	OnPremises int64  `json:"onPremises"`
	Granted    int64  `json:"granted"`
}

// encode returns p in its canonical form: encoding/json's, with no
// escape of <, > and & (names read as written in psql), no line feed
// after.
func (p *payload) encode() (string, error) {
	var b strings.Builder
	e := json.NewEncoder(&b)
	e.SetEscapeHTML(false)
	if err := e.Encode(p); err != nil {
		return "", fmt.Errorf("entitlement: encode a change: %w", err)
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

// asked returns what was asked of p: p without what is derived.
func (p *payload) asked() payload {
	a := *p
	a.Figures, a.Levels, a.OnPremisesDay = figures{}, nil, ""
	return a
}

// identity returns the request identity of the change p at the chain
// (the Record's Request): a SHA-256 of a domain of its own, the chain's
// name and what was asked, in canonical form.
func identity(chain string, p *payload) (activation.RequestID, error) {
	a := p.asked()
	s, err := a.encode()
	if err != nil {
		return activation.RequestID{}, err
	}
	b := bincode.AppendLen([]byte(requestDomain), chain)
	return sha256.Sum256(bincode.AppendLen(b, s)), nil
}

// decodePayload reads a change as a record holds it. It accepts only the
// canonical form: the text [payload.encode] gives for what it reads, byte
// for byte (no other order, spacing, escape or spelling of a field, no
// unknown field, nothing after). The error quotes nothing.
func decodePayload(s string) (payload, error) {
	var p payload
	d := json.NewDecoder(bytes.NewReader([]byte(s)))
	d.DisallowUnknownFields()
	if err := d.Decode(&p); err != nil {
		return payload{}, bad(ErrInvalid, top("change"), "not a change as this package encodes it")
	}
	again, err := p.encode()
	if err != nil || again != s {
		return payload{}, bad(ErrInvalid, top("change"), "not in the canonical form")
	}
	if p.V != payloadVersion {
		return payload{}, bad(ErrInvalid, top("change.v"), "version %d, want %d", p.V, payloadVersion)
	}
	return p, nil
}

// parseDay reads a date of a payload, as [date] writes it.
func parseDay(f path, s string) (daymath.Day, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return 0, bad(ErrInvalid, f, "not a date")
	}
	return dayOf(f, t)
}

// deploymentPayload is what was asked of an on-premises change d, whose
// day is day.
func deploymentPayload(d Deployment, day daymath.Day) payload {
	op := opDeploy
	if d.Change == Remove {
		op = opRemove
	}
	return payload{V: payloadVersion, Op: op, Location: d.Location, Licence: d.Licence, Quantity: d.Quantity,
		Day: date(day.Time()), Reason: d.Reason}
}

// grantPayload is what was asked of a grant, whose first day is r.day.
func grantPayload(g Grant, r grantRec) payload {
	return payload{V: payloadVersion, Op: opGrant, Location: g.Location, Program: g.Membership.Program.String(),
		Competency: g.Membership.Competency, Year: date(r.year.start.Time()), Pool: g.Pool, Kind: g.Kind.String(),
		Quantity: g.Quantity, Day: date(r.day.Time())}
}

// tokenPayload is what was asked of issuing token t of year y.
func tokenPayload(t IssuedToken, r tokRec) payload {
	p := payload{V: payloadVersion, Op: opToken, Location: t.Location, Program: t.Membership.Program.String(),
		Competency: t.Membership.Competency, Year: date(r.year.start.Time()), Pool: t.Pool,
		Token: fingerprintText(t.Fingerprint), Day: date(r.year.start.Time())}
	if r.activateBy != 0 {
		p.ActivateBy = date(r.activateBy.Time())
	}
	return p
}

// fingerprintText writes f in hex, a colon after every 4 digits.
func fingerprintText(f token.Fingerprint) string {
	h := f.String()
	b := make([]byte, 0, len(h)+len(h)/4)
	for i := 0; i < len(h); i += 4 {
		if i > 0 {
			b = append(b, ':')
		}
		b = append(b, h[i:i+4]...)
	}
	return string(b)
}

// token returns the issued token p holds, not redeemed.
func (p *payload) token() (IssuedToken, error) {
	if p.Licence != "" || p.Reason != "" || p.Kind != "" || p.Quantity != 0 {
		return IssuedToken{}, bad(ErrInvalid, top("change"), "an issued token holds another change's fields")
	}
	f, err := token.ParseFingerprint(strings.ReplaceAll(p.Token, ":", ""))
	if err != nil || fingerprintText(f) != p.Token {
		return IssuedToken{}, bad(ErrInvalid, top("change.token"), "not a fingerprint as this package writes it")
	}
	m, year, err := p.membershipYear()
	if err != nil {
		return IssuedToken{}, err
	}
	t := IssuedToken{Fingerprint: f, Location: p.Location, Membership: m, Year: year, Pool: p.Pool}
	if p.ActivateBy != "" {
		by, err := parseDay(top("change.activateBy"), p.ActivateBy)
		t.ActivateBy = by.Time()
		return t, err
	}
	return t, nil
}

// membershipYear returns the membership and the year of a grant or a
// token.
func (p *payload) membershipYear() (Membership, time.Time, error) {
	prog, err := ParseProgram(p.Program)
	if err != nil {
		return Membership{}, time.Time{}, bad(ErrInvalid, top("change.program"), "not a defined program")
	}
	year, err := parseDay(top("change.year"), p.Year)
	return Membership{Program: prog, Competency: p.Competency}, year.Time(), err
}

// deployment returns the on-premises change p holds.
func (p *payload) deployment() (Deployment, error) {
	d := Deployment{Location: p.Location, Licence: p.Licence, Change: Deploy, Quantity: p.Quantity, Reason: p.Reason}
	if p.Op == opRemove {
		d.Change = Remove
	}
	if p.Program != "" || p.Competency != "" || p.Year != "" || p.Pool != "" || p.Kind != "" || p.Token != "" || p.ActivateBy != "" {
		return Deployment{}, bad(ErrInvalid, top("change"), "an on-premises change holds another change's fields")
	}
	day, err := parseDay(top("change.day"), p.Day)
	d.Day = day.Time()
	return d, err
}

// grant returns the grant p holds.
func (p *payload) grant() (Grant, error) {
	if p.Licence != "" || p.Reason != "" || p.Token != "" || p.ActivateBy != "" {
		return Grant{}, bad(ErrInvalid, top("change"), "a grant holds another change's fields")
	}
	m, year, err := p.membershipYear()
	if err != nil {
		return Grant{}, err
	}
	kind, err := ParseKind(p.Kind)
	if err != nil {
		return Grant{}, bad(ErrInvalid, top("change.kind"), "not a defined kind")
	}
	day, err := parseDay(top("change.day"), p.Day)
	return Grant{Location: p.Location, Membership: m, Year: year, Pool: p.Pool, Kind: kind, Quantity: p.Quantity, Day: day.Time()}, err
}

// explain returns the explanation of the change p: what changed, then the
// figures ([Figures]): "20 Office Professional Plus licences deployed at
// Munich: 80 online + 20 on-premises = 100 of 100 granted".
func (p *payload) explain() string {
	g := text.Group
	var what string
	switch p.Op {
	case opDeploy:
		what = fmt.Sprintf("%s %s %s deployed at %s", g(int64(p.Quantity)), p.Licence, plural(p.Quantity, "licence"), p.Location)
	case opRemove:
		what = fmt.Sprintf("%s %s %s removed from %s", g(int64(p.Quantity)), p.Licence, plural(p.Quantity, "licence"), p.Location)
	case opGrant:
		what = fmt.Sprintf("%s %s %s of pool %s granted at %s by the %s year from %s", g(int64(p.Quantity)), p.Kind,
			plural(p.Quantity, "licence"), p.Pool, p.Location, p.membership(), p.Year)
		if p.Day != p.Year {
			what += ", counting from " + p.Day
		}
	case opToken:
		what = fmt.Sprintf("a token of pool %s issued at %s for the %s year from %s", p.Pool, p.Location, p.membership(), p.Year)
		if p.ActivateBy != "" {
			what += ", to activate before " + p.ActivateBy
		}
		return what
	}
	f := &p.Figures
	return fmt.Sprintf("%s: %s online + %s on-premises = %s of %s granted",
		what, g(f.Online), g(f.OnPremises), g(f.Online+f.OnPremises), g(f.Granted))
}

// membership says a grant's or a token's membership as Membership.String
// does.
func (p *payload) membership() string {
	if p.Competency != "" {
		return p.Program + " " + p.Competency
	}
	return p.Program
}

// plural returns unit, with an "s" unless n is 1.
func plural(n int, unit string) string {
	if n == 1 {
		return unit
	}
	return unit + "s"
}

// levelsAfter returns levels with delta added to licence's, a level of 0
// left out, and whether no level falls below zero.
func levelsAfter(levels map[string]int64, licence string, delta int64) (map[string]int64, bool) {
	out := make(map[string]int64, len(levels)+1)
	maps.Copy(out, levels)
	n := out[licence] + delta
	if n == 0 {
		delete(out, licence)
	} else {
		out[licence] = n
	}
	return out, n >= 0
}
