package cli

import (
	"bytes"
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/internal/keytext"
)

const clearKey = "FAKE0-KEY00-NOT00-REAL0-ABCDE"

func TestCheckName(t *testing.T) {
	for name, s := range map[string]string{
		"empty":                    "",
		"long":                     strings.Repeat("a", 257),
		"invalid UTF-8":            "a\xffb",
		"bell":                     "con\atoso",
		"newline":                  "contoso\nline 2: applied",
		"RTL override":             "contoso\u202e",
		"line separator":           "contoso\u2028",
		"a key":                    clearKey,
		"a key inside":             "acme " + strings.ToLower(clearKey) + " corp",
		"a key, no hyphen":         "x" + strings.ReplaceAll(clearKey, "-", "") + "y",
		"25 letters":               strings.Repeat("a", 25),
		"a trailing dot":           clearKey + ".",
		"no-break spaces":          strings.ReplaceAll(clearKey, "-", "\u00a0"),
		"quotes":                   "“" + clearKey + "”",
		"em dashes":                strings.ReplaceAll(clearKey, "-", "—"),
		"fullwidth between groups": strings.ReplaceAll(clearKey, "-", "－"),
		"a key: label":             "key: " + clearKey,
		"mixed separators":         "FAKE0-KEY00 NOT00_REAL0.ABCDE",
		"words, wholly a key":      "Adams Baker Clark Davis Evans",
	} {
		err := CheckName(s)
		require.Error(t, err, name)
		assert.NotContains(t, err.Error(), "FAKE0", name)
		assert.NotContains(t, err.Error(), "Adams", name)
	}
	for _, s := range []string{"contoso", "acme/emea", "Müller & Söhne", strings.Repeat("ab.", 85) + "a", "FAKE0-KEY00-NOT00-REAL0", "Adams Baker Clark Davis Evans LLP"} {
		assert.NoError(t, CheckName(s), s)
	}
	assert.EqualError(t, CheckName(clearKey+"."), "could be read as a product key (a name is never a key)")
}

// TestOutputFilter: every line is filtered by the rule of the name check:
// a key-shaped run with a digit is masked in every spelling, the exact
// masked form stays, and words without a digit print as they are — a name
// that passed the check, or the words next to a masked key.
func TestOutputFilter(t *testing.T) {
	for in, want := range map[string]string{
		"add licenses XXXXX-XXXXX-XXXXX-XXXXX-KEY01 (25)\n":       "add licenses XXXXX-XXXXX-XXXXX-XXXXX-KEY01 (25)\n",
		"Adams Baker Clark Davis Evans LLP/M365-E3: 5 seats\n":    "Adams Baker Clark Davis Evans LLP/M365-E3: 5 seats\n",
		"key " + clearKey + ".\n":                                 "key XXXXX-XXXXX-XXXXX-XXXXX-XXXXX.\n",
		"key: «" + strings.ReplaceAll(clearKey, "-", "—") + "»\n": "key: «XXXXX—XXXXX—XXXXX—XXXXX—XXXXX»\n",
		strings.ReplaceAll(clearKey, "-", "\u00a0") + "\n":        "XXXXX\u00a0XXXXX\u00a0XXXXX\u00a0XXXXX\u00a0XXXXX\n",
		"ＦＡＫＥ０－ＫＥＹ００－ＮＯＴ００－ＲＥＡＬ０－ＡＢＣＤＥ\n":                         "ＸＸＸＸＸ－ＸＸＸＸＸ－ＸＸＸＸＸ－ＸＸＸＸＸ－ＸＸＸＸＸ\n",
		"FAKE0-KEY00 NOT00_REAL0.ABCDE\n":                         "XXXXX-XXXXX XXXXX_XXXXX.XXXXX\n",
		"a\u200bb FAKE0\u200b-KEY00-NOT00-REAL0-ABCDE\n":          "a?b XXXXX?-XXXXX-XXXXX-XXXXX-XXXXX\n",
	} {
		var buf bytes.Buffer
		o := NewOutput(&buf)
		o.WriteString(in)
		require.NoError(t, o.Flush())
		assert.Equal(t, want, buf.String(), "%q", in)
	}
}

