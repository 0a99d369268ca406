package entitlement

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"pgregory.net/rapid"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/internal/daymath"
	"github.com/coterm/coterm/token"
)

// TestKeeperStateMachine drives several admins (Keepers of their own, one
// reading in pages of 2) and a Book over one MemoryJournal, for an
// organisation with two locations in one country: deployments,
// removals (some below zero, some before the location's latest day),
// grants (some refused, R18), identical retries, reused request ids,
// imports and redemptions changing the online seats, days passing and two
// admins changing one location at once; against a plain model: each
// location's list of changes, and each subscription's states. A racing
// pair is stepped in the order the chain recorded it. After every step,
// every acknowledged change is in its chain exactly once, in order, every
// record passes CheckChange, no level is below zero, and the position
// computed from the recorded chains and the Book equals the model's
// recount (R14); every change's figures are the model's on its day.
func TestKeeperStateMachine(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		m := newKeeperMachine(rt)
		rt.Repeat(map[string]func(*rapid.T){
			"deploy":      m.deploy,
			"remove":      m.remove,
			"grant":       m.grant,
			"retry":       m.retry,
			"reuse id":    m.reuse,
			"import":      m.importSub,
			"redeem":      m.redeem,
			"days pass":   m.daysPass,
			"racing pair": m.racingPair,
			"issue token": m.issueToken,
			"":            m.check,
		})
	})
}

// kmChange is a change the model holds: an on-premises change (delta not
// 0), an issued token (tok not nil) or a grant.
type kmChange struct {
	id    string
	loc   string
	lic   string
	delta int64
	tok   *IssuedToken
	grant Grant
	g     grantRec // the grant validated
	day   daymath.Day
	entry Entry // as recorded
}

// kmState is a subscription's state from a day on.
type kmState struct {
	from daymath.Day
	sub  activation.Subscription
}

type keeperMachine struct {
	org    Organisation
	g      *org
	j      *activation.MemoryJournal
	book   *activation.Book
	admins []*Keeper

	// The model.
	chains map[string][]*kmChange // by location, in Seq order
	ids    []string
	byID   map[string]*kmChange
	subs   map[subKey][]kmState
	today  daymath.Day
	next   int
	// checked counts the records of each chain that passed CheckChange.
	checked map[string]int
}

var (
	kmLicences = []string{proPlus, "Visio"}
	kmSubs     = []subKey{{"contoso", e3}, {"contoso", k1}, {"fabrikam", e3}, {"initech", k1}}
	// kmPlaced places the tenants: two of them in Germany.
	kmPlaced = map[string]string{"contoso": "Munich", "fabrikam": "Paris", "initech": "Berlin"}
)

func newKeeperMachine(t *rapid.T) *keeperMachine {
	o := fixture()
	o.Pools[0].OnPremises = kmLicences
	o.Locations = append(o.Locations, Location{Name: "Berlin", Country: de, Headquarters: "Seattle", Years: []Year{yearOf(gold)}})
	o.Placements = append(o.Placements, Placement{Tenant: "initech", Location: "Berlin"})
	j := activation.NewMemoryJournal()
	g, err := newOrg(o)
	if err != nil {
		t.Fatalf("newOrg: %v", err)
	}
	m := &keeperMachine{
		org: o, g: g, j: j, book: &activation.Book{Policy: o.Policy, Journal: j},
		chains: map[string][]*kmChange{}, byID: map[string]*kmChange{}, subs: map[subKey][]kmState{}, checked: map[string]int{},
		today: dayOfTest("2026-06-25") + daymath.Day(rapid.IntRange(0, 30).Draw(t, "start")),
	}
	for _, page := range []int{0, 2, 0} {
		k, err := NewKeeper(o, KeeperConfig{Journal: j, Book: m.book, Page: page})
		if err != nil {
			t.Fatalf("NewKeeper: %v", err)
		}
		m.admins = append(m.admins, k)
	}
	return m
}

