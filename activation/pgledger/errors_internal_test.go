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
	err := redact(inner, "hunter22")
	assert.NotContains(t, err.Error(), "hunter22")
	assert.ErrorIs(t, err, inner)
	assert.Equal(t, inner, redact(inner, ""))
	assert.Nil(t, redact(nil, "hunter22"))
}
