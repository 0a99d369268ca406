package activation_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// TestFullServiceEnds is R22: a subscription ending 2027-03-01 loses full
// service on its end date under volume licensing ("Services immediately
// become unavailable when the Expired status starts") and after the 30-day
// grace under Partner Center (R8: fully functional while expired).
func TestFullServiceEnds(t *testing.T) {
	s := activation.Subscription{Tenant: "contoso", Product: "M365-E3", Seats: 100, End: date(2027, 3, 1)}
	for _, tc := range []struct {
		p    activation.Policy
		want time.Time
	}{
		{activation.VolumeLicensing(), date(2027, 3, 1)},
		{activation.PartnerCenter(), date(2027, 3, 31)},
		{activation.Open2014(), date(2027, 3, 31)},
		{activation.DirectPurchase(), date(2027, 3, 31)},
		{activation.EnterpriseMultiYear(), date(2027, 5, 30)},
	} {
		tl, err := tc.p.Timeline(s)
		require.NoError(t, err, tc.p.Name)
		assert.Equal(t, tc.want, tl.FullServiceEnds, "%s: the first day without full service", tc.p.Name)
		last := tc.want.AddDate(0, 0, -1) // a date at 00:00 UTC
		assert.Equal(t, activation.FullService, tc.p.Service(tc.p.State(s, last)), "%s: full service on %s", tc.p.Name, last.Format(time.DateOnly))
		assert.NotEqual(t, activation.FullService, tc.p.Service(tc.p.State(s, tc.want)), "%s: no full service on %s", tc.p.Name, tc.want.Format(time.DateOnly))
	}
	vl, err := activation.VolumeLicensing().Timeline(s)
	require.NoError(t, err)
	assert.Equal(t, "renew from 2027-03-01; end 2027-03-01, no full service from 2027-03-01; disabled from 2027-05-30; deleted on 2027-07-29", vl.String())
	pc, err := activation.PartnerCenter().Timeline(s)
	require.NoError(t, err)
	assert.Equal(t, "renew from 2027-03-01; end 2027-03-01; disabled from 2027-03-31; deleted on 2027-06-29", pc.String(), "unchanged where Expired is fully served")
	pc.FullServiceEnds = time.Time{}
	assert.Equal(t, "renew from 2027-03-01; end 2027-03-01; disabled from 2027-03-31; deleted on 2027-06-29", pc.String(), "a Timeline written without the field")
}

// TestServicePerState: the service of every state under every preset (R8,
// R22), and the R8 defaults of a zero field.
func TestServicePerState(t *testing.T) {
	full, ro, none := activation.FullService, activation.ReadOnlyService, activation.NoService
	want := map[string][5]activation.Service{ // Active, Expired, Disabled, Deleted, None
		"partner-center":        {full, full, ro, none, none},
		"open-2014":             {full, full, ro, none, none},
		"direct-purchase":       {full, full, ro, none, none},
		"enterprise-multi-year": {full, full, ro, none, none},
		"volume-licensing":      {full, none, ro, none, none},
	}
	for _, name := range activation.PolicyNames() {
		p, err := activation.PolicyByName(name)
		require.NoError(t, err)
		for i, st := range []activation.State{activation.Active, activation.Expired, activation.Disabled, activation.Deleted, activation.None} {
			assert.Equal(t, want[name][i], p.Service(st), "%s in %s", name, st)
		}
		assert.Zero(t, p.Service(0), "an unknown state has no known service")
		assert.Zero(t, p.Service(activation.None+1))
	}
	p := activation.PartnerCenter()
	p.ExpiredService, p.DisabledService = 0, 0
	require.NoError(t, p.Validate(), "zero fields are the R8 defaults")
	assert.Equal(t, full, p.Service(activation.Expired))
	assert.Equal(t, ro, p.Service(activation.Disabled))
	p.ExpiredService, p.DisabledService = activation.ReadOnlyService, activation.NoService
	assert.Equal(t, ro, p.Service(activation.Expired))
	assert.Equal(t, none, p.Service(activation.Disabled))
	tl, err := p.Timeline(activation.Subscription{Product: "P", Seats: 1, End: date(2027, 3, 1)})
	require.NoError(t, err)
	assert.Equal(t, date(2027, 3, 1), tl.FullServiceEnds, "read-only while expired: full service ends on the end date")
}

func TestServiceValidate(t *testing.T) {
	for name, tc := range map[string]struct {
		set  func(p *activation.Policy)
		want string
	}{
		"disabled fully served": {func(p *activation.Policy) { p.DisabledService = activation.FullService },
			"activation: invalid input: policy: DisabledService full: want read-only or none (a disabled subscription is not fully functional, R8)"},
		"disabled service 4": {func(p *activation.Policy) { p.DisabledService = 4 },
			"activation: invalid input: policy: DisabledService Service(4): want read-only or none (a disabled subscription is not fully functional, R8)"},
		"expired service 4":  {func(p *activation.Policy) { p.ExpiredService = 4 }, "activation: invalid input: policy: ExpiredService Service(4)"},
		"expired service -1": {func(p *activation.Policy) { p.ExpiredService = -1 }, "activation: invalid input: policy: ExpiredService Service(-1)"},
	} {
		p := activation.VolumeLicensing()
		tc.set(&p)
		assert.EqualError(t, p.Validate(), tc.want, name)
		_, err := p.Timeline(activation.Subscription{Product: "P", Seats: 1, End: date(2027, 3, 1)})
		assert.ErrorIs(t, err, activation.ErrInvalid, name)
	}
}

func TestServiceText(t *testing.T) {
	for sv, name := range map[activation.Service]string{activation.FullService: "full", activation.ReadOnlyService: "read-only", activation.NoService: "none"} {
		assert.Equal(t, name, sv.String())
		assert.True(t, sv.Valid())
		got, err := activation.ParseService(name)
		require.NoError(t, err)
		assert.Equal(t, sv, got)
		b, err := json.Marshal(struct{ S activation.Service }{sv})
		require.NoError(t, err)
		assert.JSONEq(t, `{"S":"`+name+`"}`, string(b))
		var back struct{ S activation.Service }
		require.NoError(t, json.Unmarshal(b, &back))
		assert.Equal(t, sv, back.S)
	}
	for _, sv := range []activation.Service{0, 4, -1} {
		assert.False(t, sv.Valid())
		_, err := sv.MarshalText()
		assert.ErrorIs(t, err, activation.ErrInvalid)
	}
	assert.Equal(t, "Service(0)", activation.Service(0).String())
	got, err := activation.ParseService("READ-ONLY")
	require.NoError(t, err)
	assert.Equal(t, activation.ReadOnlyService, got)
	_, err = activation.ParseService("readonly")
	assert.EqualError(t, err, "activation: invalid input: unknown service (8 bytes): want full, read-only or none")
	sv := activation.NoService
	assert.ErrorIs(t, sv.UnmarshalText([]byte("full ")), activation.ErrInvalid)
	assert.Equal(t, activation.NoService, sv, "unchanged on error")
}
