package pgledger_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/token"
)

// The failover tests run a primary and a standby, two clusters of their
// own, reachable only through unix sockets: the standby made with
// pg_basebackup, streaming from the primary.

// pair is a primary and its standby.
type pair struct{ primary, standby *cluster }

// startPair starts a primary and a standby streaming from it, synchronous
// (every commit waits until the standby has flushed it) or not, both
// stopped and removed when t ends. It skips t without the server programs.
func startPair(t *testing.T, synchronous bool) *pair {
	t.Helper()
	if testing.Short() {
		t.Skip("starts two clusters of its own")
	}
	bindir := serverBinDir()
	if bindir == "" {
		needDB(t) // skips, or fails under CI=true, with how to run the tests
	}
	p := &pair{}
	var err error
	p.primary, err = startCluster(bindir)
	require.NoError(t, err)
	t.Cleanup(func() { p.primary.discard() })
	p.standby, err = newCluster(bindir)
	require.NoError(t, err)
	t.Cleanup(func() { p.standby.discard() })
	out, err := p.standby.pg("pg_basebackup", "-D", p.standby.data, "-h", p.primary.dir, "-p", fmt.Sprint(clusterPort),
		"-U", "postgres", "-R", "-X", "stream", "-c", "fast", "--no-sync")
	require.NoError(t, err, "pg_basebackup: %s", out)
	require.NoError(t, p.standby.appendConf(p.standby.ownConf()+"hot_standby = on\n"))
	require.NoError(t, p.standby.start())
	want := "async"
	if synchronous {
		want = "sync"
		p.exec(t, p.primary, `ALTER SYSTEM SET synchronous_standby_names = '*'`, `SELECT pg_reload_conf()`)
	}
	require.Eventually(t, func() bool {
		var state string
		err := p.query(p.primary, `SELECT sync_state FROM pg_stat_replication WHERE state = 'streaming'`, &state)
		return err == nil && state == want
	}, 30*time.Second, 20*time.Millisecond, "the standby does not stream (%s)", want)
	return p
}

// discard stops the cluster at once, if it runs, and removes it.
func (c *cluster) discard() {
	if c.postmaster != nil {
		_ = c.stop("immediate")
	}
	os.RemoveAll(c.dir)
}

// query reads one row of sql on c into dest.
func (p *pair) query(c *cluster, sql string, dest ...any) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, c.url())
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	return conn.QueryRow(ctx, sql).Scan(dest...)
}

// exec runs each statement on c.
func (p *pair) exec(t *testing.T, c *cluster, sqls ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, c.url())
	require.NoError(t, err)
	defer conn.Close(ctx)
	for _, sql := range sqls {
		_, err := conn.Exec(ctx, sql)
		require.NoError(t, err, sql)
	}
}

// url is the multi-host URL of the pair: the server of the two that
// accepts writes.
func (p *pair) url() string {
	return fmt.Sprintf("host=%s,%s port=%d,%d user=postgres dbname=postgres sslmode=disable connect_timeout=5 target_session_attrs=read-write",
		p.primary.dir, p.standby.dir, clusterPort, clusterPort)
}

// failover stops the primary at once (a crash) and promotes the standby,
// started again first if it was stopped.
func (p *pair) failover(t *testing.T) {
	t.Helper()
	require.NoError(t, p.primary.stop("immediate"))
	if p.standby.postmaster == nil {
		require.NoError(t, p.standby.start())
	}
	p.exec(t, p.standby, `SELECT pg_promote(true, 60)`)
}

// The failover workers: failoverEnv holds "process/goroutines"; workerURL
// the pair's URL. A worker redeems until its standard input closes.
const (
	failoverEnv     = "PGLEDGER_TEST_FAILOVER"
	failoverTenants = 4 // the subscriptions the workers share
	failoverProcs   = 4
	failoverRoutine = 8
	failoverTries   = 3 // identical tries of a request before the next key
)

// failoverAttempt is one redemption of a worker: its request, whether the
// caller was told it is recorded, and then what.
type failoverAttempt struct {
	Tenant  string
	Group   string
	N       int
	Acked   bool
	Outcome json.RawMessage // when acknowledged
	Err     string
}

func failoverTenant(i int) string { return fmt.Sprintf("fo-%d", i%failoverTenants) }