func TestRedactAndControl(t *testing.T) {
	var buf bytes.Buffer
	o := NewOutput(&buf)
	o.WriteString("tenant acme " + clearKey + "Z1234 and \x1b[31mred\u202e\tend\n")
	o.WriteString("a masked key XXXXX-XXXXX-XXXXX-XXXXX-ABCDE: stays, with words after it\n")
	o.WriteString("no newline at the end " + strings.ToLower(clearKey))
	require.NoError(t, o.Flush())
	out := buf.String()
	assert.Empty(t, keytext.Runs(out), out)
	assert.NotContains(t, strings.ToUpper(out), "FAKE0")
	assert.Contains(t, out, "a masked key XXXXX-XXXXX-XXXXX-XXXXX-ABCDE: stays, with words after it\n")
	assert.NotContains(t, out, "\x1b")
	assert.NotContains(t, out, "\u202e")
	assert.NotContains(t, out, "\t")
	assert.Contains(t, out, "?[31mred? end\n")
	assert.Equal(t, 2, strings.Count(out, "\n"))
}

// countWriter counts the writes that reach it.
type countWriter struct {
	bytes.Buffer
	writes int
}

func (w *countWriter) Write(p []byte) (int, error) {
	w.writes++
	return w.Buffer.Write(p)
}

// TestFlushPerRow: rows reach a pipe (or a terminal, or any writer that is
// not a regular file) row by row, and a regular file in blocks.
func TestFlushPerRow(t *testing.T) {
	var w countWriter
	o := NewOutput(&w)
	for i := range 3 {
		o.WriteString("row\n")
		require.NoError(t, o.Row())
		assert.Equal(t, i+1, w.writes, "row %d written at once", i)
	}

	r, pw, err := os.Pipe()
	require.NoError(t, err)
	defer r.Close()
	defer pw.Close()
	assert.False(t, IsRegularFile(pw), "a pipe")
	po := NewOutput(pw)
	po.WriteString("first row\n")
	require.NoError(t, po.Row())
	got := make([]byte, 64)
	n, err := r.Read(got) // the row is there before any Flush
	require.NoError(t, err)
	assert.Equal(t, "first row\n", string(got[:n]))

	f, err := os.CreateTemp(t.TempDir(), "out")
	require.NoError(t, err)
	defer f.Close()
	assert.True(t, IsRegularFile(f))
	fo := NewOutput(f)
	fo.WriteString("row\n")
	require.NoError(t, fo.Row())
	st, err := f.Stat()
	require.NoError(t, err)
	assert.Zero(t, st.Size(), "buffered for a regular file")
	require.NoError(t, fo.Flush())
	st, err = f.Stat()
	require.NoError(t, err)
	assert.Equal(t, int64(4), st.Size())
}

// TestParseNeverEchoes: the flag package's own errors quote the value; Parse
// names the flag or the argument's position instead.
func TestParseNeverEchoes(t *testing.T) {
	for args, want := range map[string]string{
		"-json=" + clearKey:        "-json: want true or false, or no value",
		"-key-" + clearKey:         "argument 1: unknown flag (see -h)",
		"-verbose":                 "-verbose: unknown flag (see -h)",
		"-name":                    "-name: missing value (see -h)",
		"--=" + clearKey:           "argument 1: bad flag syntax, want -name or -name=value (see -h)",
		"-name=x\n-" + clearKey:    "argument 2: unknown flag (see -h)",
		"-name\n-json=" + clearKey: "",
		"file\n-json=" + clearKey:  "",
	} {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		fs.Bool("json", false, "")
		fs.String("name", "", "")
		err := Parse(fs, strings.Split(args, "\n"))
		if want == "" {
			assert.NoError(t, err, args)
			continue
		}
		require.Error(t, err, args)
		assert.Equal(t, want, err.Error())
		assert.Equal(t, ExitUsage, ExitCode(err))
	}
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	assert.Equal(t, ErrHelp, Parse(fs, []string{"-h"}))
}
