package pgledger

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// DefaultCommitTimeout bounds the wait of a write for its commit, unless
// [WithCommitTimeout] sets another bound.
const DefaultCommitTimeout = time.Minute

// Option sets up a Store made by [Open] or [New].
type Option func(*Store)

// WithCommitTimeout bounds how long a write (Append, AppendInTurn, Claim)
// waits for its statement and commit once it has sent them; d ≤ 0 means
// [DefaultCommitTimeout]. The caller's context does not cut that wait: with
// a synchronous standby, a commit whose wait for the standby is cancelled
// stays committed on the primary without being replicated (PostgreSQL's
// documented behaviour), and a retry would then replay a record that a
// failover can lose. Past d the wait is cancelled all the same, with that
// risk: keep d above the longest time a standby may be away.
func WithCommitTimeout(d time.Duration) Option {
	return func(s *Store) {
		if d > 0 {
			s.commitTimeout = d
		}
	}
}

// WithReadPool sends the reads that decide no write — History, Heads and
// HeadsAfter, and so a Book's History, Due and Subscriptions and the
// audit's walks — to pool, for example a pool on a standby. A standby's answer may be
// stale: it lacks the records committed on the primary that it has not
// replayed yet (with an asynchronous standby, even records the caller was
// told about). Head and Lookup, from which a Book decides what to write,
// and every write, stay on the Store's own pool. [Store.Close] leaves pool
// open.
func WithReadPool(pool *pgxpool.Pool) Option {
	return func(s *Store) {
		if pool != nil {
			s.readPool = pool
		}
	}
}

// commitContext returns the context of a write once sent: ctx's values,
// not its cancellation, and the commit timeout.
func (s *Store) commitContext(ctx context.Context) (context.Context, context.CancelFunc) {
	d := s.commitTimeout
	if d <= 0 {
		d = DefaultCommitTimeout
	}
	return context.WithTimeout(context.WithoutCancel(ctx), d)
}

// reads returns the pool of the reads that decide no write.
func (s *Store) reads() *pgxpool.Pool {
	if s.readPool != nil {
		return s.readPool
	}
	return s.pool
}
