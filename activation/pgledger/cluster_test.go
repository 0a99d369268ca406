package pgledger_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

// cluster is a PostgreSQL cluster the tests own, in a temporary directory,
// reachable only through the unix socket in that directory.
//
// Its postmaster is a child of the test process (no pg_ctl, which detaches
// it) that the kernel kills when the test process dies, however it dies: a
// -timeout, a panic, Ctrl-C, SIGKILL. What a dead run leaves on disk, the
// next run removes (see removeStale).
type cluster struct {
	bindir, dir, data string
	uid, gid          int // the postgres user when the tests run as root, else -1
	postmaster        *os.Process
	exited            chan struct{} // closed when the postmaster has exited
}

const clusterPort = 5432 // only names the socket file: the cluster listens on no TCP port

// clusterPrefix names the temporary directories of the clusters; ownerFile,
// in each, holds the process id of the test process that owns it.
const (
	clusterPrefix = "pgledger-test-"
	ownerFile     = "owner.pid"
)

func startCluster(bindir string) (*cluster, error) {
	c, err := newCluster(bindir)
	if err != nil {
		return nil, err
	}
	dir := c.dir
	if out, err := c.pg("initdb", "-D", c.data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %w\n%s", err, out)
	}
	if err := c.appendConf(c.ownConf()); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := c.start(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return c, nil
}

// ownConf is the configuration that makes a cluster the tests': its
// socket in its directory, no TCP port, durable commits.
func (c *cluster) ownConf() string {
	return fmt.Sprintf("\nlisten_addresses = ''\nunix_socket_directories = '%s'\nport = %d\nmax_connections = 300\nfsync = on\n", c.dir, clusterPort)
}

// appendConf appends conf to the cluster's postgresql.conf (a later line
// overrides an earlier one).
func (c *cluster) appendConf(conf string) error {
	f, err := os.OpenFile(filepath.Join(c.data, "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	_, err = f.WriteString(conf)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// newCluster makes the temporary directory of a cluster, owned by the
// postgres user when the tests run as root; its data directory is made by
// initdb or pg_basebackup.
func newCluster(bindir string) (*cluster, error) {
	removeStale(os.TempDir())
	dir, err := os.MkdirTemp("", clusterPrefix)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	c := &cluster{bindir: bindir, dir: dir, data: filepath.Join(dir, "data"), uid: -1, gid: -1}
	if os.Geteuid() == 0 {
		// initdb and postgres refuse to run as root: the cluster belongs to postgres.
		u, err := user.Lookup("postgres")
		if err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("running as root needs the postgres user: %w", err)
		}
		c.uid, _ = strconv.Atoi(u.Uid)
		c.gid, _ = strconv.Atoi(u.Gid)
		if err := os.Chown(dir, c.uid, c.gid); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	return c, nil
}

// pg runs one of the server programs to completion, as postgres when the
// tests run as root.
func (c *cluster) pg(prog string, args ...string) ([]byte, error) {
	cmd := exec.Command(filepath.Join(c.bindir, prog), args...)
	cmd.Dir = c.dir
	cmd.SysProcAttr = c.procAttr()
	return cmd.CombinedOutput()
}

// procAttr runs a server program as postgres when the tests run as root,
// and has the kernel kill it when the thread that started it ends (see
// start).
func (c *cluster) procAttr() *syscall.SysProcAttr {
	attr := &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if c.uid >= 0 {
		// Set here, not by runuser, which would stand between the test
		// and the server and die alone.
		attr.Credential = &syscall.Credential{Uid: uint32(c.uid), Gid: uint32(c.gid)}
	}
	return attr
}

// start starts the postmaster and waits until it accepts connections. It
// writes to a log file, never to the test's output (which would keep go
// test waiting for it).
func (c *cluster) start() error {
	logf, err := os.OpenFile(filepath.Join(c.dir, "logfile"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	defer logf.Close() // the postmaster has its own descriptor
	cmd := exec.Command(filepath.Join(c.bindir, "postgres"), "-D", c.data)
	cmd.Dir = c.dir
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = c.procAttr()
	started := make(chan error, 1)
	exited := make(chan struct{})
	go func() {
		// The kernel sends Pdeathsig when the thread that started the
		// process ends, not only the process: keep this one until the
		// postmaster has exited.
		runtime.LockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		_ = cmd.Wait()
		close(exited)
	}()
	if err := <-started; err != nil {
		return fmt.Errorf("start postgres: %w", err)
	}
	c.postmaster, c.exited = cmd.Process, exited
	deadline := time.Now().Add(2 * time.Minute)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		conn, err := pgx.Connect(ctx, c.url())
		cancel()
		if err == nil {
			conn.Close(context.Background())
			return nil
		}
		select {
		case <-exited:
			log, _ := os.ReadFile(filepath.Join(c.dir, "logfile"))
			return fmt.Errorf("postgres exited before it accepted connections:\n%s", log)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			c.kill()
			log, _ := os.ReadFile(filepath.Join(c.dir, "logfile"))
			return fmt.Errorf("postgres did not accept connections within 2 minutes: %w\n%s", err, log)
		}
	}
}

// stopSignals are the signals of PostgreSQL's shutdown modes, as pg_ctl -m
// sends them; "immediate" kills the server as a crash would.
var stopSignals = map[string]syscall.Signal{"smart": syscall.SIGTERM, "fast": syscall.SIGINT, "immediate": syscall.SIGQUIT}

// stop stops the server in mode and waits until it has exited.
func (c *cluster) stop(mode string) error {
	sig, ok := stopSignals[mode]
	if !ok {
		return fmt.Errorf("no shutdown mode %q", mode)
	}
	if c.postmaster == nil {
		return errors.New("the server is not running")
	}
	if err := c.postmaster.Signal(sig); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("stop -m %s: %w", mode, err)
	}
	select {
	case <-c.exited:
		c.postmaster = nil
		return nil
	case <-time.After(2 * time.Minute):
		c.kill()
		return fmt.Errorf("stop -m %s: the server did not exit within 2 minutes; killed", mode)
	}
}

// kill kills the postmaster and waits for it.
func (c *cluster) kill() {
	if c.postmaster == nil {
		return
	}
	_ = c.postmaster.Kill()
	<-c.exited
	c.postmaster = nil
}

func (c *cluster) remove() {
	if err := c.stop("fast"); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	os.RemoveAll(c.dir)
}

// socket is the path of the server's unix socket.
func (c *cluster) socket() string {
	return filepath.Join(c.dir, fmt.Sprintf(".s.PGSQL.%d", clusterPort))
}

func (c *cluster) url() string {
	return fmt.Sprintf("host=%s port=%d user=postgres dbname=postgres sslmode=disable", c.dir, clusterPort)
}

// removeStale removes from tmp the clusters of test processes that are
// gone (killed before they could remove their own): their postmaster died
// with them, but their directory stays. A cluster whose owner runs, or
// whose postmaster runs, is left alone: another run of the tests may be
// using it.
func removeStale(tmp string) {
	dirs, _ := filepath.Glob(filepath.Join(tmp, clusterPrefix+"*"))
	for _, dir := range dirs {
		b, err := os.ReadFile(filepath.Join(dir, ownerFile))
		if err != nil {
			continue // not ours to judge: no owner recorded (or still being made)
		}
		owner, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || alive(owner) || postmasterAlive(filepath.Join(dir, "data")) {
			continue
		}
		removeShm(filepath.Join(dir, "data"))
		os.RemoveAll(dir)
	}
}

// shmID returns the System V shared memory segment and the postmaster
// process id that the postmaster.pid of data names.
func shmID(data string) (id, postmaster string, ok bool) {
	b, err := os.ReadFile(filepath.Join(data, "postmaster.pid"))
	if err != nil {
		return "", "", false
	}
	lines := strings.Split(string(b), "\n")
	if len(lines) < 7 {
		return "", "", false
	}
	f := strings.Fields(lines[6]) // the key and the id
	if len(f) != 2 {
		return "", "", false
	}
	return f[1], strings.TrimSpace(lines[0]), true
}

// removeShm removes the small System V shared memory segment that a
// killed postmaster of data leaves (PostgreSQL removes it only when it
// shuts down itself), if that postmaster made it and nothing is attached
// to it, with ipcs and ipcrm when they are installed.
func removeShm(data string) {
	id, pid, ok := shmID(data)
	if !ok {
		return
	}
	out, err := exec.Command("ipcs", "-m", "-i", id).Output() // "not found" goes to stderr
	if err != nil {
		return
	}
	fields := " " + strings.Join(strings.Fields(string(out)), " ") + " "
	if !strings.Contains(fields, " cpid="+pid+" ") || !strings.Contains(fields, " nattch=0 ") {
		return // another program's segment, or in use
	}
	_ = exec.Command("ipcrm", "-m", id).Run()
}

// postmasterAlive reports whether the postmaster.pid of data names a
// running process.
func postmasterAlive(data string) bool {
	b, err := os.ReadFile(filepath.Join(data, "postmaster.pid"))
	if err != nil {
		return false
	}
	first, _, _ := strings.Cut(string(b), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(first))
	return err == nil && alive(pid)
}

// alive reports whether process pid exists and is not a zombie (a process
// that has exited but that no one has reaped, as an orphan in a container
// without init may stay).
func alive(pid int) bool {
	if pid <= 0 {
		return false
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return syscall.Kill(pid, 0) == nil // no /proc: ask the kernel
	}
	// The state follows the command name, which is in parentheses.
	i := strings.LastIndexByte(string(b), ')')
	return i < 0 || !strings.HasPrefix(strings.TrimSpace(string(b[i+1:])), "Z")
}

// orphanEnv makes the test binary start a cluster, print its directory and
// its postmaster's process id, and wait to be killed (TestClusterDiesWithTests).
const orphanEnv = "PGLEDGER_TEST_ORPHAN"

func orphanMain() int {
	bindir := serverBinDir()
	if bindir == "" {
		fmt.Fprintln(os.Stderr, "orphan: no server programs")
		return 2
	}
	c, err := startCluster(bindir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "orphan:", err)
		return 2
	}
	fmt.Printf("%s %d\n", c.dir, c.postmaster.Pid)
	time.Sleep(10 * time.Minute) // until killed
	c.remove()
	return 1
}

// TestClusterDiesWithTests: a test process that is killed (SIGKILL: no
// deferred call, no TestMain cleanup runs) takes its cluster with it: the
// postmaster and every server process exit, and the next run removes the
// directory it left.
func TestClusterDiesWithTests(t *testing.T) {
	if serverBinDir() == "" {
		needDB(t) // skips, or fails under CI=true, with how to run the tests
	}
	if testing.Short() {
		t.Skip("starts a cluster of its own")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), orphanEnv+"=1")
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	killed := false
	defer func() {
		if !killed {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	}()
	var dir string
	var pid int
	_, err = fmt.Fscan(out, &dir, &pid)
	require.NoError(t, err, "the child did not report its cluster")
	require.True(t, alive(pid), "the postmaster is not running")
	data := filepath.Join(dir, "data")
	require.NotEmpty(t, processesIn(data), "no process runs in the cluster's data directory")

	require.NoError(t, cmd.Process.Kill())
	_ = cmd.Wait()
	killed = true
	require.Eventually(t, func() bool { return !alive(pid) }, time.Minute, 50*time.Millisecond,
		"the postmaster outlived the test process that started it")
	require.Eventually(t, func() bool { return len(processesIn(data)) == 0 }, time.Minute, 50*time.Millisecond,
		"server processes outlived the test process: %v", processesIn(data))
	require.DirExists(t, dir)
	shm, _, ok := shmID(data)
	require.True(t, ok, "no shared memory segment in postmaster.pid")

	removeStale(filepath.Dir(dir))
	require.NoDirExists(t, dir, "the next run did not remove the dead run's cluster")
	if _, err := exec.LookPath("ipcs"); err == nil {
		out, _ := exec.Command("ipcs", "-m", "-i", shm).Output() // "not found" on stderr, and exit status 0
		require.NotContains(t, string(out), "shmid="+shm, "the dead postmaster's shared memory segment is left")
	}
}

// processesIn returns the live processes whose working directory is dir
// (every PostgreSQL server process works in its data directory).
func processesIn(dir string) []int {
	var pids []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if cwd, err := os.Readlink(fmt.Sprintf("/proc/%d/cwd", pid)); err == nil && cwd == dir && alive(pid) {
			pids = append(pids, pid)
		}
	}
	return pids
}
