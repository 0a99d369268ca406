package main

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// numbers is a subscription given by numbers, on a fixed day: the start of
// every command's arguments in these tests.
var numbers = []string{"-seats", "100", "-end", "2027-03-01", "-product", "M365-E3", "-on", "2026-12-01"}

// validArgs are arguments each command answers with exit status 0.
var validArgs = map[string][]string{
	"options":  append(slices.Clone(numbers), "-key-seats", "25"),
	"need-end": append(slices.Clone(numbers), "-reach", "2029-06-01"),
	"renewal":  slices.Clone(numbers),
	"plan":     append(slices.Clone(numbers), "-keys", "25,25,50,100", "-until", "2028-03-01"),
}

// cmd is the command line of the command name: validArgs, then extra.
func cmd(name string, extra ...string) []string {
	return append(append([]string{name}, validArgs[name]...), extra...)
}

// readmeExample returns README's example of the command name, the
// arguments as typed after "go run ./whatif", and the lines README
// shows it printing (the code block after it), spaces squashed.
func readmeExample(t *testing.T, name string) (args, shown []string) {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	lines := strings.Split(string(b), "\n")
	const run = "**`go run ./whatif "
	for i, l := range lines {
		if !strings.HasPrefix(l, run+name+" ") {
			continue
		}
		args = strings.Fields(strings.TrimSuffix(strings.TrimPrefix(l, run), "`**"))
		j := i + 1
		for j < len(lines) && lines[j] != "```" && !strings.HasPrefix(lines[j], run) {
			j++
		}
		require.Less(t, j, len(lines), "README shows what whatif %s prints", name)
		require.Equal(t, "```", lines[j], "README shows what whatif %s prints", name)
		for j++; j < len(lines) && lines[j] != "```"; j++ {
			shown = append(shown, squash(lines[j]))
		}
		return args, shown
	}
	t.Fatalf("README has no example of whatif %s", name)
	return nil, nil
}

// runReadme runs README's example of the command name as typed, from the
// repository's root, and checks that it answers (exit status 0) and prints
// what README shows.
func runReadme(t *testing.T, name string) {
	args, shown := readmeExample(t, name)
	require.NotEmpty(t, shown)
	t.Chdir("..")
	stdout, _, err := whatif(t, args...)
	require.NoError(t, err, "README's example of whatif %s", name)
	for _, l := range shown {
		assert.Contains(t, stdout, l, "README's example of whatif %s", name)
	}
}

// TestCommandsListed: whatif -h lists every command on one line of its
// own, and whatif help says the same.
func TestCommandsListed(t *testing.T) {
	_, stderr, err := whatif(t, "-h")
	require.NoError(t, err)
	_, helped, err := whatif(t, "help")
	require.NoError(t, err)
	assert.Equal(t, stderr, helped)
	_, block, ok := strings.Cut(stderr, "Commands:\n\n")
	require.True(t, ok, stderr)
	block, _, _ = strings.Cut(block, "\n\n")
	lines := strings.Split(block, "\n")
	require.Len(t, lines, 4, "one line per command:\n%s", block)
	for i, name := range []string{"options", "need-end", "renewal", "plan"} {
		assert.Regexp(t, `^  `+name+` +\S`, lines[i])
	}
	assert.Contains(t, stderr, `"whatif COMMAND -h" lists a command's flags`)
}

// commandFlags are the flags of each command: the shared ones and its own.
var commandFlags = func() map[string][]string {
	shared := []string{"book", "convention", "db", "end", "json", "on", "policy", "product", "rounding", "seats", "svg", "tenant", "until"}
	flags := map[string][]string{}
	for name, own := range map[string][]string{
		"options":  {"key", "key-seats", "term"},
		"need-end": {"reach"},
		"renewal":  nil,
		"plan":     {"goal", "keys", "target-seats", "term"},
	} {
		flags[name] = append(slices.Clone(shared), own...)
		slices.Sort(flags[name])
	}
	return flags
}()

// TestCommandHelp: whatif COMMAND -h lists the command's flags, and only
// those, with the exit-status table; whatif help COMMAND says the same.
func TestCommandHelp(t *testing.T) {
	for name, want := range commandFlags {
		t.Run(name, func(t *testing.T) {
			stdout, stderr, err := whatif(t, name, "-h")
			require.NoError(t, err)
			assert.Empty(t, stdout)
			assert.True(t, strings.HasPrefix(stderr, "usage: whatif "+name+" "), stderr)
			assert.Contains(t, stderr, "3  the input cannot be read at all", "the exit-status table")
			var listed []string
			for _, m := range regexp.MustCompile(`(?m)^  -([a-z-]+)`).FindAllStringSubmatch(stderr, -1) {
				listed = append(listed, m[1])
			}
			assert.Equal(t, want, listed)

			_, helped, err := whatif(t, "help", name)
			require.NoError(t, err)
			assert.Equal(t, stderr, helped)
		})
	}
}

