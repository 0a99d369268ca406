package pgledger_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
)

// The test binary re-executes itself as a worker that appends changes when
// changeWorkerEnv holds "mode/process/goroutines/requests"; workerURL holds
// the database. Mode "race": every process makes the same requests
// (race-g-k) on one chain, and prints a line per request when all are
// done. Mode "run": each goroutine g makes requests run-p-g-0, 1, … on the
// chain site-(g%2), through Append, AppendInTurn or AppendBatch by turns,
// and prints a line as soon as each one is stored, until it is killed (or
// its two minutes are up).
const changeWorkerEnv = "PGLEDGER_TEST_CHANGES"

// changeLine is one line a change worker prints: one request and what
// became of it.
type changeLine struct {
	ID    string
	Seq   int64
	Taken bool // found stored (KeyTaken), not stored by this call
	Err   string
}

// changeWorkerMain runs one change worker; its exit code says whether it
// could run.
func changeWorkerMain() int {
	var mode string
	var proc, routines, requests int
	env := strings.ReplaceAll(os.Getenv(changeWorkerEnv), "/", " ")
	if _, err := fmt.Sscanf(env, "%s %d %d %d", &mode, &proc, &routines, &requests); err != nil {
		return 2
	}
	ctx, store, done := workerStore(2*time.Minute, "change worker")
	if store == nil {
		return 2
	}
	defer done()
	var mu sync.Mutex
	var lines []changeLine
	enc := json.NewEncoder(os.Stdout) // one Write per line: a line is printed whole or not at all
	var wg sync.WaitGroup
	for g := range routines {
		wg.Go(func() {
			for k := 0; mode == "run" || k < requests; k++ {
				if ctx.Err() != nil {
					return
				}
				line := changeLine{ID: fmt.Sprintf("race-%d-%d", g, k)}
				var rec activation.Record
				var taken activation.Taken
				var err error
				if mode == "race" {
					rec, taken, err = keepChange(ctx, store, "contoso", "Munich", line.ID)
				} else {
					line.ID = fmt.Sprintf("run-%d-%d-%d", proc, g, k)
					rec, err = changeAppends[g%len(changeAppends)].do(ctx, store, "contoso", fmt.Sprint("site-", g%2), line.ID)
				}
				line.Seq, line.Taken = rec.Seq, taken == activation.KeyTaken
				if err != nil {
					line.Err = err.Error()
				}
				mu.Lock()
				if mode == "race" {
					lines = append(lines, line)
				} else if enc.Encode(line) != nil {
					os.Exit(2)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	for _, l := range lines {
		if err := enc.Encode(l); err != nil {
			return 2
		}
	}
	return 0
}

// changeWorker returns the command of a change worker on url.
func changeWorker(url, mode string, proc, routines, requests int) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s/%d/%d/%d", changeWorkerEnv, mode, proc, routines, requests), workerURL+"="+url)
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // it dies with the test
	return cmd
}

// TestChangesManyProcesses runs 4 processes that make the same 32 change
// requests on one chain at once, 4 goroutines each: every request is
// recorded exactly once on a chain without gap, stored by one process and
// found stored, at the same Seq, by the others.
func TestChangesManyProcesses(t *testing.T) {
	needDB(t)
	schema := freshSchema(t)
	u := schemaURL(adminURL, schema, map[string]string{"pool_max_conns": "8"})
	store := openStore(t, schema, nil)
	const procs, routines, requests = 4, 4, 8
	outs := make([][]byte, procs)
	errs := make([]error, procs)
	var wg sync.WaitGroup
	for p := range procs {
		wg.Go(func() { outs[p], errs[p] = changeWorker(u, "race", p, routines, requests).Output() })
	}
	wg.Wait()
	type answer struct{ stored, found int }
	answers := map[string]*answer{}
	seqs := map[string]int64{}
	for p := range procs {
		require.NoError(t, errs[p], "worker %d", p)
		dec := json.NewDecoder(bytes.NewReader(outs[p]))
		n := 0
		for dec.More() {
			var l changeLine
			require.NoError(t, dec.Decode(&l))
			require.Empty(t, l.Err, "worker %d, request %s", p, l.ID)
			if answers[l.ID] == nil {
				answers[l.ID] = &answer{}
				seqs[l.ID] = l.Seq
			}
			require.Equal(t, seqs[l.ID], l.Seq, "request %s answered at two Seqs", l.ID)
			if l.Taken {
				answers[l.ID].found++
			} else {
				answers[l.ID].stored++
			}
			n++
		}
		require.Equal(t, routines*requests, n, "worker %d answered every request", p)
	}
	require.Len(t, answers, routines*requests)
	for id, a := range answers {
		require.Equal(t, answer{1, procs - 1}, *a, "request %s: stored once, found by the others", id)
	}
	chain := requireChangeChain(t, store, "contoso", "Munich")
	require.Len(t, chain, routines*requests)
	for id, rec := range chain {
		require.Equal(t, seqs[id], rec.Seq, "request %s", id)
	}
}

// startChangeWorker starts a change worker in mode "run" with routines
// goroutines on schema, killed when t ends if it still runs, and returns
// it with the lines it prints (closed when its output ends).
func startChangeWorker(t *testing.T, schema string, routines int) (*exec.Cmd, <-chan changeLine) {
	t.Helper()
	cmd := changeWorker(schemaURL(adminURL, schema, map[string]string{"pool_max_conns": "8"}), "run", 0, routines, 0)
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	lines := make(chan changeLine)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			var l changeLine
			if json.Unmarshal(sc.Bytes(), &l) == nil {
				lines <- l
			}
		}
	}()
	return cmd, lines
}

// TestChangeClientKilled kills a process (SIGKILL) while its 8 goroutines
// append changes to two chains through Append, AppendInTurn and
// AppendBatch, some of them in the middle of an append (or of a turn's
// transaction): every change it was told about is recorded once, at the
// Seq it was told; each goroutine's requests are recorded from its first
// on, without a hole, up to the last it was told about or the one it was
// making; the retry of that one records it once; the chains have no gap
// and a turn the process held is released.
func TestChangeClientKilled(t *testing.T) {
	needDB(t)
	ctx := within(t, 3*time.Minute)
	schema := freshSchema(t)
	const routines = 8
	cmd, lines := startChangeWorker(t, schema, routines)
	var told []changeLine
	deadline := time.After(time.Minute)
	for len(told) < 40 {
		select {
		case l, ok := <-lines:
			require.True(t, ok, "the worker ended before it was killed")
			require.Empty(t, l.Err, "request %s", l.ID)
			told = append(told, l)
		case <-deadline:
			t.Fatalf("the worker stored %d changes in a minute", len(told))
		}
	}
	require.NoError(t, cmd.Process.Kill())
	for l := range lines { // what it printed before it died
		require.Empty(t, l.Err, "request %s", l.ID)
		told = append(told, l)
	}
	_ = cmd.Wait()

	store := openStore(t, schema, nil)
	last := make([]int, routines) // the last request each goroutine was told about, -1 if none
	for g := range last {
		last[g] = -1
	}
	for _, l := range told {
		var p, g, k int
		_, err := fmt.Sscanf(l.ID, "run-%d-%d-%d", &p, &g, &k)
		require.NoError(t, err)
		last[g] = max(last[g], k)
		rec, ok, err := store.Lookup(ctx, changeRec("contoso", "site-0", l.ID, 1).Fingerprint)
		require.NoError(t, err)
		require.True(t, ok, "a change the process was told about is lost: %+v", l)
		require.Equal(t, l.Seq, rec.Seq)
	}
	present := make([]map[int]bool, routines)
	for site := range 2 {
		for id := range requireChangeChain(t, store, "contoso", fmt.Sprint("site-", site)) {
			var p, g, k int
			_, err := fmt.Sscanf(id, "run-%d-%d-%d", &p, &g, &k)
			require.NoError(t, err, "a request the process never made")
			require.Equal(t, site, g%2, "request %s on the other chain", id)
			if present[g] == nil {
				present[g] = map[int]bool{}
			}
			present[g][k] = true
		}
	}
	inFlight := 0
	for g := range routines {
		n := len(present[g])
		for k := range n {
			require.True(t, present[g][k], "goroutine %d: request %d missing below its last", g, k)
		}
		require.Contains(t, []int{last[g] + 1, last[g] + 2}, n, "goroutine %d: told up to %d, %d recorded", g, last[g], n)
		if n == last[g]+2 {
			inFlight++
		}
		// The retry of the request it was making (or of the next) records
		// it once, through the way that goroutine used; a turn lock the
		// killed process held is gone.
		id := fmt.Sprintf("run-0-%d-%d", g, last[g]+1)
		rec, err := changeAppends[g%len(changeAppends)].do(ctx, store, "contoso", fmt.Sprint("site-", g%2), id)
		require.NoError(t, err, "the retry of %s", id)
		require.Equal(t, 1, rowsOf(t, store, rec.Fingerprint))
	}
	t.Logf("%d changes acknowledged before the kill; %d of the requests in flight had committed", len(told), inFlight)
	for site := range 2 {
		requireChangeChain(t, store, "contoso", fmt.Sprint("site-", site))
	}
}
