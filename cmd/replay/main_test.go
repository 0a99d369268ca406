package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/cmd/internal/cli"
	"github.com/coterm/coterm/cmd/internal/history"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

const sample = "testdata/history.csv"

func TestSample(t *testing.T) {
	var stdout, stderr bytes.Buffer
	err := run([]string{sample}, &stdout, &stderr)
	require.ErrorIs(t, err, errRejected)
	assert.Equal(t, 1, exitCode(err))
	assert.Empty(t, stderr.String())
	out := stdout.String()

	// Every kind of row, by line number.
	for _, want := range []string{
		"line 2: applied 2026-03-01 activate key XXXXX-XXXXX-XXXXX-XXXXX-CT001: contoso/M365-E3 100 seats until 2027-03-01, active",
		"line 3: applied 2026-12-01 add-seats key XXXXX-XXXXX-XXXXX-XXXXX-CT002: contoso/M365-E3 125 seats until 2027-04-25, active", // R4
		"line 4: applied 2026-12-01 extend-end", // R5, lower-case key with spaces
		"line 5: REJECTED: extend-end:",         // R6
		"the largest key accepted is 375 seats", // R6
		"line 7: applied 2027-01-15 extend-end key XXXXX-XXXXX-XXXXX-XXXXX-CV002: contoso/Visio 5 seats until 2030-01-15", // 5 + 10 = +24 months
		"line 9: REJECTED: add-seats: activation: key already redeemed: XXXXX-XXXXX-XXXXX-XXXXX-CT002",                    // R2
		"line 10: REJECTED: date:",
		"line 11: REJECTED: key: token: parse key: position 20: non-ASCII", // Cyrillic Е
		"line 12: REJECTED: seats:",
		"line 13: REJECTED: operation:",
		"line 14: REJECTED: 5 fields, want 6",
		"line 15: REJECTED: seats:",
		"line 16: REJECTED: renew: activation: renew not allowed: subscription active",
		"line 17: REJECTED: add-seats: activation: add-seats not allowed: subscription none",
		"line 19: applied 2027-07-20 renew as activate", // R7
		"line 20: REJECTED: 7 fields, want 6",
		"line 21: REJECTED: malformed CSV",
		"line 24: REJECTED: extend-end: activation: extend-end not allowed: subscription deleted", // R8
		"line 25: applied 2028-06-01 activate",
		"summary: 24 rows, 10 applied, 0 replayed, 0 imported, 0 unchanged, 14 rejected; 3 subscriptions on 2028-06-01:",
		"  contoso/M365-E3: 125 seats until 2028-07-20, active",
		"  contoso/Visio: 5 seats until 2031-01-15, active",
		"  fabrikam/M365-E3: 60 seats until 2029-06-01, active",
	} {
		assert.Contains(t, out, want)
	}
	assert.NotContains(t, strings.ToUpper(out), "FAKE0", "keys are printed masked only")
	assert.NotContains(t, strings.ToUpper(out), "REAL0", "keys are printed masked only")

	// Quiet: the rejected rows and the summary only.
	stdout.Reset()
	err = run([]string{"-q", sample}, &stdout, &stderr)
	require.ErrorIs(t, err, errRejected)
	assert.NotContains(t, stdout.String(), "applied 20")
	assert.Equal(t, 14, strings.Count(stdout.String(), "REJECTED"))
	assert.Contains(t, stdout.String(), "summary: 24 rows, 10 applied")
}

func TestUsage(t *testing.T) {
	for name, args := range map[string][]string{
		"no file":      nil,
		"two files":    {"a.csv", "b.csv"},
		"bad policy":   {"-policy", "nope", sample},
		"unknown flag": {"-x", sample},
	} {
		t.Run(name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(args, &stdout, &stderr)
			assert.Equal(t, 2, exitCode(err))
			assert.Equal(t, 1, strings.Count(stderr.String(), "\n"), stderr.String())
		})
	}
	var stdout, stderr bytes.Buffer
	assert.Equal(t, 3, exitCode(run([]string{"testdata/missing.csv"}, &stdout, &stderr)), "a file that cannot be read: 3")
	assert.Empty(t, stdout.String(), "no summary")
	assert.NotContains(t, stderr.String(), "missing.csv", "the file name is not echoed")
	require.NoError(t, run([]string{"-h"}, &stdout, &stderr))
	assert.Contains(t, stderr.String(), "-q")
	assert.Contains(t, stderr.String(), "-policy")
}

