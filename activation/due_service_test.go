package activation_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/coterm/coterm/activation"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// R22 in Due: each date says the service from then. Under VolumeLicensing a
// subscription ending 2027-03-01 loses all service on its end date (Expired,
// none), is read-only from 2027-05-30 (Disabled) and deleted on 2027-07-29;
// under PartnerCenter it keeps full service while Expired.
func TestDueService(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		policy activation.Policy
		want   []activation.Deadline
	}{
		{activation.VolumeLicensing(), []activation.Deadline{
			{Tenant: bkTenant, Product: bkProduct, State: activation.Expired, Date: bkDate(2027, 3, 1), Service: activation.NoService},
			{Tenant: bkTenant, Product: bkProduct, State: activation.Disabled, Date: bkDate(2027, 5, 30), Service: activation.ReadOnlyService},
			{Tenant: bkTenant, Product: bkProduct, State: activation.Deleted, Date: bkDate(2027, 7, 29), Service: activation.NoService},
		}},
		{activation.PartnerCenter(), []activation.Deadline{
			{Tenant: bkTenant, Product: bkProduct, State: activation.Expired, Date: bkDate(2027, 3, 1), Service: activation.FullService},
			{Tenant: bkTenant, Product: bkProduct, State: activation.Disabled, Date: bkDate(2027, 3, 31), Service: activation.ReadOnlyService},
			{Tenant: bkTenant, Product: bkProduct, State: activation.Deleted, Date: bkDate(2027, 6, 29), Service: activation.NoService},
		}},
	} {
		b := &activation.Book{Policy: tc.policy, Journal: activation.NewMemoryJournal()}
		require.NoError(t, b.Import(ctx, bkSub(5, bkDate(2027, 3, 1)), bkDate(2026, 12, 1)))
		due, err := b.Due(ctx, bkDate(2027, 1, 1), bkDate(2028, 1, 1))
		require.NoError(t, err)
		assert.Equal(t, tc.want, due, tc.policy.Name)
		var seq []activation.Deadline
		for d, err := range b.DueSeq(ctx, bkDate(2027, 1, 1), bkDate(2028, 1, 1)) {
			require.NoError(t, err)
			seq = append(seq, d)
		}
		assert.Equal(t, tc.want, seq, tc.policy.Name)
	}
}

// A Deadline's JSON names its service; JSON without one (as written before
// deadlines had it) reads back with the zero Service, and an unknown one is
// refused without quoting it.
func TestDeadlineServiceJSON(t *testing.T) {
	d := activation.Deadline{Tenant: "contoso", Product: "M365-E3", State: activation.Expired, Date: bkDate(2027, 3, 1), Service: activation.NoService}
	b, err := json.Marshal(d)
	require.NoError(t, err)
	assert.JSONEq(t, `{"tenant":"contoso","product":"M365-E3","state":"expired","date":"2027-03-01","service":"none"}`, string(b))
	var back activation.Deadline
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, d, back)

	require.NoError(t, json.Unmarshal([]byte(`{"tenant":"contoso","product":"M365-E3","state":"expired","date":"2027-03-01"}`), &back))
	assert.Zero(t, back.Service)
	b, err = json.Marshal(back)
	require.NoError(t, err)
	assert.NotContains(t, string(b), "service")

	err = json.Unmarshal([]byte(`{"tenant":"t","product":"p","state":"expired","date":"2027-03-01","service":"AB3DE-FG5HJ-KL7MN-PQ9RS-TUVW2"}`), &back)
	require.ErrorIs(t, err, activation.ErrInvalid)
	assert.NotContains(t, err.Error(), "AB3DE")
	_, err = json.Marshal(activation.Deadline{State: activation.Expired, Date: bkDate(2027, 3, 1), Service: 9})
	require.ErrorIs(t, err, activation.ErrInvalid)
}
