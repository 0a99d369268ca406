package entitlement

import (
	"strings"
	"testing"
	"time"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/token"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// chainOf returns the records of loc's chain.
func chainOf(t testing.TB, k *Keeper, loc string) []activation.Record {
	t.Helper()
	recs, err := k.j.History(bg, k.chain, loc, 0, 1<<20)
	require.NoError(t, err)
	return recs
}

// forge returns rec with its change edited by edit, and its Request, Note
// and day made to match, as a store holding a forged record would.
func forge(t testing.TB, rec activation.Record, edit func(*payload)) activation.Record {
	t.Helper()
	p, err := decodePayload(rec.Change)
	require.NoError(t, err)
	edit(&p)
	rec.Change, err = p.encode()
	require.NoError(t, err)
	rec.Request, err = identity(rec.Outcome.After.Tenant, &p)
	require.NoError(t, err)
	rec.Note = p.explain()
	if d, err := time.Parse(time.DateOnly, p.Day); err == nil {
		rec.Outcome.At = d
	}
	return rec
}

// keptChain records a grant, two deployments, a removal and an issued
// token at Munich.
func keptChain(t testing.TB) (*Keeper, []activation.Record) {
	_, _, k := keeperFixture(t)
	_, err := k.AddGrant(bg, "g", grant("Munich", gold, Core, 100))
	require.NoError(t, err)
	_, err = k.Deploy(bg, "d1", dep("Munich", 20, "2026-07-03"))
	require.NoError(t, err)
	_, err = k.Deploy(bg, "d2", dep("Munich", 5, "2026-07-05"))
	require.NoError(t, err)
	_, err = k.Remove(bg, "r1", dep("Munich", 7, "2026-07-09"))
	require.NoError(t, err)
	_, err = k.IssueToken(bg, IssuedToken{Fingerprint: token.Fingerprint{1, 2, 3}, Location: "Munich", Membership: gold,
		Year: day("2026-07-01"), Pool: office, ActivateBy: day("2026-09-01")})
	require.NoError(t, err)
	return k, chainOf(t, k, "Munich")
}

// CheckChange passes every record a Keeper recorded, with the record
// before it, and refuses each forgery by the rule it breaks.
func TestCheckChange(t *testing.T) {
	k, recs := keptChain(t)
	require.Len(t, recs, 5)
	for i := range recs {
		var prev *activation.Record
		if i > 0 {
			prev = &recs[i-1]
		}
		require.NoError(t, k.CheckChange(prev, recs[i]), "Seq %d", recs[i].Seq)
	}
	grantRec, d1, d2, rm, tok := recs[0], recs[1], recs[2], recs[3], recs[4]
	tests := []struct {
		name  string
		prev  *activation.Record
		rec   activation.Record
		kind  error
		field string
	}{
		{"a subscription record", &d1, func() activation.Record { r := d2; r.Kind = activation.SubscriptionRecord; return r }(), ErrInvalid, "record.kind"},
		{"other rules", &d1, func() activation.Record { r := d2; r.Policy = "entitlement/v0"; return r }(), ErrInvalid, "record.policy"},
		{"another chain", &d1, func() activation.Record { r := d2; r.Outcome.After.Tenant = "entitlement:Other"; return r }(), ErrUnknown, "record.outcome.after.tenant"},
		{"an unknown location", &d1, func() activation.Record { r := d2; r.Outcome.After.Product = "Nowhere"; return r }(), ErrUnknown, "record.outcome.after.product"},
		{"another location than the place's", &d1, func() activation.Record { r := d2; r.Outcome.After.Product = "Paris"; return r }(), ErrInvalid, "change.location"},
		{"a change not in canonical form", &d1, func() activation.Record { r := d2; r.Change = " " + r.Change; return r }(), ErrInvalid, "change"},
		{"a change with an unknown field", &d1, func() activation.Record { r := d2; r.Change = `{"x":1}`; return r }(), ErrInvalid, "change"},
		{"a change of another version", &d1, forge(t, d2, func(p *payload) { p.V = 2 }), ErrInvalid, "change.v"},
		{"an undefined change", &d1, forge(t, d2, func(p *payload) { p.Op = "move" }), ErrInvalid, "change.op"},
		{"an unknown licence", &d1, forge(t, d2, func(p *payload) { p.Licence = "Nowhere" }), ErrUnknown, "change.licence"},
		{"a key as reason", &d1, forge(t, d2, func(p *payload) { p.Reason = pastedKey }), ErrInvalid, "change.reason"},
		{"a deployment with a grant's field", &d1, forge(t, d2, func(p *payload) { p.Pool = office }), ErrInvalid, "change"},
		{"a grant with a deployment's field", nil, forge(t, grantRec, func(p *payload) { p.Licence = proPlus }), ErrInvalid, "change"},
		{"a grant of no year", nil, forge(t, grantRec, func(p *payload) { p.Year = "2026-07-02" }), ErrUnknown, "change.year"},
		{"a grant of no kind", nil, forge(t, grantRec, func(p *payload) { p.Kind = "gift" }), ErrInvalid, "change.kind"},
		{"a grant of no program", nil, forge(t, grantRec, func(p *payload) { p.Program = "club" }), ErrInvalid, "change.program"},
		{"a day that is no date", &d1, forge(t, d2, func(p *payload) { p.Day = "2026-02-30" }), ErrInvalid, "change.day"},
		{"another day than the change's", &d1, func() activation.Record { r := d2; r.Outcome.At = day("2026-07-06"); return r }(), ErrInvalid, "record.outcome.at"},
		{"another request", &d1, func() activation.Record { r := d2; r.Request[0] ^= 1; return r }(), ErrInvalid, "record.request"},
		{"what was asked changed", &d1, func() activation.Record {
			r := forge(t, d2, func(p *payload) { p.Quantity = 6; p.Levels = map[string]int64{proPlus: 26} })
			r.Request = d2.Request
			return r
		}(), ErrInvalid, "record.request"},
		{"another note", &d1, func() activation.Record { r := d2; r.Note += "."; return r }(), ErrInvalid, "record.note"},
		{"no record before Seq 2", nil, d2, ErrInvalid, "record.seq"},
		{"a record before that is not the one before", &grantRec, d2, ErrInvalid, "record.seq"},
		{"a record before at another place", func() *activation.Record { r := d1; r.Outcome.After.Product = "Paris"; return &r }(), d2, ErrInvalid, "record.seq"},
		{"a record before that is no change", func() *activation.Record { r := d1; r.Change = "{}"; return &r }(), d2, ErrInvalid, "previous.change"},
		{"a day before the latest on-premises change", &d1, forge(t, d2, func(p *payload) { p.Day = "2026-07-02"; p.OnPremisesDay = p.Day }), ErrInvalid, "change.day"},
		{"R14 a removal below zero", &d2, forge(t, rm, func(p *payload) { p.Quantity = 26 }), ErrInvalid, "change.quantity"},
		{"levels that do not follow", &d1, forge(t, d2, func(p *payload) { p.Levels[proPlus]++ }), ErrInvalid, "change.levels"},
		{"a grant that changes the levels", &grantRec, forge(t, d1, func(p *payload) {
			*p = payload{V: 1, Op: opGrant, Location: "Munich", Program: "competency", Competency: "Cloud Productivity", Year: "2026-07-01",
				Pool: office, Kind: "core", Quantity: 1, Day: "2026-07-03", Figures: figures{Country: "DE", Granted: 101}, Levels: map[string]int64{proPlus: 1}, OnPremisesDay: "2026-07-03"}
		}), ErrInvalid, "change.levels"},
		{"the latest on-premises day not kept", &d1, forge(t, d2, func(p *payload) { p.OnPremisesDay = "2026-07-04" }), ErrInvalid, "change.levels"},
		{"a figure below zero", &d1, forge(t, d2, func(p *payload) { p.Figures.Online = -1 }), ErrInvalid, "change.figures"},
		{"a figure too large", &d1, forge(t, d2, func(p *payload) { p.Figures.Granted = maxFigure + 1 }), ErrInvalid, "change.figures"},
		{"no country", &d1, forge(t, d2, func(p *payload) { p.Figures.Country = "de" }), ErrCountry, "change.figures.country"},
		{"fewer on premises than at the location", &d1, forge(t, d2, func(p *payload) { p.Figures.OnPremises = 24 }), ErrInvalid, "change.figures.onPremises"},
		{"less granted than the grant", nil, forge(t, grantRec, func(p *payload) { p.Figures.Granted = 99 }), ErrInvalid, "change.figures.granted"},
		{"R21 a token with figures", &rm, forge(t, tok, func(p *payload) { p.Figures.Online = 1 }), ErrInvalid, "change.figures"},
		{"R21 a token of another day than its year's", &rm, forge(t, tok, func(p *payload) { p.Day = "2026-07-02" }), ErrInvalid, "change.day"},
		{"R21 a token with a quantity", &rm, forge(t, tok, func(p *payload) { p.Quantity = 1 }), ErrInvalid, "change"},
		{"R21 a token with a kind", &rm, forge(t, tok, func(p *payload) { p.Kind = "core" }), ErrInvalid, "change"},
		{"R21 a token's fingerprint not as written", &rm, forge(t, tok, func(p *payload) { p.Token = strings.ReplaceAll(p.Token, ":", "") }), ErrInvalid, "change.token"},
		{"R21 a token of no fingerprint", &rm, forge(t, tok, func(p *payload) { p.Token = fingerprintText(token.Fingerprint{}) }), ErrInvalid, "change.fingerprint"},
		{"R21 a token with no activate-by date", &rm, forge(t, tok, func(p *payload) { p.ActivateBy = "2026-09-31" }), ErrInvalid, "change.activateBy"},
		{"R21 a token of no program", &rm, forge(t, tok, func(p *payload) { p.Program = "club" }), ErrInvalid, "change.program"},
		{"R21 a token in an unknown pool", &rm, forge(t, tok, func(p *payload) { p.Pool = "Nowhere" }), ErrUnknown, "change.pool"},
		{"R21 a token recorded under another fingerprint", &rm, func() activation.Record { r := tok; r.Fingerprint = d1.Fingerprint; return r }(), ErrInvalid, "record.fingerprint"},
		{"R21 another token under the record's fingerprint", &rm, forge(t, tok, func(p *payload) { p.Token = fingerprintText(token.Fingerprint{9}) }), ErrInvalid, "record.fingerprint"},
		{"R21 a token that changes the levels", &rm, forge(t, tok, func(p *payload) { p.Levels = nil }), ErrInvalid, "change.levels"},
		{"a grant with a token's field", nil, forge(t, grantRec, func(p *payload) { p.ActivateBy = "2026-09-01" }), ErrInvalid, "change"},
		{"a deployment with a token's field", &d1, forge(t, d2, func(p *payload) { p.Token = "0000" }), ErrInvalid, "change"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assertBad(t, k.CheckChange(tt.prev, tt.rec), tt.kind, tt.field)
		})
	}
	// The figures read from elsewhere are checked for their bounds only.
	require.NoError(t, k.CheckChange(&d1, forge(t, d2, func(p *payload) { p.Figures.Granted = maxFigure })))
}

