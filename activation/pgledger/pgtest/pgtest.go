// Package pgtest gives the tests of programs that use pgledger a real
// PostgreSQL server: the one COTERM_TEST_DATABASE_URL names, or a throwaway
// cluster started with PostgreSQL's server programs (found with pg_config
// --bindir or under /usr/lib/postgresql), reachable only through a unix
// socket in a temporary directory, removed by [Server.Stop]. The
// postmaster is a child of the test process that the kernel kills when the
// test process dies. It is for tests only: the cluster runs with trust
// authentication.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// ErrNoServer: COTERM_TEST_DATABASE_URL is not set and PostgreSQL's server
// programs are not installed.
var ErrNoServer = errors.New("pgtest: no PostgreSQL server: set COTERM_TEST_DATABASE_URL or install PostgreSQL's server programs (Debian: apt-get install postgresql)")

// Server is a PostgreSQL server for tests.
type Server struct {
	// URL is a connection string to a database the tests may create schemas in.
	URL string

	dir    string
	proc   *os.Process
	exited chan struct{}
}

// Start returns the server of COTERM_TEST_DATABASE_URL, or starts a
// throwaway cluster; it fails with [ErrNoServer] when it can do neither.
func Start() (*Server, error) {
	if u := os.Getenv("COTERM_TEST_DATABASE_URL"); u != "" {
		return &Server{URL: u}, nil
	}
	bindir := binDir()
	if bindir == "" {
		return nil, ErrNoServer
	}
	dir, err := os.MkdirTemp("", "pgtest-")
	if err != nil {
		return nil, err
	}
	s := &Server{dir: dir, URL: fmt.Sprintf("host=%s port=5432 user=postgres dbname=postgres sslmode=disable", dir)}
	if err := s.start(bindir); err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

// binDir returns the directory of initdb and postgres, or "".
func binDir() string {
	var dirs []string
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		dirs = append(dirs, strings.TrimSpace(string(out)))
	}
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(found, func(i, j int) bool {
		a, _ := strconv.Atoi(filepath.Base(filepath.Dir(found[i])))
		b, _ := strconv.Atoi(filepath.Base(filepath.Dir(found[j])))
		return a > b
	})
	for _, d := range append(dirs, found...) {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d
		}
	}
	return ""
}

// attr runs a server program as postgres when the tests run as root (the
// server refuses root), killed when the thread that started it ends.
func (s *Server) attr() (*syscall.SysProcAttr, error) {
	attr := &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if os.Geteuid() != 0 {
		return attr, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("pgtest: running as root needs the postgres user: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if err := os.Chown(s.dir, uid, gid); err != nil {
		return nil, err
	}
	attr.Credential = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	return attr, nil
}

func (s *Server) start(bindir string) error {
	attr, err := s.attr()
	if err != nil {
		return err
	}
	data := filepath.Join(s.dir, "data")
	initdb := exec.Command(filepath.Join(bindir, "initdb"), "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync")
	initdb.Dir, initdb.SysProcAttr = s.dir, attr
	if out, err := initdb.CombinedOutput(); err != nil {
		return fmt.Errorf("pgtest: initdb: %w\n%s", err, out)
	}
	started := make(chan error, 1)
	s.exited = make(chan struct{})
	go func() {
		runtime.LockOSThread() // Pdeathsig follows this thread: keep it while the server runs
		cmd := exec.Command(filepath.Join(bindir, "postgres"), "-D", data, "-k", s.dir, "-c", "listen_addresses=", "-c", "max_connections=200")
		cmd.Dir, cmd.SysProcAttr = s.dir, attr
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		s.proc = cmd.Process
		started <- nil
		_ = cmd.Wait()
		close(s.exited)
	}()
	if err := <-started; err != nil {
		return fmt.Errorf("pgtest: start postgres: %w", err)
	}
	for deadline := time.Now().Add(time.Minute); ; {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		conn, err := pgx.Connect(ctx, s.URL)
		cancel()
		if err == nil {
			return conn.Close(context.Background())
		}
		select {
		case <-s.exited:
			return errors.New("pgtest: postgres exited before it accepted connections")
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("pgtest: postgres did not accept connections within a minute: %w", err)
		}
	}
}

// Stop stops a cluster Start started (fast shutdown) and removes its
// directory; for the server of COTERM_TEST_DATABASE_URL it does nothing.
func (s *Server) Stop() {
	if s.proc != nil {
		_ = s.proc.Signal(syscall.SIGINT)
		select {
		case <-s.exited:
		case <-time.After(time.Minute):
			_ = s.proc.Kill()
		}
	}
	if s.dir != "" {
		os.RemoveAll(s.dir)
	}
}

var schemas atomic.Int64

// Schema creates a schema that only tb uses, dropped when tb ends, and
// returns the server's URL with search_path set to it.
func (s *Server) Schema(tb testing.TB) string {
	tb.Helper()
	ctx := context.Background()
	name := fmt.Sprintf("pgtest_%d_%d", os.Getpid(), schemas.Add(1))
	conn, err := pgx.Connect(ctx, s.URL)
	if err != nil {
		tb.Fatalf("pgtest: connect: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+name); err != nil {
		tb.Fatalf("pgtest: create schema: %v", err)
	}
	tb.Cleanup(func() {
		conn, err := pgx.Connect(ctx, s.URL)
		if err == nil {
			_, err = conn.Exec(ctx, "DROP SCHEMA "+name+" CASCADE")
			conn.Close(ctx)
		}
		if err != nil {
			tb.Logf("pgtest: drop schema: %v", err)
		}
	})
	if strings.Contains(s.URL, "://") {
		sep := "?"
		if strings.Contains(s.URL, "?") {
			sep = "&"
		}
		return s.URL + sep + "search_path=" + name
	}
	return s.URL + " search_path=" + name
}

var (
	shared     *Server
	sharedErr  error
	sharedOnce sync.Once
)

// Shared returns the server of the test binary, started when the first
// test asks; without one it skips tb (fails it under CI=true). Run the
// tests through [Main] so that the cluster stops when they end.
func Shared(tb testing.TB) *Server {
	tb.Helper()
	sharedOnce.Do(func() { shared, sharedErr = Start() })
	switch {
	case errors.Is(sharedErr, ErrNoServer) && os.Getenv("CI") != "true":
		tb.Skip(sharedErr)
	case sharedErr != nil:
		tb.Fatal(sharedErr)
	}
	return shared
}

// Main runs the tests of m and stops the shared server, if one was
// started: call it from TestMain, os.Exit(pgtest.Main(m)).
func Main(m *testing.M) int {
	code := m.Run()
	if shared != nil {
		shared.Stop()
	}
	return code
}
