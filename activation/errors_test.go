package activation

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/proration"
	"github.com/coterm/coterm/token"
)

// TestErrorsNameOnePackage: an error names one package, once, at its start;
// each wrap adds context, never a second prefix or a repeated word.
func TestErrorsNameOnePackage(t *testing.T) {
	sub := Subscription{Tenant: "contoso", Product: "O365-E3", Seats: 100, End: time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)}
	at := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	tok := token.Token{Key: token.MustParseKey("Q7RZK-M4XPA-2B9CD-7FGHJ-3KLMN"), Product: "O365-E3", Seats: 0}
	_, err := PartnerCenter().Apply(sub, tok, AddSeats, at)
	require.ErrorIs(t, err, ErrInvalid)
	require.ErrorIs(t, err, token.ErrInvalidToken)
	msg := err.Error()
	assert.True(t, strings.HasPrefix(msg, "activation: invalid input: token: "), msg)
	assert.Equal(t, 1, strings.Count(msg, "activation:"), msg)
	assert.NotContains(t, msg, "token: token", msg)

	_, err = PartnerCenter().Apply(sub, token.Token{Key: tok.Key, Product: "O365-E3", Seats: 1}, AddSeats, time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC))
	require.ErrorIs(t, err, ErrInvalid)
	require.ErrorIs(t, err, proration.ErrDateRange)
	msg = err.Error()
	assert.True(t, strings.HasPrefix(msg, "activation: invalid input: redemption day: "), msg)
	assert.NotContains(t, msg, "proration:", msg)

	err = invalidWrap("what", errors.New("plain cause"))
	assert.EqualError(t, err, "activation: invalid input: what: plain cause")
	assert.ErrorIs(t, err, ErrInvalid)
}

// TestErrorTypesHaveSentinels: every error type of the package matches its
// sentinel with errors.Is.
func TestErrorTypesHaveSentinels(t *testing.T) {
	assert.ErrorIs(t, &NotAllowedError{Op: Renew, State: Active}, ErrNotAllowed)
	assert.ErrorIs(t, &ProductMismatchError{Subscription: "a", Token: "b"}, ErrProductMismatch)
	assert.ErrorIs(t, &proration.CapError{Seats: 1, KeySeats: 4, Factor: 3, MaxKeySeats: 3}, ErrExtensionCap)
	assert.NotErrorIs(t, &NotAllowedError{}, ErrInvalid)
	assert.NotErrorIs(t, &ProductMismatchError{}, ErrNotAllowed)
}

// TestProductMismatchMasksKeyNames: a product name that is a product key (in
// any spelling ParseKey accepts) comes back masked from every path that
// reports a product mismatch.
func TestProductMismatchMasksKeyNames(t *testing.T) {
	const name = "Q7RZK-M4XPA-J9CDV-T2WHN-B6G3F"
	for _, spelling := range []string{name, strings.ToLower(name), strings.ReplaceAll(name, "-", "")} {
		msg := (&ProductMismatchError{Subscription: spelling, Token: "b"}).Error()
		msg += (&ProductMismatchError{Subscription: "a", Token: spelling}).Error()
		assert.NotContains(t, strings.ToUpper(msg), "Q7RZK")
		assert.NotContains(t, strings.ToUpper(msg), "M4XPA")
	}
	sub := Subscription{Tenant: "contoso", Product: name, Seats: 10, End: time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)}
	key := token.MustParseKey("AAAAA-BBBBB-CCCCC-DDDDD-EEEE1")
	_, err := PartnerCenter().Apply(sub, token.Token{Key: key, Product: "O365-E3", Seats: 1}, AddSeats, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	require.ErrorIs(t, err, ErrProductMismatch)
	assert.NotContains(t, err.Error(), "Q7RZK")
	assert.Contains(t, err.Error(), `"O365-E3"`)
}
