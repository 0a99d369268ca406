package pgledger

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// The SQLSTATEs a Store retries: the transaction lost a race and did
// nothing, so running it again is safe.
const (
	sqlstateSerializationFailure = "40001" // under SERIALIZABLE or REPEATABLE READ
	sqlstateDeadlockDetected     = "40P01"
	sqlstateUniqueViolation      = "23505" // a batch whose key, claim or place is taken
)

// maxAttempts bounds the retries of one call after a serialization failure
// or a deadlock; the context bounds them too.
const maxAttempts = 30

// maxUnsentRetries bounds the retries of a call that failed before sending
// anything (a pooled connection the server closed, a refused connection).
const maxUnsentRetries = 2

// retryable reports whether err is a serialization failure or a deadlock,
// by its SQLSTATE (never by its message).
func retryable(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == sqlstateSerializationFailure || pgErr.Code == sqlstateDeadlockDetected
	}
	return false
}

// retry runs fn until it returns nil or an error that is not worth
// retrying, or the context is done.
func retry(ctx context.Context, fn func() error) error {
	unsent := 0
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			// Every attempt before this one did nothing or sent nothing.
			return unsentError{err}
		}
		err := fn()
		switch {
		case err == nil:
			return nil
		case ctx.Err() != nil:
			return err
		case retryable(err) && attempt < maxAttempts:
		case pgconn.SafeToRetry(err) && unsent < maxUnsentRetries:
			unsent++
		default:
			return err
		}
		if err := sleep(ctx, backoff(attempt)); err != nil {
			return unsentError{err}
		}
	}
}

// unsentError is the error of a call whose context was done before it
// sent a statement that could have done something: every attempt it made,
// if any, did nothing.
type unsentError struct{ err error }

func (e unsentError) Error() string { return e.err.Error() }
func (e unsentError) Unwrap() error { return e.err }

// backoff returns a random pause, growing with the attempt, up to 50 ms.
func backoff(attempt int) time.Duration {
	ceiling := time.Millisecond << min(attempt, 6)
	ceiling = min(ceiling, 50*time.Millisecond)
	return ceiling/2 + rand.N(ceiling/2+1)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// wrap prefixes err with the operation, and says when the database could
// not be reached.
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	var connErr *pgconn.ConnectError
	if errors.As(err, &connErr) {
		return fmt.Errorf("pgledger: %s: cannot connect to the database: %w", op, err)
	}
	return fmt.Errorf("pgledger: %s: %w", op, err)
}

// wrapWrite is wrap for a call that writes: it says whether the write
// cannot have reached the server (nothing recorded) or may have committed.
func wrapWrite(op string, err error) error {
	if err == nil {
		return nil
	}
	var pgErr *pgconn.PgError
	var connErr *pgconn.ConnectError
	var unsent unsentError
	switch {
	case errors.As(err, &unsent):
		return fmt.Errorf("pgledger: %s: stopped before sending anything, nothing was recorded: %w", op, err)
	case errors.As(err, &connErr):
		return fmt.Errorf("pgledger: %s: cannot connect to the database, nothing was recorded: %w", op, err)
	case errors.As(err, &pgErr):
		// The server answered with an error: the statement did nothing.
		return fmt.Errorf("pgledger: %s: nothing was recorded: %w", op, err)
	case pgconn.SafeToRetry(err):
		return fmt.Errorf("pgledger: %s: the database was not reached, nothing was recorded: %w", op, err)
	}
	return fmt.Errorf("pgledger: %s: interrupted before the server answered, the record may or may not have been made (retry the identical request to find out): %w", op, err)
}

// redactedError replaces every occurrence of a password in the message of
// the error it wraps.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// alwaysRedacted is the length from which a password is removed wherever
// it occurs in a message. A shorter one is removed only where it stands
// apart from the words around it ("password=abc", ":abc@", "'abc'"): inside
// a word it is a coincidence ("e" in "open"), and removing it there would
// garble the message without hiding anything.
const alwaysRedacted = 8

// redact returns err with password removed from its message: the password
// as pgx read it from connString, and as connString spells it (percent
// encoded in a URL's user information or query). The error still unwraps
// to err. Nothing here reports connString itself.
func redact(err error, connString, password string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	for _, form := range passwordForms(connString, password) {
		msg = redactForm(msg, form)
	}
	if msg == err.Error() {
		return err
	}
	return &redactedError{msg: msg, err: err}
}

// passwordForms returns password and the raw text of every password in
// connString, if it is a URL.
func passwordForms(connString, password string) []string {
	forms := []string{password}
	rest, ok := strings.CutPrefix(connString, "postgres://")
	if !ok {
		rest, ok = strings.CutPrefix(connString, "postgresql://")
	}
	if !ok {
		return forms
	}
	// The user information ends at the first '@' before any '/', as pgx
	// reads it; its password follows the first ':'.
	if i := strings.IndexAny(rest, "@/"); i >= 0 && rest[i] == '@' {
		if _, pw, ok := strings.Cut(rest[:i], ":"); ok {
			forms = append(forms, pw)
		}
	}
	if _, query, ok := strings.Cut(rest, "?"); ok {
		for _, kv := range strings.Split(query, "&") {
			if k, v, ok := strings.Cut(kv, "="); ok && strings.Contains(strings.ToLower(k), "password") {
				forms = append(forms, v)
			}
		}
	}
	return forms
}

// redactForm replaces each occurrence of form in msg that could be the
// password rather than a part of a word (see alwaysRedacted).
func redactForm(msg, form string) string {
	if form == "" {
		return msg
	}
	var b strings.Builder
	for {
		i := strings.Index(msg, form)
		if i < 0 {
			b.WriteString(msg)
			return b.String()
		}
		end := i + len(form)
		if len(form) >= alwaysRedacted || apart(msg, i, end) {
			b.WriteString(msg[:i])
			b.WriteString("xxxxx")
		} else {
			b.WriteString(msg[:i+1]) // not this one: look again from the next byte
			end = i + 1
		}
		msg = msg[end:]
	}
}

// apart reports whether msg[i:end] does not continue a word on either
// side: the bytes around it are not both word bytes where it meets them.
func apart(msg string, i, end int) bool {
	if i > 0 && wordByte(msg[i-1]) && wordByte(msg[i]) {
		return false
	}
	if end < len(msg) && wordByte(msg[end]) && wordByte(msg[end-1]) {
		return false
	}
	return true
}

// wordByte reports whether c can be part of a word: a letter, a digit,
// '_', or a byte of a multi-byte UTF-8 character.
func wordByte(c byte) bool {
	return c == '_' || c >= 0x80 || ('0' <= c && c <= '9') || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}