func TestHeader(t *testing.T) {
	for name, in := range map[string]string{
		"empty":     "",
		"no header": "2026-01-01,t,p,FAKE0-KEY00-NOT00-REAL0-AAAAA,1,activate\n",
		"short":     "date,tenant\n",
		"8 columns": "date,tenant,product,key,seats,operation,end,x\n",
		"bad 7th":   "date,tenant,product,key,seats,operation,FAKE0-KEY00-NOT00-REAL0-AAAAA\n",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := history.NewReader(strings.NewReader(in))
			require.Error(t, err)
			assert.Equal(t, 3, exitCode(err), "a bad header: the file cannot be read")
			assert.NotContains(t, err.Error(), "FAKE0")

			// The program prints one line on stderr and no summary.
			var stdout, stderr bytes.Buffer
			err = runWith([]string{"-"}, strings.NewReader(in), &stdout, &stderr)
			assert.Equal(t, 3, exitCode(err))
			assert.Empty(t, stdout.String())
			assert.Equal(t, 1, strings.Count(stderr.String(), "\n"), stderr.String())
		})
	}
}

// fakeKey returns a distinct, obviously fake key for n ≥ 0.
func fakeKey(n int) string {
	s := strconv.FormatInt(int64(n), 36)
	s = strings.ToUpper(strings.Repeat("0", 10-len(s)) + s)
	return "FAKE0-KEY00-NOT00-" + s[:5] + "-" + s[5:]
}