func (m *keeperMachine) admin(t *rapid.T) *Keeper {
	return m.admins[rapid.IntRange(0, len(m.admins)-1).Draw(t, "admin")]
}

func (m *keeperMachine) freshID() string {
	m.next++
	return fmt.Sprintf("change-%d", m.next)
}

// level returns the model's level of lic at loc after its changes.
func (m *keeperMachine) level(loc, lic string) int64 {
	var n int64
	for _, c := range m.chains[loc] {
		if c.lic == lic {
			n += c.delta
		}
	}
	return n
}

// lastDay returns the day of loc's latest on-premises change, or 0.
func (m *keeperMachine) lastDay(loc string) daymath.Day {
	var d daymath.Day
	for _, c := range m.chains[loc] {
		if c.delta != 0 {
			d = c.day
		}
	}
	return d
}

// drawDeployment draws an on-premises change on a day up to 3 days before
// today.
func (m *keeperMachine) drawDeployment(t *rapid.T, most int) Deployment {
	return Deployment{
		Location: rapid.SampledFrom(m.org.Locations).Draw(t, "location").Name,
		Licence:  rapid.SampledFrom(kmLicences).Draw(t, "licence"),
		Quantity: rapid.IntRange(1, most).Draw(t, "quantity"),
		Day:      (m.today - daymath.Day(rapid.IntRange(0, 3).Draw(t, "days before"))).Time(),
		Reason:   rapid.SampledFrom([]string{"", "roll-out", "finance team"}).Draw(t, "reason"),
	}
}

func (m *keeperMachine) deploy(t *rapid.T) { m.onPremises(t, Deploy, m.drawDeployment(t, 50)) }

func (m *keeperMachine) remove(t *rapid.T) { m.onPremises(t, Remove, m.drawDeployment(t, 60)) }

// onPremises records d and checks the answer against the model's.
func (m *keeperMachine) onPremises(t *rapid.T, ch Change, d Deployment) {
	id := m.freshID()
	k := m.admin(t)
	call := k.Deploy
	delta := int64(d.Quantity)
	if ch == Remove {
		call, delta = k.Remove, -delta
	}
	e, err := call(bg, id, d)
	day := daymath.Of(d.Day)
	var in *InputError
	switch {
	case day < m.lastDay(d.Location):
		if !errors.As(err, &in) || in.Field != "deployment.day" {
			t.Fatalf("a change before the location's latest: %v, want a refusal of its day", err)
		}
	case m.level(d.Location, d.Licence)+delta < 0:
		if !errors.As(err, &in) || in.Field != "deployment.quantity" {
			t.Fatalf("a removal below zero: %v, want a refusal of its quantity", err)
		}
	case err != nil:
		t.Fatalf("%v %+v: %v", ch, d, err)
	default:
		m.add(t, &kmChange{id: id, loc: d.Location, lic: d.Licence, delta: delta, day: day, entry: e}, true)
	}
}

// add steps the model with c, recorded as c.entry, and checks the entry
// against it; figures says whether the model knows the figures c saw.
func (m *keeperMachine) add(t *rapid.T, c *kmChange, figures bool) {
	if want := int64(len(m.chains[c.loc])) + 1; c.entry.Seq != want || c.entry.Replayed {
		t.Fatalf("recorded at Seq %d (replayed %v), want Seq %d", c.entry.Seq, c.entry.Replayed, want)
	}
	m.chains[c.loc] = append(m.chains[c.loc], c)
	m.byID[c.id] = c
	m.ids = append(m.ids, c.id)
	if c.delta != 0 && c.entry.Level != m.level(c.loc, c.lic) {
		t.Fatalf("level %d, want %d", c.entry.Level, m.level(c.loc, c.lic))
	}
	if c.tok != nil && c.entry.Figures != (Figures{}) {
		t.Fatalf("a token with figures %+v", c.entry.Figures)
	}
	if !figures || c.tok != nil {
		return
	}
	l := m.g.locByName[c.loc]
	want := m.recount(c.day)[m.g.locs[l].country]
	want.Country = m.g.locs[l].country
	if c.entry.Figures != want {
		t.Fatalf("figures %+v, want %+v", c.entry.Figures, want)
	}
}