// TestFlagErrorGeneric: the flag package's errors (an unknown flag, a flag
// without its value, a refused boolean, bad syntax) are one generic line
// that names the flag, or the argument's position when the name could hold
// a key, and never what was typed.
func TestFlagErrorGeneric(t *testing.T) {
	bare := strings.ReplaceAll(clearKey, "-", "")
	for _, tc := range []struct {
		args []string
		name string // what the line names
	}{
		{[]string{"options", "-bogus-" + clearKey}, "argument 2"},
		{[]string{"options", "-json=" + clearKey}, "-json"},
		{[]string{"options", "-json=" + strings.ReplaceAll(clearKey, "-", " ")}, "-json"},
		{[]string{"plan", "-key-" + clearKey}, "argument 2"},
		{[]string{"plan", "-seats", "100", "-" + clearKey + "=1"}, "argument 4"},
		{[]string{"need-end", "-verbose"}, "-verbose"},
		{[]string{"need-end", "--" + bare + "=1"}, "argument 2"},
		{[]string{"renewal", "-seats"}, "-seats"},
		{[]string{"renewal", "---" + clearKey}, "argument 2"},
		{[]string{"renewal", "-key-seats", "25"}, "-key-seats"},        // a flag of another command
		{[]string{"need-end", "-need-end", "2029-06-01"}, "-need-end"}, // a deprecated spelling is not a command's flag
		{[]string{"plan", "-key", clearKey}, "-key"},                   // a plan's keys are stand-ins
		// -end takes "-verbose" as its value: the culprit is the argument
		// after it, not the value.
		{[]string{"options", "-end", "-verbose", "--=" + clearKey}, "argument 4"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			stdout, stderr, err := whatif(t, tc.args...)
			assert.Equal(t, 2, exitCode(err))
			assert.Empty(t, stdout)
			assert.Equal(t, "whatif: "+tc.name+": unknown flag, or a missing or bad value (see whatif "+tc.args[0]+" -h)\n", stderr)
		})
	}
	// The deprecated spellings have the same line.
	_, stderr, err := whatif(t, "-seats", "100", "-"+clearKey)
	assert.Equal(t, 2, exitCode(err))
	assert.Equal(t, "whatif: argument 3: unknown flag, or a missing or bad value (see whatif -h)\n", stderr)
}

// TestKeyInEveryFlag: a key pasted as the value of any flag of any command
// is never echoed: the command answers (only -key takes a key, printed
// masked), or says in one line which flag it refused.
func TestKeyInEveryFlag(t *testing.T) {
	for name, flags := range commandFlags {
		for _, f := range flags {
			if f == "svg" {
				continue // would write a file named by the key
			}
			t.Run(name+" -"+f, func(t *testing.T) {
				stdout, stderr, err := whatif(t, cmd(name, "-"+f+"="+clearKey)...)
				out := strings.ToUpper(stdout + stderr)
				assert.NotContains(t, out, "FAKE0")
				assert.NotContains(t, out, "REAL0")
				if err == nil {
					return
				}
				assert.Contains(t, []int{2, 3}, exitCode(err))
				assert.Equal(t, 1, strings.Count(stderr, "\n"), "one line: %q", stderr)
				assert.True(t, strings.HasPrefix(stderr, "whatif: -"+f+": "), "names the flag: %q", stderr)
			})
		}
	}
}

// TestUnknownCommand: a first argument that is neither a command nor a
// flag is refused without being repeated (it may be a key).
func TestUnknownCommand(t *testing.T) {
	for _, args := range [][]string{{clearKey}, {"optoins", "-seats", "1"}, {"Options"}, {"help", clearKey}} {
		stdout, stderr, err := whatif(t, args...)
		assert.Equal(t, 2, exitCode(err))
		assert.Empty(t, stdout)
		assert.Equal(t, "whatif: argument 1: unknown command, want options, need-end, renewal or plan (see whatif -h)\n", stderr)
	}
	_, stderr, err := whatif(t)
	assert.Equal(t, 2, exitCode(err))
	assert.Equal(t, "whatif: missing command: want options, need-end, renewal or plan (see whatif -h)\n", stderr)
}

// TestDeprecatedAliases: each deprecated spelling answers exactly as its
// command does, as text and as JSON.
func TestDeprecatedAliases(t *testing.T) {
	for name, old := range map[string][]string{
		"options":  append(slices.Clone(numbers), "-key-seats", "25"),
		"need-end": append(slices.Clone(numbers), "-need-end", "2029-06-01"),
		"renewal":  append(slices.Clone(numbers), "-renewal", "-policy", "open2014"),
		"plan":     append(slices.Clone(numbers), "-keys", "25,25,50,100", "-until", "2028-03-01"),
	} {
		args := cmd(name)
		if name == "renewal" {
			args = cmd(name, "-policy", "open2014")
		}
		for _, extra := range [][]string{nil, {"-json"}} {
			want, wantErr, err := whatif(t, append(args, extra...)...)
			require.NoError(t, err, args)
			got, gotErr, err := whatif(t, append(old, extra...)...)
			require.NoError(t, err, old)
			assert.Equal(t, want, got, "whatif %s and its deprecated spelling", name)
			assert.Equal(t, wantErr, gotErr)
		}
	}
}

// TestDeprecationDocumented: the usage text, the package documentation and
// README say that the spellings without a command go in the next release.
func TestDeprecationDocumented(t *testing.T) {
	_, stderr, err := whatif(t, "-h")
	require.NoError(t, err)
	assert.Contains(t, stderr, "Deprecated: will be removed in the next release.")
	for _, name := range []string{"main.go", "../../README.md"} {
		b, err := os.ReadFile(name)
		require.NoError(t, err)
		assert.Contains(t, strings.ToLower(string(b)), "deprecated: will be removed in the next release", name)
	}
}