// TestPropertyReplay generates files of good rows with bad rows and
// identical duplicates mixed in and checks that every good row is applied
// exactly once, every duplicate is a replay counted once, and every bad row
// is reported with its line number.
func TestPropertyReplay(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		tenants := rapid.IntRange(1, 4).Draw(t, "tenants")
		activated := make([]bool, tenants)
		var (
			b       strings.Builder
			good    []int // line numbers
			bad     = map[int]string{}
			spent   []string
			goodRow []string // the text of each good row
			again   []int    // line numbers of identical duplicates
			nextKey int
		)
		b.WriteString("date,tenant,product,key,seats,operation\n")
		line := 1
		n := rapid.IntRange(0, 40).Draw(t, "rows")
		for range n {
			line++
			tn := rapid.IntRange(0, tenants-1).Draw(t, "tenant")
			tenant := fmt.Sprintf("tenant%d", tn)
			key := fakeKey(nextKey)
			nextKey++
			kind := rapid.SampledFrom([]string{"good", "good", "good", "date", "key", "seats", "op", "fields", "duplicate", "refused", "identical"}).Draw(t, "kind")
			if (kind == "duplicate" || kind == "identical") && len(spent) == 0 {
				kind = "good"
			}
			last := ""
			row := func(date, key, seats, op string) {
				last = fmt.Sprintf("%s,%s,M365,%s,%s,%s\n", date, tenant, key, seats, op)
				b.WriteString(last)
			}
			switch kind {
			case "good":
				seats := rapid.IntRange(1, 50).Draw(t, "seats")
				if !activated[tn] {
					row("2026-06-01", key, strconv.Itoa(seats), "activate")
					activated[tn] = true
				} else {
					op := rapid.SampledFrom([]string{"add-seats", "extend-end", "add", "extend"}).Draw(t, "op")
					if op == "extend-end" || op == "extend" {
						seats = 1 // never over the cap (R6)
					}
					row("2026-06-01", key, strconv.Itoa(seats), op)
				}
				good = append(good, line)
				spent = append(spent, key)
				goodRow = append(goodRow, last)
			case "identical":
				b.WriteString(rapid.SampledFrom(goodRow).Draw(t, "again"))
				again = append(again, line)
			case "date":
				row(rapid.SampledFrom([]string{"2026-02-30", "06/01/2026", "", "2026-6-1", "yesterday"}).Draw(t, "bad date"), key, "5", "add")
				bad[line] = "date"
			case "key":
				k := rapid.SampledFrom([]string{key[:len(key)-1], key + "Z", strings.Replace(key, "K", "К", 1), "", strings.Replace(key, "-", "--", 1)}).Draw(t, "bad key")
				row("2026-06-01", k, "5", "add")
				bad[line] = "key"
			case "seats":
				row("2026-06-01", key, rapid.SampledFrom([]string{"0", "-1", "1000000001", "x", "", "2.5"}).Draw(t, "bad seats"), "add")
				bad[line] = "seats"
			case "op":
				row("2026-06-01", key, "5", rapid.SampledFrom([]string{"upgrade", "", "addseats", "delete"}).Draw(t, "bad op"))
				bad[line] = "operation"
			case "fields":
				if rapid.Bool().Draw(t, "short") {
					fmt.Fprintf(&b, "2026-06-01,%s,M365,%s,5\n", tenant, key)
				} else {
					fmt.Fprintf(&b, "2026-06-01,%s,M365,%s,5,add,extra\n", tenant, key)
				}
				bad[line] = "fields"
			case "duplicate":
				// Another seat count, so never the identical request (which would replay).
				row("2026-06-01", rapid.SampledFrom(spent).Draw(t, "spent key"), "51", "add")
				bad[line] = "already redeemed"
			case "refused":
				if activated[tn] {
					row("2026-06-01", key, "5", "activate") // active: activate refused
				} else {
					row("2026-06-01", key, "5", "add") // none: add refused
				}
				bad[line] = "not allowed"
			}
		}

		var out bytes.Buffer
		rp := replayString(t, &out, b.String(), false)
		text := out.String()

		assert.Equal(t, len(good), rp.ld.Counts.Applied, "applied")
		recorded := 0
		for _, s := range rp.ld.Subs() {
			recs, err := rp.book.History(context.Background(), s.Tenant, s.Product)
			require.NoError(t, err)
			recorded += len(recs)
		}
		assert.Equal(t, len(good), recorded, "one book record per good row")
		assert.Equal(t, len(bad), rp.ld.Counts.Rejected, "rejected")
		assert.Equal(t, len(again), rp.ld.Counts.Replayed, "identical duplicates replay")
		for _, l := range again {
			assert.Regexp(t, regexp.MustCompile(fmt.Sprintf(`(?m)^line %d: replayed .*counted once\)$`, l)), text)
		}
		assert.Equal(t, len(good), strings.Count(text, ": applied "))
		for _, l := range good {
			assert.Regexp(t, regexp.MustCompile(fmt.Sprintf(`(?m)^line %d: applied `, l)), text)
		}
		for l, why := range bad {
			re := regexp.MustCompile(fmt.Sprintf(`(?m)^line %d: REJECTED: .*%s`, l, regexp.QuoteMeta(why)))
			if why == "fields" {
				re = regexp.MustCompile(fmt.Sprintf(`(?m)^line %d: REJECTED: \d fields, want 6`, l))
			}
			assert.Regexp(t, re, text)
		}
		assert.NotContains(t, strings.ToUpper(text), "FAKE0")
	})
}

// rowGenerator produces a history of n rows on the fly: tenants tenants,
// each activated once, then add-seats and extend-end with small keys, all
// valid, the day advancing every 10,000 rows.
type rowGenerator struct {
	n, tenants, i int
	buf           []byte
	off           int
}

func newRowGenerator(n, tenants int) *rowGenerator {
	g := &rowGenerator{n: n, tenants: tenants}
	g.buf = append(g.buf, "date,tenant,product,key,seats,operation\n"...)
	return g
}

func (g *rowGenerator) Read(p []byte) (int, error) {
	for g.off == len(g.buf) {
		if g.i == g.n {
			return 0, io.EOF
		}
		g.buf, g.off = g.buf[:0], 0
		for j := 0; j < 256 && g.i < g.n; j++ {
			g.buf = g.appendRow(g.buf, g.i)
			g.i++
		}
	}
	n := copy(p, g.buf[g.off:])
	g.off += n
	return n, nil
}