func (m *keeperMachine) grant(t *rapid.T) {
	loc := rapid.SampledFrom(m.org.Locations).Draw(t, "location")
	y := rapid.SampledFrom(loc.Years).Draw(t, "year")
	g := Grant{Location: loc.Name, Membership: y.Membership, Year: y.Start, Pool: office,
		Kind:     rapid.SampledFrom([]Kind{Core, Core, Toolkit, Demonstration}).Draw(t, "kind"),
		Quantity: rapid.IntRange(1, 100).Draw(t, "quantity")}
	if days := rapid.IntRange(-1, 364).Draw(t, "day in year"); days >= 0 {
		g.Day = y.Start.AddDate(0, 0, days)
	}
	id := m.freshID()
	e, err := m.admin(t).AddGrant(bg, id, g)
	r, wantErr := m.g.grant(0, g)
	switch {
	case wantErr != nil:
		if !errors.Is(err, ErrToolkit) || !errors.Is(wantErr, ErrToolkit) {
			t.Fatalf("AddGrant: %v, want %v", err, wantErr)
		}
	case err != nil:
		t.Fatalf("AddGrant %+v: %v", g, err)
	default:
		m.add(t, &kmChange{id: id, loc: g.Location, grant: g, g: r, day: r.day, entry: e}, true)
	}
}

func (m *keeperMachine) drawRecorded(t *rapid.T) *kmChange {
	if len(m.ids) == 0 {
		t.Skip("nothing recorded yet")
	}
	return m.byID[rapid.SampledFrom(m.ids).Draw(t, "recorded")]
}

// call repeats c's request with id, changed by edit.
func (m *keeperMachine) call(k *Keeper, id string, c *kmChange, edit int) (Entry, error) {
	if c.tok != nil {
		x := *c.tok
		x.ActivateBy = x.ActivateBy.AddDate(0, 0, edit)
		return k.IssueToken(bg, x)
	}
	if c.delta == 0 {
		g := c.grant
		g.Quantity += edit
		return k.AddGrant(bg, id, g)
	}
	d := *c.entry.Deployment
	d.Quantity += edit
	if c.delta < 0 {
		return k.Remove(bg, id, d)
	}
	return k.Deploy(bg, id, d)
}

// retry: the identical request replays, through any admin, after anything.
func (m *keeperMachine) retry(t *rapid.T) {
	c := m.drawRecorded(t)
	e, err := m.call(m.admin(t), c.id, c, 0)
	if err != nil || !e.Replayed {
		t.Fatalf("identical retry: %v (replayed %v)", err, e.Replayed)
	}
	e.Replayed = false
	if e.Seq != c.entry.Seq || e.Note != c.entry.Note || e.Figures != c.entry.Figures || !e.RecordedAt.Equal(c.entry.RecordedAt) {
		t.Fatalf("replay = %+v, want %+v", e, c.entry)
	}
}

// reuse: the id of a recorded change with another change is refused, and
// so is a token issued again with other details (R21).
func (m *keeperMachine) reuse(t *rapid.T) {
	c := m.drawRecorded(t)
	want := ErrRequestReused
	if c.tok != nil {
		want = ErrDuplicate
	}
	if _, err := m.call(m.admin(t), c.id, c, 1); !errors.Is(err, want) {
		t.Fatalf("a reused id: %v, want %v", err, want)
	}
}

