package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"unicode"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/cmd/internal/cli"
	"github.com/coterm/coterm/cmd/internal/clitest"
	"github.com/coterm/coterm/cmd/internal/picture"
)

// FuzzOrgFile reads arbitrary organisation files and checks that nothing
// panics, that no key the file holds, in any spelling, reaches an error,
// the text, the JSON or the picture (computed before the output filter,
// so that a name that could be read as a key must have been refused at
// input), that no control character does, and that the exit status is in
// the table.
func FuzzOrgFile(f *testing.F) {
	// Small, compact seeds: the engine minimises each new input it finds,
	// running the target over and over (a millisecond or two each for a
	// valid organisation), and stalled for up to its minute of
	// minimisation on indented files of a few kilobytes on this loaded
	// machine.
	for _, name := range []string{seed80, seed81} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(compact(f, b))
	}
	f.Add(compact(f, bookOrg().json(f)))
	const key = "FAKE0-KEY00-NOT00-REAL0-FZ101"
	for _, name := range clitest.NameSeeds(key) {
		q, _ := json.Marshal(name)
		f.Add(`{"locations":[{"name":` + string(q) + `,"country":"DE"}]}`)
		f.Add(strings.Replace(seedText(f), `"contoso"`, string(q), 2))
		f.Add(strings.Replace(seedText(f), `"Office"`, string(q), 1))
	}
	f.Add(`{"` + key + `": 1}`)
	f.Add(`{"locations": [{"name": "a", "country": "` + key + `"}]}`)
	f.Add(`{"tokens": [{"fingerprint": "` + key + `"}]}`)
	f.Add(`{"pools": [{"worldMax": "` + strings.ToLower(key) + `"}]}`)
	f.Add(`{"locations": [` + key)
	f.Add(`{"online":[{"subscription":{"tenant":"t\u0007` + key + `"}}]}`)
	f.Add("\ufeff{}")
	f.Add(`{"grants": [{"quantity": 1e400}]}`)
	f.Fuzz(func(t *testing.T, content string) {
		keys := clitest.Keys(append(strs(content), content)...)
		checkOrgFile(t, content, clitest.PassingNames(strs(content)...), keys)
	})
}

// seedText is the seed file within its grant, compact.
func seedText(tb testing.TB) string {
	b, err := os.ReadFile(seed80)
	if err != nil {
		tb.Fatal(err)
	}
	return compact(tb, b)
}

// compact is the JSON text b without its indentation.
func compact(tb testing.TB, b []byte) string {
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		tb.Fatal(err)
	}
	return buf.String()
}

// strs returns every string of a JSON text, names and values, as decoded,
// and the fields of the raw text: each is looked at as a whole, so that a
// key without a digit given as a name is looked for in the output too.
func strs(content string) []string {
	out := strings.FieldsFunc(content, func(r rune) bool { return strings.ContainsRune("\"{}[],:\n\r", r) })
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			out = append(out, x)
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			for k, e := range x {
				out = append(out, k)
				walk(e)
			}
		}
	}
	var v any
	if json.Unmarshal([]byte(content), &v) == nil {
		walk(v)
	}
	return out
}

// checkOrgFile runs the program's answer on content, text and JSON, and
// draws its picture, and checks what comes out.
func checkOrgFile(t *testing.T, content string, names, keys []string) {
	t.Helper()
	ctx := context.Background()
	check := func(what, text string) {
		if leaked := clitest.LeaksBeside(text, names, keys); len(leaked) > 0 {
			t.Fatalf("%s holds the key %s:\n%s", what, leaked[0], text)
		}
		for _, r := range text {
			if r != '\n' && unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp) {
				t.Fatalf("%s holds the control character %U:\n%s", what, r, text)
			}
		}
	}
	for _, asJSON := range []bool{false, true} {
		cfg := config{policy: activation.PartnerCenter(), json: asJSON}
		var out, errOut bytes.Buffer
		err := cli.Run("position", &out, &errOut, func(o, e *cli.Output) error { return answer(ctx, cfg, []byte(content), o, e) })
		if c := cli.ExitCode(err); c < 0 || c > 3 {
			t.Fatalf("exit status %d", c)
		}
		if err != nil {
			check("the error", err.Error())
		}
		check("the output", out.String()+errOut.String())
	}
	r, err := load(ctx, config{policy: activation.PartnerCenter()}, []byte(content), cli.NewOutput(&bytes.Buffer{}))
	if err != nil {
		return
	}
	at, ok := latestDay(r.recs)
	if !ok {
		return
	}
	pos, err := r.partner.Position(ctx, at)
	if err != nil {
		return
	}
	fs, err := r.partner.Check(ctx, at)
	if err != nil {
		return
	}
	ch, err := chartOf(ctx, r, pos, fs)
	if err != nil {
		check("the picture's error", err.Error())
		return
	}
	svg, err := picture.Position(ch)
	if err != nil {
		t.Fatalf("the picture of a position: %v", err)
	}
	check("the picture", svg)
}

// FuzzArgs runs the program on arbitrary argument lists (one argument a
// line) and checks that no key typed anywhere in them appears in its
// output, in any accepted spelling, and no control character either.
func FuzzArgs(f *testing.F) {
	for _, s := range clitest.ArgSeeds(seed81) {
		f.Add(s)
		f.Add("-org\n" + seed81 + "\n" + s)
	}
	const key = "FAKE0-KEY00-NOT00-REAL0-FZ201"
	for _, s := range []string{"-org\n" + key, "-org\n" + seed80 + "\n-at\n" + key, "-org\n" + seed80 + "\n-book\n" + key,
		"-org\n" + seed81 + "\n-json\n-at=2026-08-01", "-org=" + strings.ToLower(key), "-org\n" + seed80 + "\n-policy\n" + key} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		if strings.Contains(in, "db") {
			t.Skip("would connect to a database")
		}
		clitest.CheckArgs(t, in, func(args []string) (string, string, error) {
			var out, errOut bytes.Buffer
			err := run(context.Background(), args, &out, &errOut)
			return out.String(), errOut.String(), err
		})
	})
}