func failoverToken(group string, n int) (token.Token, error) {
	k, err := keyOf(group, n)
	return token.Token{Key: k, Product: "M365-E3", Seats: 1}, err
}

// failoverMain redeems new keys on the shared subscriptions, each request
// tried up to failoverTries times while it fails, with a deadline of 1 to
// 40 ms on half the tries and 1 s on the others (callers that give up),
// until standard input closes; then
// it prints a failoverAttempt per try.
func failoverMain() int {
	var proc, routines int
	if _, err := fmt.Sscanf(os.Getenv(failoverEnv), "%d/%d", &proc, &routines); err != nil {
		return 2
	}
	ctx, store, done := workerStore(0, "failover worker")
	if store == nil {
		return 2
	}
	defer done()
	book := &activation.Book{Policy: activation.PartnerCenter(), Journal: store}
	stop := make(chan struct{})
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		close(stop)
	}()
	stopped := func() bool {
		select {
		case <-stop:
			return true
		default:
			return false
		}
	}
	var mu sync.Mutex
	var out []failoverAttempt
	var wg sync.WaitGroup
	for g := range routines {
		wg.Go(func() {
			rnd := rand.New(rand.NewPCG(uint64(proc), uint64(g)))
			group := fmt.Sprintf("F%d%02d", proc, g)
			for n := 0; !stopped(); n++ {
				tk, err := failoverToken(group, n)
				if err != nil {
					return
				}
				for try := 0; try < failoverTries && !stopped(); try++ {
					a := failoverAttempt{Tenant: failoverTenant(g + n), Group: group, N: n}
					deadline := time.Second
					if rnd.IntN(2) == 0 {
						deadline = time.Duration(1+rnd.IntN(40)) * time.Millisecond
					}
					cctx, cancel := context.WithTimeout(ctx, deadline)
					o, err := book.Redeem(cctx, a.Tenant, "M365-E3", tk, activation.AddSeats, testDay)
					cancel()
					if err == nil {
						a.Acked = true
						o.Token.Key, o.Replayed = token.Key{}, false
						a.Outcome, err = json.Marshal(o)
					}
					if err != nil {
						a.Err = err.Error()
					}
					mu.Lock()
					out = append(out, a)
					mu.Unlock()
					if a.Acked {
						break
					}
					time.Sleep(10 * time.Millisecond)
				}
			}
		})
	}
	wg.Wait()
	enc := json.NewEncoder(os.Stdout)
	for _, a := range out {
		if err := enc.Encode(a); err != nil {
			return 2
		}
	}
	return 0
}

// failoverWorkers are running worker processes.
type failoverWorkers struct {
	cmds  []*exec.Cmd
	stdin []io.WriteCloser
	outs  []*strings.Builder
}

func startFailoverWorkers(t *testing.T, url string) *failoverWorkers {
	t.Helper()
	w := &failoverWorkers{}
	for p := range failoverProcs {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%d/%d", failoverEnv, p, failoverRoutine), workerURL+"="+url)
		cmd.Stderr = os.Stderr
		in, err := cmd.StdinPipe()
		require.NoError(t, err)
		out := &strings.Builder{}
		cmd.Stdout = out
		require.NoError(t, cmd.Start())
		w.cmds, w.stdin, w.outs = append(w.cmds, cmd), append(w.stdin, in), append(w.outs, out)
	}
	t.Cleanup(func() {
		for _, c := range w.cmds {
			if c.ProcessState == nil {
				_ = c.Process.Kill()
				_ = c.Wait()
			}
		}
	})
	return w
}

// stop tells the workers to stop and returns every attempt they made.
func (w *failoverWorkers) stop(t *testing.T) []failoverAttempt {
	t.Helper()
	for _, in := range w.stdin {
		require.NoError(t, in.Close())
	}
	var all []failoverAttempt
	for p, c := range w.cmds {
		require.NoError(t, c.Wait(), "failover worker %d", p)
		sc := bufio.NewScanner(strings.NewReader(w.outs[p].String()))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var a failoverAttempt
			require.NoError(t, json.Unmarshal(sc.Bytes(), &a))
			all = append(all, a)
		}
	}
	return all
}

// countRecords counts the records on c, or -1 if it cannot.
func (p *pair) countRecords(c *cluster) int {
	var n int
	if err := p.query(c, `SELECT count(*) FROM coterm_records`, &n); err != nil {
		return -1
	}
	return n
}