// FuzzDecodePayload: the decoder reads only the canonical form, never
// panics, and what it reads encodes to the text read; a record holding
// any text is checked without a panic.
func FuzzDecodePayload(f *testing.F) {
	k, recs := keptChain(f)
	for _, r := range recs {
		f.Add(r.Change)
	}
	for _, s := range []string{"", "{}", "null", "[]", `{"v":1}`, `{"v":1,"op":"deploy"} `, `{"v":1,"op":"deploy","location":"Munich","quantity":1,"day":"2026-07-03","figures":{"country":"DE","online":0,"onPremises":1,"granted":0},"levels":{"Office Professional Plus":1},"onPremisesDay":"2026-07-03"}`,
		`{"v":1,"v":1}`, `{"V":1}`, `{"v":1.0}`, `{"v":1e0}`, `{"v":"1"}`, `{"v":1,"quantity":99999999999999999999}`, "\xff", `{"v":1,"location":"\u00e9"}`, `{"v":1,"location":"é"}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := decodePayload(s)
		if err == nil {
			again, err := p.encode()
			require.NoError(t, err)
			require.Equal(t, s, again)
			q, err := decodePayload(again)
			require.NoError(t, err)
			require.Equal(t, p, q)
		}
		rec := recs[1]
		rec.Change = s
		_ = k.CheckChange(&recs[0], rec)
	})
}

// A token's fingerprint is written in groups of four hex digits, so that no
// run of 25 letters and digits in the change could be read as a key.
func TestFingerprintText(t *testing.T) {
	assert.Equal(t, "0102:0300:"+strings.Repeat("0000:", 13)+"0000", fingerprintText(token.Fingerprint{1, 2, 3}))
}
