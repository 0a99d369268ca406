package pgledger

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/coterm/coterm/activation"
)

// DefaultMaxConns is the size of the pool [Open] makes when the URL does
// not set pool_max_conns. (pgxpool's own default, the larger of 4 and the
// number of CPUs, would quietly make 64 concurrent callers wait for 4
// connections.) Keep it below the server's max_connections divided by the
// number of instances.
const DefaultMaxConns = 32

// Store is a [activation.Journal] and an [activation.Ledger] in one
// PostgreSQL table: one set of records, one set of spent keys. A key spent
// through a [activation.Redeemer] on a Store is spent for every
// [activation.Book] on it, and the other way round. A Store is safe for
// concurrent use; any number of Stores, in any number of processes, may
// share one database.
type Store struct {
	pool          *pgxpool.Pool
	ownsPool      bool
	readPool      *pgxpool.Pool // History and Heads; nil: pool
	commitTimeout time.Duration // 0: DefaultCommitTimeout
}

var (
	_ activation.Journal     = (*Store)(nil)
	_ activation.TurnJournal = (*Store)(nil)
	_ activation.Ledger      = (*Store)(nil)
)

// Open connects to the database at url (a PostgreSQL URL or key=value
// connection string, as pgx reads it), creates or upgrades its tables with
// [Migrate], and returns a Store that owns its pool: [Store.Close] closes
// it. The pool has [DefaultMaxConns] connections unless url sets
// pool_max_conns. The tables live in the first schema of the search path
// (set search_path in url to choose another).
//
// Errors never repeat the url's password. A server that cannot be reached
// is an error here, not at the first call. opts set up the Store.
func Open(ctx context.Context, url string, opts ...Option) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// A parse error quotes what it could not parse, which may be a
		// password: say only what was expected.
		return nil, errors.New("pgledger: open: the database URL is not a valid PostgreSQL URL or connection string")
	}
	if !setsMaxConns(url) {
		cfg.MaxConns = DefaultMaxConns
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, redact(wrap("open", err), url, cfg.ConnConfig.Password)
	}
	if err := runMigrations(ctx, pool); err != nil {
		pool.Close()
		return nil, redact(wrap("open", err), url, cfg.ConnConfig.Password)
	}
	return newStore(pool, true, opts), nil
}

// setsMaxConns reports whether url sets pool_max_conns: whether pgx, which
// keeps the settings it does not know for pgxpool, finds it among them (not
// merely in the text, where a password or an application_name may hold it).
func setsMaxConns(url string) bool {
	cc, err := pgx.ParseConfig(url)
	if err != nil {
		return false
	}
	_, ok := cc.RuntimeParams["pool_max_conns"]
	return ok
}

// New returns a Store over the caller's pool, for a program that configures
// its own pool (its size, its TLS, its hooks) and runs [Migrate] as a step
// of its own. New does not migrate: it checks that the schema is the one
// this package needs, and fails with [ErrSchemaTooOld] or [ErrSchemaTooNew]
// otherwise. [Store.Close] leaves the pool open. opts set up the Store.
func New(ctx context.Context, pool *pgxpool.Pool, opts ...Option) (*Store, error) {
	if pool == nil {
		return nil, errors.New("pgledger: new: nil pool")
	}
	if err := checkSchema(ctx, pool); err != nil {
		return nil, redact(err, pool.Config().ConnString(), pool.Config().ConnConfig.Password)
	}
	return newStore(pool, false, opts), nil
}

func newStore(pool *pgxpool.Pool, owns bool, opts []Option) *Store {
	s := &Store{pool: pool, ownsPool: owns}
	for _, o := range opts {
		if o != nil {
			o(s)
		}
	}
	return s
}

// Close closes the pool if [Open] made it; a Store made by [New] leaves the
// caller's pool open. Close waits for calls in progress to return their
// connections.
func (s *Store) Close() {
	if s.ownsPool {
		s.pool.Close()
	}
}

// Pool returns the Store's pool, for reading the tables with SQL of one's
// own (they are append-only: a trigger refuses UPDATE, DELETE and TRUNCATE).
func (s *Store) Pool() *pgxpool.Pool { return s.pool }
