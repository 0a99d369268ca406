package activation

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/proration"
	"github.com/coterm/coterm/token"
)

// TestErrorsNameOnePackage: an error names its package once, at its start;
// each wrap adds context, never a second prefix or a repeated word; a cause
// of another package keeps its own name (see text.Error).
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
	assert.True(t, strings.HasPrefix(msg, "activation: invalid input: redemption day: proration: "), msg)
	assert.Equal(t, 1, strings.Count(msg, "proration:"), msg)

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

// brokenJournal returns, for every read, the record of another place or key.
type brokenJournal struct{ *MemoryJournal }

func (j brokenJournal) Head(ctx context.Context, tenant, product string) (Record, bool, error) {
	return Record{Seq: 1, Outcome: Outcome{After: Subscription{Tenant: "other", Product: product}}}, true, nil
}

func (j brokenJournal) Lookup(ctx context.Context, fp token.Fingerprint) (Record, bool, error) {
	return Record{Seq: 1}, true, nil
}

// TestBookErrorsNameOnePackage: the Book's and the Redeemer's errors name one
// package, once: a wrap of a store's error, of a context's, of a policy's or
// a broken store's adds context, never a second prefix.
func TestBookErrorsNameOnePackage(t *testing.T) {
	at := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	tok := token.Token{Key: token.MustParseKey("Q7RZK-M4XPA-2B9CD-7FGHJ-3KLMN"), Product: "O365-E3", Seats: 5}
	done, cancel := context.WithCancel(context.Background())
	cancel()
	ctx := context.Background()
	b := &Book{Policy: PartnerCenter(), Journal: NewMemoryJournal()}
	errs := map[string]error{}
	_, errs["redeem, done context"] = b.Redeem(done, "t", "O365-E3", tok, Activate, at)
	_, errs["history, done context"] = b.History(done, "t", "O365-E3")
	_, errs["due, done context"] = b.Due(done, time.Time{}, time.Time{})
	bad := &Book{Policy: Policy{Name: "x"}, Journal: NewMemoryJournal()}
	_, errs["redeem, invalid policy"] = bad.Redeem(ctx, "t", "O365-E3", tok, Activate, at)
	broken := &Book{Policy: PartnerCenter(), Journal: brokenJournal{NewMemoryJournal()}}
	_, errs["redeem, broken store"] = broken.Redeem(ctx, "t", "O365-E3", tok, Activate, at)
	_, _, errs["lookup, broken store"] = broken.Lookup(ctx, tok.Key)
	r := &Redeemer{Policy: PartnerCenter(), Ledger: brokenJournal{NewMemoryJournal()}}
	_, errs["redeemer, refused, broken store"] = r.Redeem(ctx, Subscription{Tenant: "t", Product: "O365-E3"}, tok, AddSeats, at)
	r = &Redeemer{Policy: PartnerCenter(), Ledger: NewMemoryLedger()}
	_, errs["redeemer, done context"] = r.Redeem(done, Subscription{Tenant: "t", Product: "O365-E3"}, tok, AddSeats, at)
	var nilLedger *MemoryLedger
	r = &Redeemer{Policy: PartnerCenter(), Ledger: nilLedger}
	_, errs["redeemer, nil ledger"] = r.Redeem(ctx, Subscription{Tenant: "t", Product: "O365-E3"}, tok, Activate, at)
	capSub := Subscription{Tenant: "t", Product: "O365-E3", Seats: 5, End: time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)}
	capTok := tok
	capTok.Seats = 300
	_, errs["apply, extension cap"] = PartnerCenter().Apply(capSub, capTok, ExtendEnd, at)
	require.ErrorIs(t, errs["apply, extension cap"], ErrExtensionCap)
	assert.Equal(t, 1, strings.Count(errs["apply, extension cap"].Error(), "proration:"))
	for name, err := range errs {
		require.Error(t, err, name)
		msg := err.Error()
		assert.True(t, strings.HasPrefix(msg, "activation: "), "%s: %s", name, msg)
		assert.Equal(t, 1, strings.Count(msg, "activation:"), "%s: %s", name, msg)
	}
	for _, name := range []string{"redeem, broken store", "lookup, broken store", "redeemer, refused, broken store"} {
		assert.ErrorIs(t, errs[name], ErrBrokenStore, name)
	}
}
