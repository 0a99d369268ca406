package activation_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/token"
)

// The request identities are kept by stores: a record made today must
// replay tomorrow. These golden values pin NewRequestID (a Redeemer's) and a
// Book's request identity byte for byte; a change of either encoding must
// change its version string, and then these values, on purpose.

func goldenKey(t *testing.T, s string) token.Key {
	t.Helper()
	k, err := token.ParseKey(s)
	require.NoError(t, err)
	return k
}

// TestNewRequestIDGoldenMany pins NewRequestID for fixed requests.
func TestNewRequestIDGoldenMany(t *testing.T) {
	k1 := goldenKey(t, "AAAA1-BBBB2-CCCC3-DDDD4-EEEE5")
	k2 := goldenKey(t, "Q7RZK-M4XPA-J9CDV-T2WHN-B6G3F")
	ny := time.FixedZone("EST", -5*3600)
	cases := []struct {
		name string
		s    activation.Subscription
		t    token.Token
		op   activation.Operation
		at   time.Time
		want string
	}{
		{"R5 scenario", activation.Subscription{Tenant: "contoso", Product: "O365-E3", Seats: 100, End: time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)},
			token.Token{Key: k1, Product: "O365-E3", Seats: 25, TermMonths: 12}, activation.ExtendEnd, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC),
			"0ce392402dfa1fbaadfd171833ce85e8439fd244d7c689aa257ebb6e9ffd1e06"},
		{"another zone, term 0", activation.Subscription{Tenant: "fabrikam", Product: "M365-E3", Seats: 1, End: time.Date(2026, 1, 31, 23, 0, 0, 0, ny)},
			token.Token{Key: k2, Product: "M365-E3", Seats: 3}, activation.AddSeats, time.Date(2025, 12, 31, 22, 30, 0, 0, ny),
			"98f38c1c9db90751c2950617dc8b4096d355cf1f380063fd228671e8e6f2f6a8"},
		{"none, zero times, zero key", activation.Subscription{}, token.Token{}, activation.Operation(0), time.Time{},
			"bb68a7cd9a380752c9082ac07f1993b5f690a35c8719022b3e6ad4a17cb70fef"},
		{"long names past the buffer, odd numbers", activation.Subscription{Tenant: strings.Repeat("ü", 200), Product: strings.Repeat("p", 300), Seats: -7, End: time.Date(-12, 5, 6, 0, 0, 0, 0, time.UTC)},
			token.Token{Key: k1, Product: "x\u202ey", Seats: 1 << 40, TermMonths: -36}, activation.Operation(9), time.Date(12345, 6, 7, 0, 0, 0, 0, time.UTC),
			"94a7708b7fc9aff29fc661208831f3ee3c50f5be0826b4912eb8a15a14cb09ef"},
		{"renew, term 36", activation.Subscription{Tenant: "t", Product: "p", Seats: 1_000_000_000, End: time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)},
			token.Token{Key: k2, Product: "p", Seats: 1, TermMonths: 36}, activation.Renew, time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC),
			"1e450085e21f3f22a5be83fc02d0f1a3605fad85225e2227a1ed7de27d3fe4ef"},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, fmt.Sprintf("%x", activation.NewRequestID(c.s, c.t, c.op, c.at)), c.name)
	}
}

// TestBookRequestIDGoldenMany pins the request identity a Book records with a
// redemption (Record.Request), for fixed requests.
func TestBookRequestIDGoldenMany(t *testing.T) {
	ctx := context.Background()
	k1 := goldenKey(t, "AAAA1-BBBB2-CCCC3-DDDD4-EEEE5")
	k2 := goldenKey(t, "Q7RZK-M4XPA-J9CDV-T2WHN-B6G3F")
	k3 := goldenKey(t, "MMMM1-NNNN2-PPPP3-QQQQ4-RRRR5")
	ny := time.FixedZone("EST", -5*3600)
	long := strings.Repeat("ü", 128)
	cases := []struct {
		name            string
		tenant, product string
		t               token.Token
		op              activation.Operation
		at              time.Time
		want            string
	}{
		{"activate, term 0", "contoso", "O365-E3", token.Token{Key: k1, Product: "O365-E3", Seats: 25}, activation.Activate,
			time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), "04a117e7d4a3a909bc383a85bb9a75e68f890faa45de1fcee95db4ff6c463f69"},
		{"activate in another zone, term 36", "fabrikam/eu", "M365-E3", token.Token{Key: k2, Product: "M365-E3", Seats: 7, TermMonths: 36}, activation.Activate,
			time.Date(2026, 1, 31, 22, 0, 0, 0, ny), "424d9925fef5384f8ff03a56b971724fef0ac19fd0210d81e3052e44007a8866"},
		{"long names, activate", long, strings.Repeat("p", 256), token.Token{Key: k3, Product: strings.Repeat("p", 256), Seats: 1_000_000_000, TermMonths: 12}, activation.Activate,
			time.Date(9998, 1, 1, 0, 0, 0, 0, time.UTC), "a271ed45d77323e354e616001bbcc25bcde05442c09e8c726a770786ad810044"},
	}
	for _, c := range cases {
		b := &activation.Book{Policy: activation.PartnerCenter(), Journal: activation.NewMemoryJournal()}
		_, err := b.Redeem(ctx, c.tenant, c.product, c.t, c.op, c.at)
		require.NoError(t, err, c.name)
		rec, ok, err := b.Lookup(ctx, c.t.Key)
		require.NoError(t, err, c.name)
		require.True(t, ok, c.name)
		assert.Equal(t, c.want, fmt.Sprintf("%x", rec.Request), c.name)
	}
}
