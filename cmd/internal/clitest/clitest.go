// Package clitest holds the fuzz test helpers the example programs share:
// seed argument lists and the check that no typed key and no control
// character gets into a program's output.
package clitest

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/coterm/coterm/cmd/internal/cli"
	"github.com/coterm/coterm/internal/keytext"
)

// ArgSeeds are seed argument lists for a program's fuzz test, one argument a
// line: a key typed where no key belongs, in several spellings, as the flag
// package's own errors would quote it (-json=KEY, -key-KEY, a file name).
func ArgSeeds(file string) []string {
	key := "FAKE0-KEY00-NOT00-REAL0-FZ001"
	spaced := strings.ReplaceAll(key, "-", " ")
	lower := strings.ToLower(key)
	bare := strings.ReplaceAll(key, "-", "")
	seeds := []string{
		"-json=" + key, "-key-" + key, "-key-" + lower, key, spaced, bare, "-" + key, "--" + bare + "=1",
		"-q=" + key, "-renewal=" + spaced, "-" + lower + "=x",
		"-tenant\n" + key + "\n-product\nM365-E3\n" + file,
		"-tenant\ncontoso\n-product\n" + spaced + "\n" + file,
		"-tenant\ncontoso " + lower + "\n-product\nM365-E3\n" + file,
		"-due\n" + key + ".." + key + "\n" + file, "-due=2027-01-01.." + bare + "\n" + file,
		"-policy\n" + key, "-on\n" + key, "-until\n" + lower, "-goal\n" + key, "-keys\n" + bare,
		"-seats\n" + key, "-end\n" + spaced, "-key-seats\n" + key, "-need-end\n" + key, "-book\n" + key,
		"-book\n" + file + "\n-tenant\n" + key + "\n-product\nM365-E3\n-key-seats\n5",
		"-key\n" + key[:len(key)-1] + "\n-seats\n1\n-end\n2027-01-01\n-product\nP\n-key-seats\n1",
		"-key\n" + key + "\n-seats\n1\n-end\n2027-01-01\n-product\nP\n-key-seats\n1",
		"-seats\n1\n-end\n2027-01-01\n-product\nP\n-key-seats\n1\n" + spaced,
		"-tenant\ncon\x1btoso\n-product\nP\n" + file, "-\x07" + key, "-h",
		file + "\n" + key, "\n", "",
	}
	// A key pasted as a name in each spelling that went through before
	// the module's one rule, and names of words (one refused, one not).
	for _, name := range NameSeeds(key) {
		seeds = append(seeds,
			"-tenant\n"+name+"\n-product\nM365-E3\n"+file,
			"-tenant\ncontoso\n-product\n"+name+"\n"+file,
			"-policy\n"+name)
	}
	return seeds
}