func (g *rowGenerator) appendRow(b []byte, i int) []byte {
	day := 1 + i/10000 // 100 days for 1e6 rows
	b = append(b, "2026-"...)
	b = appendPadded(b, 1+(day-1)/28, 2)
	b = append(b, '-')
	b = appendPadded(b, 1+(day-1)%28, 2)
	b = append(b, ",tenant"...)
	b = appendPadded(b, i%g.tenants, 4)
	b = append(b, ",M365-E3,"...)
	var num [20]byte
	k := strconv.AppendInt(num[:0], int64(i), 36)
	var key [20]byte // the last four groups: zeros, then i in base 36
	for j := range key {
		key[j] = '0'
	}
	copy(key[20-len(k):], k)
	b = append(b, "BENCH-"...)
	for j := 0; j < 20; j += 5 {
		if j > 0 {
			b = append(b, '-')
		}
		b = append(b, key[j:j+5]...)
	}
	switch {
	case i < g.tenants:
		b = append(b, ",100,activate\n"...)
	case i%2 == 0:
		b = append(b, ",3,add-seats\n"...)
	default:
		b = append(b, ",1,extend-end\n"...)
	}
	return b
}

// appendPadded appends n in decimal with at least width digits.
func appendPadded(b []byte, n, width int) []byte {
	var num [20]byte
	d := strconv.AppendInt(num[:0], int64(n), 10)
	for range width - len(d) {
		b = append(b, '0')
	}
	return append(b, d...)
}

func TestRowGenerator(t *testing.T) {
	var out bytes.Buffer
	rd, err := history.NewReader(newRowGenerator(5000, 100))
	require.NoError(t, err)
	o := cli.NewOutput(&out)
	rp := newReplayer(config{policy: activation.PartnerCenter()}, o)
	require.NoError(t, rp.replay(context.Background(), rd))
	require.NoError(t, o.Flush())
	assert.Equal(t, 0, rp.ld.Counts.Rejected, out.String())
	assert.Equal(t, 5000, rp.ld.Counts.Applied)
}

// BenchmarkReplay replays 1,000,000 generated rows per op (1,000 tenants,
// output to io.Discard) into a Book on a MemoryJournal, in quiet mode as
// the performance goal states, and printing every row ("verbose"). The
// generator's cost is included (about 0.05 s per op). Besides ns/op it
// reports the CPU seconds per op and the heap in use with the whole book
// alive.
func BenchmarkReplay(b *testing.B) {
	b.Run("quiet", func(b *testing.B) { benchReplay(b, true) })
	b.Run("verbose", func(b *testing.B) { benchReplay(b, false) })
}

func benchReplay(b *testing.B, quiet bool) {
	const rows = 1_000_000
	var live uint64
	cpu0 := cpuTime()
	for b.Loop() {
		o := cli.NewOutput(io.Discard)
		rp := newReplayer(config{policy: activation.PartnerCenter(), quiet: quiet}, o)
		rd, err := history.NewReader(newRowGenerator(rows, 1000))
		if err != nil {
			b.Fatal(err)
		}
		if err := rp.replay(context.Background(), rd); err != nil {
			b.Fatal(err)
		}
		rp.summary(context.Background())
		if err := o.Flush(); err != nil {
			b.Fatal(err)
		}
		if c := rp.ld.Counts; c.Applied+c.Replayed != rows {
			b.Fatalf("applied %d of %d rows", c.Applied, rows)
		}
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms) // the book is still alive: what it takes
		live = max(live, ms.HeapInuse)
	}
	b.ReportMetric(float64(live)/1e6, "MB-heap-in-use")
	// CPU seconds per op, all threads (the garbage collector's too): on a
	// busy machine the wall-clock ns/op says more about the neighbours.
	b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
}

// replayString replays a file's text, without the summary.
func replayString(t interface {
	require.TestingT
	Helper()
}, out io.Writer, text string, quiet bool) *replayer {
	t.Helper()
	rd, err := history.NewReader(strings.NewReader(text))
	require.NoError(t, err)
	o := cli.NewOutput(out)
	rp := newReplayer(config{policy: activation.PartnerCenter(), quiet: quiet}, o)
	require.NoError(t, rp.replay(context.Background(), rd))
	require.NoError(t, o.Flush())
	return rp
}

// TestDocsBuildForStatus: go run turns every status into 1, so the docs tell
// scripts to build the program to see the exit status of the table.
func TestDocsBuildForStatus(t *testing.T) {
	for _, name := range []string{"main.go", "../../README.md"} {
		assert.Contains(t, mustRead(t, name), "go build -o replay ./replay", name)
	}
}
