package pgledger_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation/pgledger"
)

// The server the tests use: COTERM_TEST_DATABASE_URL if set, else a
// throwaway cluster started when the first test needs one (so that listing
// the tests and fuzzing start none) if PostgreSQL's server programs are
// installed, stopped and removed when the tests end.
var (
	serverOnce sync.Once
	adminURL   string   // where the tests create a schema per case
	owned      *cluster // the throwaway cluster, nil if the URL was given
	noServer   string   // why there is no server: the tests skip, or fail under CI=true
	serverErr  error    // the cluster would not start
	schemaSeq  atomic.Int64
)

const howToRun = "no PostgreSQL server for the pgledger tests: set COTERM_TEST_DATABASE_URL to a database the tests may create schemas in, " +
	"or install PostgreSQL's server programs (Debian: apt-get install postgresql; they need not be on PATH) so that the tests start a throwaway cluster"

func TestMain(m *testing.M) {
	if os.Getenv(workerEnv) != "" {
		os.Exit(workerMain())
	}
	if os.Getenv(orphanEnv) != "" {
		os.Exit(orphanMain())
	}
	if os.Getenv(loaderEnv) != "" {
		os.Exit(loaderMain())
	}
	if os.Getenv(failoverEnv) != "" {
		os.Exit(failoverMain())
	}
	if os.Getenv(changeWorkerEnv) != "" {
		os.Exit(changeWorkerMain())
	}
	code := m.Run()
	if owned != nil {
		owned.remove()
	}
	os.Exit(code)
}

// startServer finds or starts the server, once.
func startServer() {
	if u := os.Getenv("COTERM_TEST_DATABASE_URL"); u != "" {
		adminURL = u
		return
	}
	bindir := serverBinDir()
	if bindir == "" {
		noServer = howToRun
		return
	}
	c, err := startCluster(bindir)
	if err != nil {
		serverErr = fmt.Errorf("start a throwaway PostgreSQL cluster: %w", err)
		return
	}
	owned, adminURL = c, c.url()
}

// serverBinDir returns the directory of initdb and postgres, or "".
func serverBinDir() string {
	var dirs []string
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		dirs = append(dirs, strings.TrimSpace(string(out)))
	}
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(found, func(i, j int) bool { return pgVersion(found[i]) > pgVersion(found[j]) })
	dirs = append(dirs, found...)
	for _, d := range dirs {
		if isFile(filepath.Join(d, "initdb")) && isFile(filepath.Join(d, "postgres")) {
			return d
		}
	}
	return ""
}

func pgVersion(bindir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(bindir)))
	return n
}

func isFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir()
}

// needDB starts the server if need be; it skips t when there is none
// (fails it under CI=true).
func needDB(t testing.TB) {
	t.Helper()
	serverOnce.Do(startServer)
	switch {
	case serverErr != nil:
		t.Fatal(serverErr)
	case noServer != "" && os.Getenv("CI") == "true":
		t.Fatal(noServer)
	case noServer != "":
		t.Skip(noServer)
	}
}

// needCluster skips t unless the tests own the server (faults need one).
func needCluster(t testing.TB) {
	t.Helper()
	needDB(t)
	if owned == nil {
		t.Skip("this test breaks connections and stops the server: it needs the throwaway cluster, so unset COTERM_TEST_DATABASE_URL")
	}
}

// withParams returns base (a URL or a key=value string) with the given
// connection parameters added.
func withParams(base string, params map[string]string) string {
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if strings.HasPrefix(base, "postgres://") || strings.HasPrefix(base, "postgresql://") {
		u, err := url.Parse(base)
		if err != nil {
			panic("COTERM_TEST_DATABASE_URL is not a valid URL")
		}
		q := u.Query()
		for _, k := range keys {
			q.Set(k, params[k])
		}
		u.RawQuery = strings.ReplaceAll(q.Encode(), "+", "%20") // pgx reads + as itself
		return u.String()
	}
	for _, k := range keys {
		base += fmt.Sprintf(" %s='%s'", k, strings.ReplaceAll(params[k], "'", `\'`))
	}
	return base
}

// adminPool connects to the test server for setting up cases.
func adminPool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), withParams(adminURL, map[string]string{"pool_max_conns": "2"}))
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	return pool
}

// freshSchema creates an empty schema that only t uses, dropped when t
// ends, and returns its name.
func freshSchema(t testing.TB) string {
	t.Helper()
	needDB(t)
	name := fmt.Sprintf("pgledger_test_%d_%d", os.Getpid(), schemaSeq.Add(1))
	admin := adminPool(t)
	_, err := admin.Exec(context.Background(), "CREATE SCHEMA "+name)
	require.NoError(t, err)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		pool, err := pgxpool.New(ctx, withParams(adminURL, map[string]string{"pool_max_conns": "1"}))
		if err == nil {
			_, err = pool.Exec(ctx, "DROP SCHEMA "+name+" CASCADE")
			pool.Close()
		}
		if err != nil {
			t.Logf("drop schema %s: %v", name, err)
		}
	})
	return name
}

// schemaURL returns the URL of schema on base, with extra parameters.
func schemaURL(base, schema string, extra map[string]string) string {
	p := map[string]string{"search_path": schema}
	for k, v := range extra {
		p[k] = v
	}
	return withParams(base, p)
}

// openStore opens a Store on schema, closed when t ends.
func openStore(t testing.TB, schema string, extra map[string]string) *pgledger.Store {
	t.Helper()
	s, err := pgledger.Open(context.Background(), schemaURL(adminURL, schema, extra))
	require.NoError(t, err)
	t.Cleanup(s.Close)
	return s
}

// newStore returns a Store on a fresh schema, closed when t ends.
func newStore(t testing.TB) *pgledger.Store {
	t.Helper()
	return openStore(t, freshSchema(t), map[string]string{"pool_max_conns": "16"})
}