// Keys returns the keys the texts hold, as canonical forms
// "AAAAA-BBBBB-CCCCC-DDDDD-EEEEE", for a test to look for in a program's
// output: every key-shaped run that holds a digit, in any spelling (what
// the output filter masks, keytext.Runs), and every key-shaped run of a
// text that is wholly a key without a digit (what the name check refuses,
// so that no program prints it), but for what the masked form shows
// (XXXXX-XXXXX-XXXXX-XXXXX-EEEE5, which is no secret).
func Keys(texts ...string) []string {
	var keys []string
	for _, t := range texts {
		found := keytext.Runs(t)
		if keytext.IsKey(t) {
			found = append(found, keytext.Shaped(t)...)
		}
		for _, k := range found {
			if !strings.HasPrefix(k, keytext.MaskedPrefix) && !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	return keys
}

// PassingNames returns the texts, trimmed of spaces and quotes, that hold
// a key-shaped run without a digit but are not wholly a key: names the
// module's rule lets through and the programs print as they are, such as
// [Firm].
func PassingNames(texts ...string) []string {
	var names []string
	for _, t := range texts {
		t = strings.Trim(strings.TrimSpace(t), `"`)
		if t == "" || keytext.IsKey(t) || len(keytext.Runs(t)) > 0 || len(keytext.Shaped(t)) == 0 {
			continue
		}
		if !slices.Contains(names, t) {
			names = append(names, t)
		}
	}
	return names
}

// LeaksBeside is [Leaks] for an output that may print names
// ([PassingNames]): a key a name spells is looked for in out with every
// whole occurrence of the names (as they are, in JSON and quoted) taken out;
// every other key in out as it is, since a name that overlaps its first or
// last group would take some of its letters away.
func LeaksBeside(out string, names, keys []string) []string {
	var spelled []string
	stripped := out
	for _, n := range names {
		spelled = append(spelled, keytext.Shaped(n)...)
		for _, form := range spellings(n) {
			// ';' ends every run, where a separator would join the text
			// on either side into one.
			stripped = strings.ReplaceAll(stripped, form, ";")
		}
	}
	var plain, hidden []string
	for _, k := range keys {
		if slices.Contains(spelled, k) {
			hidden = append(hidden, k)
		} else {
			plain = append(plain, k)
		}
	}
	return append(Leaks(out, plain), Leaks(stripped, hidden)...)
}

// spellings are the forms in which the programs print the name n: as it is,
// inside a JSON string (encoding/json escapes & < > and quotes) and inside a
// Go-quoted string (keytext.Quote, strconv.Quote).
func spellings(n string) []string {
	forms := []string{n}
	if b, err := json.Marshal(n); err == nil {
		forms = append(forms, string(b[1:len(b)-1]))
	}
	q := strconv.Quote(n)
	return append(forms, q[1:len(q)-1])
}

// Leaks returns the keys of keys (canonical forms, as [Keys] returns them)
// that out shows as a key-shaped run, in any spelling.
func Leaks(out string, keys []string) []string {
	var leaked []string
	shown := keytext.Shaped(out)
	for _, k := range keys {
		if slices.Contains(shown, k) {
			leaked = append(leaked, k)
		}
	}
	return leaked
}

// Firm is a tenant of words whose first 25 letters are key-shaped: the
// module's rule lets it through (no digit in a longer name), and the output
// filter prints it as it is. Without " LLP" it is a key as a whole.
const Firm = "Adams Baker Clark Davis Evans LLP"

// NameSeeds are a key as a person pastes it where a name belongs, in every
// spelling that went through the programs' name check before the module's
// one rule, a name of words that is wholly a key (refused), and one that
// is not (accepted and printed as it is): seeds of the fuzz tests.
func NameSeeds(key string) []string {
	return []string{
		key + ".",
		strings.ReplaceAll(key, "-", "\u00a0"),
		`"` + key + `"`,
		"“" + key + "”",
		strings.ReplaceAll(key, "-", "—"),
		strings.ReplaceAll(key, "-", "－"),
		fullwidth(key),
		"key: " + key,
		strings.Replace(strings.Replace(key, "-", " ", 1), "-", "_", 1),
		strings.TrimSuffix(Firm, " LLP"),
		Firm,
	}
}

// fullwidth returns s with its ASCII letters, digits and hyphens in
// fullwidth forms.
func fullwidth(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || '0' <= r && r <= '9' || 'A' <= r && r <= 'Z' || 'a' <= r && r <= 'z' {
			return r + 0xFEE0
		}
		return r
	}, s)
}

// CheckArgs runs a program on an argument list (one argument a line) and
// fails if its output or its error holds a key that the arguments hold, in
// any accepted spelling, or a control character, or if the exit status is
// outside the table. Lists that would write a file (-svg) or read a device are skipped.
//
// secrets are more keys that must not appear, such as those of the input
// file.
func CheckArgs(t *testing.T, in string, run func(args []string) (stdout, stderr string, err error), secrets ...string) {
	CheckArgsNames(t, in, run, nil, secrets...)
}

// CheckArgsNames is [CheckArgs] for an input that also holds names the
// programs accept and print as they are ([PassingNames]): the letters of
// such a name may spell a secret of another part of the input (a tenant of
// words beside a rejected cell that is that tenant's first 25 letters).
// The output is looked at with every whole occurrence of those names taken
// out, so an echo of the secret alone is still caught.
func CheckArgsNames(t *testing.T, in string, run func(args []string) (stdout, stderr string, err error), names []string, secrets ...string) {
	args := strings.Split(in, "\n")
	for _, a := range args {
		l := strings.ToLower(a)
		if strings.Contains(l, "svg") || strings.Contains(l, "/dev") || strings.Contains(l, "/proc") || strings.Contains(l, "/sys") {
			t.Skip("would write a file or read a device")
		}
	}
	stdout, stderr, err := run(args)
	keys := append(Keys(append(slices.Clone(args), strings.Join(args, " "))...), secrets...)
	out := stdout + "\n" + stderr
	if err != nil {
		// The error itself, before the output's redaction: the programs'
		// messages must not echo a key in the first place.
		out += "\n" + err.Error()
	}
	if leaked := LeaksBeside(out, names, keys); len(leaked) > 0 {
		t.Fatalf("args %q: output holds the key %s:\n%s", args, leaked[0], out)
	}
	for _, r := range out {
		if r != '\n' && (unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp)) {
			t.Fatalf("args %q: output holds the control character %U:\n%s", args, r, out)
		}
	}
	if c := cli.ExitCode(err); c < 0 || c > 3 {
		t.Fatalf("args %q: exit status %d", args, c)
	}
}
