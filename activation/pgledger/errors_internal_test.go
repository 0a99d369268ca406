package pgledger

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRetryable: serialization failures and deadlocks are retried, by
// SQLSTATE only, also when wrapped; a message that merely reads like one is
// not.
func TestRetryable(t *testing.T) {
	for _, c := range []struct {
		err  error
		want bool
	}{
		{&pgconn.PgError{Code: "40001"}, true},
		{&pgconn.PgError{Code: "40P01"}, true},
		{fmt.Errorf("wrapped: %w", &pgconn.PgError{Code: "40001"}), true},
		{&pgconn.PgError{Code: "23505", Message: "could not serialize access due to concurrent update"}, false},
		{errors.New("ERROR: could not serialize access due to concurrent update (SQLSTATE 40001)"), false},
		{context.DeadlineExceeded, false},
	} {
		assert.Equal(t, c.want, retryable(c.err), "%v", c.err)
	}
}

// TestRetry: retry runs again after a retryable error, stops at any other
// error, at maxAttempts, and when the context is done.
func TestRetry(t *testing.T) {
	ctx := context.Background()
	calls := 0
	err := retry(ctx, func() error {
		calls++
		if calls < 3 {
			return &pgconn.PgError{Code: "40P01"}
		}
		return nil
	})
	require.NoError(t, err)
	require.Equal(t, 3, calls)

	calls = 0
	other := &pgconn.PgError{Code: "23514"}
	require.ErrorIs(t, retry(ctx, func() error { calls++; return other }), other)
	require.Equal(t, 1, calls)

	calls = 0
	err = retry(ctx, func() error { calls++; return &pgconn.PgError{Code: "40001"} })
	var pgErr *pgconn.PgError
	require.ErrorAs(t, err, &pgErr)
	require.Equal(t, maxAttempts, calls)

	done, cancel := context.WithCancel(ctx)
	cancel()
	calls = 0
	require.ErrorIs(t, retry(done, func() error { calls++; return nil }), context.Canceled)
	require.Zero(t, calls, "ran with a done context")
}

// TestRedact: every occurrence of the password leaves the message; the
// error still unwraps to the original.
func TestRedact(t *testing.T) {
	inner := errors.New("failed for user=coterm password=hunter22 at host (hunter22)")
	err := redact(inner, "", "hunter22")
	assert.NotContains(t, err.Error(), "hunter22")
	assert.ErrorIs(t, err, inner)
	assert.Equal(t, inner, redact(inner, "", ""))
	assert.Nil(t, redact(nil, "", "hunter22"))
}

// TestRedactShortPasswords: a short password leaves the message where it
// stands apart from the words around it, and nowhere else (a message is not
// garbled by removing every "e"); a long one leaves it everywhere; the
// password as a URL spells it (percent encoded) leaves it too.
func TestRedactShortPasswords(t *testing.T) {
	const msg = "pgledger: open: cannot connect to the database: failed to connect to `user=coterm database=coterm`: context canceled"
	for _, pw := range []string{"e", "a", "co", "te", "nn", "_", "xxxxx"} {
		t.Run(pw, func(t *testing.T) {
			inner := errors.New(msg)
			assert.Equal(t, msg, redact(inner, "postgres://coterm:"+pw+"@db/coterm", pw).Error(), "garbled by %q", pw)

			echoed := errors.New("password=" + pw + " at :" + pw + "@db '" + pw + "' (" + pw + ")")
			got := redact(echoed, "host=db password="+pw, pw).Error()
			assert.Equal(t, "password=xxxxx at :xxxxx@db 'xxxxx' (xxxxx)", got)
			assert.ErrorIs(t, redact(echoed, "", pw), echoed)
		})
	}
	for _, pw := range []string{"p", "ab", "é", "1"} {
		got := redact(errors.New("x "+pw+"\n"+pw), "", pw).Error()
		assert.Equal(t, "x xxxxx\nxxxxx", got, "password %q", pw)
	}

	long := errors.New("wordhunter22word and hunter22")
	assert.Equal(t, "wordxxxxxword and xxxxx", redact(long, "", "hunter22").Error())

	// The URL spells "p@ss w" as p%40ss%20w: both forms leave the message.
	enc := errors.New("saw p%40ss%20w and p@ss w; query q%3Dx and q=x")
	got := redact(enc, "postgres://coterm:p%40ss%20w@db/coterm?sslpassword=q%3Dx", "p@ss w").Error()
	assert.Equal(t, "saw xxxxx and xxxxx; query xxxxx and q=x", got)
}