// issueToken issues a new token (R21) at a location for one of its years.
func (m *keeperMachine) issueToken(t *rapid.T) {
	loc := rapid.SampledFrom(m.org.Locations).Draw(t, "location")
	y := rapid.SampledFrom(loc.Years).Draw(t, "year")
	m.next++
	tok := IssuedToken{Fingerprint: token.Fingerprint{byte(m.next), byte(m.next >> 8), 0xee}, Location: loc.Name,
		Membership: y.Membership, Year: y.Start, Pool: office}
	if by := rapid.IntRange(-1, 400).Draw(t, "activate by"); by >= 0 {
		tok.ActivateBy = y.Start.AddDate(0, 0, by)
	}
	e, err := m.admin(t).IssueToken(bg, tok)
	if err != nil {
		t.Fatalf("IssueToken: %v", err)
	}
	m.add(t, &kmChange{id: tok.Fingerprint.String(), loc: loc.Name, tok: &tok, day: daymath.Of(y.Start), entry: e}, true)
}

func (m *keeperMachine) importSub(t *rapid.T) {
	s := rapid.SampledFrom(kmSubs).Draw(t, "subscription")
	sub := activation.Subscription{Tenant: s.tenant, Product: s.product}
	if rapid.IntRange(0, 5).Draw(t, "none") > 0 {
		sub.Seats = rapid.IntRange(1, 120).Draw(t, "seats")
		sub.End = (m.today + daymath.Day(rapid.IntRange(-200, 500).Draw(t, "end"))).Time()
	}
	if err := m.book.Import(bg, sub, m.today.Time()); err != nil {
		t.Fatalf("Import: %v", err)
	}
	m.subs[s] = append(m.subs[s], kmState{m.today, sub})
}

func (m *keeperMachine) redeem(t *rapid.T) {
	s := rapid.SampledFrom(kmSubs).Draw(t, "subscription")
	m.next++
	key := token.MustParseKey(fmt.Sprintf("KEEPR-MACHN-%05d-ADMNS-BOOK7", m.next))
	tk := token.Token{Key: key, Product: s.product, Seats: rapid.IntRange(1, 50).Draw(t, "key seats")}
	op := rapid.SampledFrom([]activation.Operation{activation.Activate, activation.AddSeats}).Draw(t, "op")
	o, err := m.book.Redeem(bg, s.tenant, s.product, tk, op, m.today.Time())
	if err == nil {
		m.subs[s] = append(m.subs[s], kmState{m.today, o.After})
	}
}

func (m *keeperMachine) daysPass(t *rapid.T) {
	m.today += daymath.Day(rapid.IntRange(1, 60).Draw(t, "days"))
}

// racingPair: two admins deploy at one location at once; both are
// recorded, and the model is stepped in their order in the chain.
func (m *keeperMachine) racingPair(t *rapid.T) {
	loc := rapid.SampledFrom(m.org.Locations).Draw(t, "location").Name
	day := max(m.today, m.lastDay(loc))
	type req struct {
		k   *Keeper
		id  string
		d   Deployment
		e   Entry
		err error
	}
	var rs [2]req
	for i := range rs {
		rs[i] = req{k: m.admins[i], id: m.freshID(), d: Deployment{Location: loc, Licence: rapid.SampledFrom(kmLicences).Draw(t, "licence"),
			Quantity: rapid.IntRange(1, 30).Draw(t, "quantity"), Day: day.Time()}}
	}
	var wg sync.WaitGroup
	for i := range rs {
		wg.Go(func() { rs[i].e, rs[i].err = rs[i].k.Deploy(bg, rs[i].id, rs[i].d) })
	}
	wg.Wait()
	if rs[0].err != nil || rs[1].err != nil {
		t.Fatalf("racing deployments: %v, %v", rs[0].err, rs[1].err)
	}
	if rs[1].e.Seq < rs[0].e.Seq {
		rs[0], rs[1] = rs[1], rs[0]
	}
	for _, r := range rs {
		m.add(t, &kmChange{id: r.id, loc: loc, lic: r.d.Licence, delta: int64(r.d.Quantity), day: day, entry: r.e}, true)
	}
}

// tokens returns how many tokens the model issued.
func (m *keeperMachine) tokens() int {
	n := 0
	for _, c := range m.byID {
		if c.tok != nil {
			n++
		}
	}
	return n
}

// recount returns the model's figures per country on day d.
func (m *keeperMachine) recount(d daymath.Day) map[Country]Figures {
	out := map[Country]Figures{}
	country := func(loc string) Country { return m.g.locs[m.g.locByName[loc]].country }
	for loc, cs := range m.chains {
		f := out[country(loc)]
		for _, c := range cs {
			switch {
			case c.delta != 0 && c.day <= d:
				f.OnPremises += c.delta
			case c.delta == 0 && c.tok == nil && c.g.year.contains(d) && c.g.day <= d:
				f.Granted += c.g.qty
			}
		}
		out[country(loc)] = f
	}
	for s, states := range m.subs {
		var cur *kmState
		for i := range states {
			if states[i].from <= d {
				cur = &states[i]
			}
		}
		if cur == nil || cur.sub.IsNone() {
			continue
		}
		p := m.org.Policy
		if sv := p.Service(p.State(cur.sub, d.Time())); sv != activation.FullService && sv != activation.ReadOnlyService {
			continue
		}
		c := country(kmPlaced[s.tenant])
		f := out[c]
		f.Online += int64(cur.sub.Seats)
		out[c] = f
	}
	return out
}

// check: every chain is the model's, every record passes CheckChange (each
// once: records never change), and the position from the recorded chains
// and the Book is the model's.
func (m *keeperMachine) check(t *rapid.T) {
	k := m.admins[0]
	for _, l := range m.org.Locations {
		recs, err := m.j.History(bg, k.chain, l.Name, 0, 1<<20)
		if err != nil {
			t.Fatalf("History: %v", err)
		}
		cs := m.chains[l.Name]
		if len(recs) != len(cs) {
			t.Fatalf("%s holds %d changes, the model %d", l.Name, len(recs), len(cs))
		}
		for i := range recs {
			var prev *activation.Record
			if i > 0 {
				prev = &recs[i-1]
			}
			if i >= m.checked[l.Name] {
				if err := k.CheckChange(prev, recs[i]); err != nil {
					t.Fatalf("%s Seq %d: %v", l.Name, recs[i].Seq, err)
				}
				m.checked[l.Name] = i + 1
			}
			fp := activation.ChangeFingerprint(chainKind, k.chain+"\n"+cs[i].id)
			if tok := cs[i].tok; tok != nil {
				fp = tokenFingerprint(k.chain, tok.Fingerprint)
			}
			if recs[i].Fingerprint != fp || recs[i].Note != cs[i].entry.Note {
				t.Fatalf("%s Seq %d is not the model's change", l.Name, recs[i].Seq)
			}
		}
		for _, lic := range kmLicences {
			if m.level(l.Name, lic) < 0 {
				t.Fatalf("a level below zero")
			}
		}
	}
	tokens := 0
	for _, err := range m.admins[2].Source().Tokens(bg) {
		if err != nil {
			t.Fatalf("Tokens: %v", err)
		}
		tokens++
	}
	if want := m.tokens(); tokens != want {
		t.Fatalf("%d tokens issued, the model %d", tokens, want)
	}
	p, err := m.admins[1].Partner()
	if err != nil {
		t.Fatalf("Partner: %v", err)
	}
	pos, err := p.Position(bg, m.today.Time())
	if err != nil {
		t.Fatalf("Position: %v", err)
	}
	got := map[Country]Figures{}
	for _, c := range pos.Pools[0].Countries {
		got[c.Country] = Figures{Online: c.Online, OnPremises: c.OnPremises, Granted: c.Granted}
	}
	want := m.recount(m.today)
	for c, f := range want {
		if f == (Figures{}) {
			delete(want, c)
		}
	}
	for c, f := range got {
		if f == (Figures{}) {
			delete(got, c)
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("position on %s: %v, model %v", m.today, got, want)
	}
}
