package token_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/coterm/coterm/token"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// base is the canonical key most bad inputs are derived from (R1).
const base = "AAAA1-BBBB2-CCCC3-DDDD4-EEEE5"

// varied is a canonical key with distinct, varied groups; every group has a letter outside
// A–F so it cannot arise by chance in a hexadecimal dump.
const varied = "K7Q2M-9XRTB-H4J8P-ZC3WN-5VD6L"

// goodSpelling is an accepted spelling of a key (R1) and the canonical form it parses to.
type goodSpelling struct {
	name, in, want string
}

// goodSpellings are every accepted spelling: case, separators, surrounding white space.
var goodSpellings = []goodSpelling{
	{"R1 canonical", varied, varied},
	{"R1 lower case", "k7q2m-9xrtb-h4j8p-zc3wn-5vd6l", varied},
	{"R1 mixed case", "k7Q2m-9XrTb-H4j8P-zC3wN-5vD6l", varied},
	{"R1 no separators", "K7Q2M9XRTBH4J8PZC3WN5VD6L", varied},
	{"R1 no separators lower", "k7q2m9xrtbh4j8pzc3wn5vd6l", varied},
	{"R1 spaces", "K7Q2M 9XRTB H4J8P ZC3WN 5VD6L", varied},
	{"R1 mixed hyphens and spaces", "K7Q2M-9XRTB H4J8P-ZC3WN 5VD6L", varied},
	{"R1 leading and trailing spaces", "   K7Q2M-9XRTB-H4J8P-ZC3WN-5VD6L  ", varied},
	{"R1 tab, CR, LF around", "\t\r\nK7Q2M-9XRTB-H4J8P-ZC3WN-5VD6L\r\n", varied},
	{"R1 spaces around, spaces between", "  k7q2m 9xrtb h4j8p zc3wn 5vd6l\n", varied},
	{"R1 padded to exactly 64 bytes", strings.Repeat(" ", 20) + varied + strings.Repeat("\t", 15), varied},
	{"R1 all digits", "01234-56789-01234-56789-01234", "01234-56789-01234-56789-01234"},
	{"R1 all letters", "abcde-fghij-klmno-pqrst-uvwxy", "ABCDE-FGHIJ-KLMNO-PQRST-UVWXY"},
	{"R1 base", base, base},
	{"R1 masked-looking key is a valid key", "XXXXX-XXXXX-XXXXX-XXXXX-EEEE5", "XXXXX-XXXXX-XXXXX-XXXXX-EEEE5"},
}

// badInput is an input ParseKey must refuse, the position it must report and a word of the
// reason.
type badInput struct {
	in     string
	pos    int
	reason string
}

// badInputs are the refused inputs, by description (R1).
var badInputs = map[string]badInput{
	"empty":                        {"", 0, "empty"},
	"only white space":             {" \t\r\n", 0, "white space"},
	"24 characters":                {"AAAA1BBBB2CCCC3DDDD4EEEE", 0, "24 characters, want 25"},
	"26 characters":                {"AAAA1BBBB2CCCC3DDDD4EEEE5F", 0, "26 characters, want 25"},
	"24 characters hyphenated":     {"AAAA1-BBBB2-CCCC3-DDDD4-EEEE", 25, "24 characters, want 25"},
	"26 characters hyphenated":     {"AAAA1-BBBB2-CCCC3-DDDD4-EEEE56", 25, "26 characters, want 25"},
	"24 characters short group 2":  {"AAAA1-BBB2-CCCC3-DDDD4-EEEE5", 7, "group 2 has 4"},
	"4 groups":                     {"AAAA1-BBBB2-CCCC3-DDDD4", 0, "4 groups, want 5"},
	"6 groups":                     {"AAAA1-BBBB2-CCCC3-DDDD4-EEEE5-FFFF6", 0, "6 groups, want 5"},
	"4 groups of 25 characters":    {"AAAA1BBBB2-CCCC3-DDDD4-EEEE5", 6, "separator missing before group 2"},
	"separators partly absent":     {"AAAA1-BBBB2-CCCC3-DDDD4EEEE5", 24, "separator missing before group 5"},
	"separator inside a group":     {"AAAA-1BBBB2-CCCC3-DDDD4-EEEE5", 5, "separator inside a group"},
	"space inside a group":         {"AAAA1-BB BB2-CCCC3-DDDD4-EEEE5", 9, "separator inside a group"},
	"hyphen shifted":               {"AAAA1B-BBB2-CCCC3-DDDD4-EEEE5", 7, "separator inside a group"},
	"doubled hyphen":               {"AAAA1--BBBB2-CCCC3-DDDD4-EEEE5", 7, "doubled separator"},
	"doubled space":                {"AAAA1  BBBB2 CCCC3 DDDD4 EEEE5", 7, "doubled separator"},
	"hyphen and space":             {"AAAA1- BBBB2-CCCC3-DDDD4-EEEE5", 7, "doubled separator"},
	"leading hyphen":               {"-AAAA1-BBBB2-CCCC3-DDDD4-EEEE5", 1, "before the first group"},
	"trailing hyphen":              {"AAAA1-BBBB2-CCCC3-DDDD4-EEEE5-", 30, "after the last group"},
	"underscore separator":         {"AAAA1_BBBB2_CCCC3_DDDD4_EEEE5", 6, "character '_'"},
	"slash in a group":             {"AAAA1-BB/B2-CCCC3-DDDD4-EEEE5", 9, "character '/'"},
	"tab inside":                   {"AAAA1\tBBBB2-CCCC3-DDDD4-EEEE5", 6, "white space inside"},
	"newline inside":               {"AAAA1-BBBB2\n-CCCC3-DDDD4-EEEE5", 12, "white space inside"},
	"NUL":                          {"AAAA1-BBBB2-CCCC3-DDDD4-EEEE5\x00", 30, "control character 0x00"},
	"NUL inside":                   {"AAAA1-BBBB2-CC\x00C3-DDDD4-EEEE5", 15, "control character 0x00"},
	"DEL":                          {"AAAA1-BBBB2-CCCC3-DDDD4-EEEE\x7f", 29, "control character 0x7f"},
	"invalid UTF-8":                {"AAAA1-BBBB2-CCCC3-DDDD4-EEEE\xff", 29, "non-ASCII byte 0xff"},
	"invalid UTF-8 alone":          {"\xc3\x28AAA1-BBBB2-CCCC3-DDDD4-EEEE5", 1, "non-ASCII byte 0xc3"},
	"Cyrillic A":                   {"\u0410AAA1-BBBB2-CCCC3-DDDD4-EEEE5", 1, "non-ASCII byte 0xd0"},
	"Cyrillic E in group 5":        {"AAAA1-BBBB2-CCCC3-DDDD4-E\u0415EE5", 26, "non-ASCII byte 0xd0"},
	"Greek Beta":                   {"AAAA1-\u0392BBB2-CCCC3-DDDD4-EEEE5", 7, "non-ASCII byte 0xce"},
	"Greek Alpha lower":            {"\u03b1aaa1-BBBB2-CCCC3-DDDD4-EEEE5", 1, "non-ASCII byte 0xce"},
	"fullwidth A":                  {"\uff21AAA1-BBBB2-CCCC3-DDDD4-EEEE5", 1, "non-ASCII byte 0xef"},
	"fullwidth digit 5":            {"AAAA1-BBBB2-CCCC3-DDDD4-EEEE\uff15", 29, "non-ASCII byte 0xef"},
	"Arabic-Indic digit one":       {"AAAA\u0661-BBBB2-CCCC3-DDDD4-EEEE5", 5, "non-ASCII byte 0xd9"},
	"long s (maps to S)":           {"\u017fSSS1-BBBB2-CCCC3-DDDD4-EEEE5", 1, "non-ASCII byte 0xc5"},
	"dotless i (maps to I)":        {"\u0131III1-BBBB2-CCCC3-DDDD4-EEEE5", 1, "non-ASCII byte 0xc4"},
	"Kelvin sign (maps to K)":      {"\u212aKKK1-BBBB2-CCCC3-DDDD4-EEEE5", 1, "non-ASCII byte 0xe2"},
	"zero-width space inside":      {"AAAA1-BBBB2\u200b-CCCC3-DDDD4-EEEE5", 12, "non-ASCII byte 0xe2"},
	"zero-width space leading":     {"\u200bAAAA1-BBBB2-CCCC3-DDDD4-EEEE5", 1, "non-ASCII byte 0xe2"},
	"zero-width joiner trailing":   {"AAAA1-BBBB2-CCCC3-DDDD4-EEEE5\u200d", 30, "non-ASCII byte 0xe2"},
	"no-break space separator":     {"AAAA1\u00a0BBBB2-CCCC3-DDDD4-EEEE5", 6, "non-ASCII byte 0xc2"},
	"no-break space surrounding":   {"\u00a0AAAA1-BBBB2-CCCC3-DDDD4-EEEE5\u00a0", 1, "non-ASCII byte 0xc2"},
	"BOM":                          {"\ufeffAAAA1-BBBB2-CCCC3-DDDD4-EEEE5", 1, "non-ASCII byte 0xef"},
	"RTL override":                 {"\u202eAAAA1-BBBB2-CCCC3-DDDD4-EEEE5", 1, "non-ASCII byte 0xe2"},
	"RTL override inside":          {"AAAA1-BBBB2-CC\u202eCC3-DDDD4-EEEE5", 15, "non-ASCII byte 0xe2"},
	"en dash separator":            {"AAAA1\u2013BBBB2-CCCC3-DDDD4-EEEE5", 6, "non-ASCII byte 0xe2"},
	"65 bytes":                     {strings.Repeat("A", 65), 65, "input is 65 bytes, at most 64"},
	"valid key padded to 65 bytes": {strings.Repeat(" ", 21) + base + strings.Repeat(" ", 15), 65, "at most 64"},
	"1000 bytes":                   {strings.Repeat("AAAA1-", 200), 65, "at most 64"},
	"extra group after space":      {"AAAA1-BBBB2-CCCC3-DDDD4-EEEE5 X", 31, "26 characters, want 25 (group 6 has 1)"},
	"masked zero key":              {"(zero key)", 1, "character '('"},
}

// groupsOf returns the five groups of a canonical key.
func groupsOf(canonical string) []string { return strings.Split(canonical, "-") }

// assertNoKeyIn fails if text contains the key in clear, joined or canonical, or any of its
// five groups, in any case.
func assertNoKeyIn(t testing.TB, text, canonical string) {
	t.Helper()
	up := strings.ToUpper(text)
	assert.NotContains(t, up, canonical)
	assert.NotContains(t, up, strings.ReplaceAll(canonical, "-", ""))
	for _, g := range groupsOf(canonical) {
		assert.NotContains(t, up, g, "text %q contains a group of the key", text)
	}
}

// rotate replaces every ASCII letter and digit of s by another one of the same class
// (A→B, z→a, 9→0); everything else stays. ParseKey must treat s and rotate(s) alike.
func rotate(s string) string {
	b := []byte(s)
	for i, c := range b {
		switch {
		case c >= '0' && c <= '9':
			b[i] = '0' + (c-'0'+1)%10
		case c >= 'A' && c <= 'Z':
			b[i] = 'A' + (c-'A'+1)%26
		case c >= 'a' && c <= 'z':
			b[i] = 'a' + (c-'a'+1)%26
		}
	}
	return string(b)
}

func TestParseKeyGoodSpellings(t *testing.T) {
	for _, tc := range goodSpellings {
		t.Run(tc.name, func(t *testing.T) {
			k, err := token.ParseKey(tc.in)
			require.NoError(t, err, "ParseKey(%q)", tc.in)
			assert.False(t, k.IsZero())
			assert.Equal(t, tc.want, k.Reveal(), "ParseKey(%q).Reveal()", tc.in)
			assert.Equal(t, token.MustParseKey(tc.want), k, "ParseKey(%q) differs from the canonical key", tc.in)
			assert.Equal(t, "XXXXX-XXXXX-XXXXX-XXXXX-"+tc.want[24:], k.String())
		})
	}
}

func TestParseKeyBadInputs(t *testing.T) {
	for name, tc := range badInputs {
		t.Run(name, func(t *testing.T) {
			k, err := token.ParseKey(tc.in)
			require.Error(t, err, "ParseKey(%q) = %s, want an error", tc.in, k)
			assert.True(t, k.IsZero(), "ParseKey(%q) returned a non-zero Key with its error", tc.in)
			assert.ErrorIs(t, err, token.ErrSyntax)
			var se *token.SyntaxError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, tc.pos, se.Pos, "ParseKey(%q): position %d, want %d (%v)", tc.in, se.Pos, tc.pos, err)
			assert.Contains(t, err.Error(), tc.reason)
			assert.True(t, strings.HasPrefix(err.Error(), "token: parse key: "), err.Error())
			// No echo: the message names no group of the key the input was made from, nor
			// the input itself, and does not change when every letter and digit changes.
			assertNoKeyIn(t, err.Error(), base)
			if len(strings.TrimSpace(tc.in)) >= 5 {
				assert.NotContains(t, err.Error(), strings.TrimSpace(tc.in))
			}
			_, err2 := token.ParseKey(rotate(tc.in))
			require.Error(t, err2)
			assert.Equal(t, err.Error(), err2.Error(), "the message depends on the key's characters")
		})
	}
}

func TestMustParseKeyPanicsWithoutTheKey(t *testing.T) {
	assert.NotPanics(t, func() { token.MustParseKey(varied) })
	defer func() {
		r := recover()
		require.NotNil(t, r, "MustParseKey of a bad key did not panic")
		err, ok := r.(error)
		require.True(t, ok, "panic value %T is not an error", r)
		assert.ErrorIs(t, err, token.ErrSyntax)
		assertNoKeyIn(t, err.Error(), varied)
	}()
	token.MustParseKey(varied[:28]) // 24 characters
}

func TestParseKeyAllocs(t *testing.T) {
	for _, in := range []string{varied, "k7q2m9xrtbh4j8pzc3wn5vd6l", " K7Q2M 9XRTB-H4J8P ZC3WN-5VD6L\n"} {
		var k token.Key
		var err error
		n := testing.AllocsPerRun(100, func() { k, err = token.ParseKey(in) })
		require.NoError(t, err)
		assert.Equal(t, varied, k.Reveal())
		assert.Zero(t, n, "ParseKey(%q) allocates %v times, want 0", in, n)
	}
	k := token.MustParseKey(varied)
	assert.Zero(t, testing.AllocsPerRun(100, func() { _ = k.Fingerprint() }), "Fingerprint allocates")
}

func TestZeroKey(t *testing.T) {
	var k token.Key
	assert.True(t, k.IsZero())
	assert.Equal(t, "", k.Reveal())
	assert.Equal(t, "", k.Last5())
	assert.Equal(t, token.ZeroKeyString, k.String())
	assert.Equal(t, token.ZeroKeyString, k.GoString())
	assert.True(t, k.Fingerprint().IsZero())
	assert.True(t, k.KeyedFingerprint([]byte("pepper")).IsZero())
	text, err := k.MarshalText()
	require.NoError(t, err)
	assert.Empty(t, text)
	var back token.Key
	require.NoError(t, back.UnmarshalText(text))
	assert.True(t, back.IsZero())
	_, err = token.ParseKey(token.ZeroKeyString)
	assert.ErrorIs(t, err, token.ErrSyntax, "the zero key's string must not parse")
}

func TestKeyAccessors(t *testing.T) {
	k := token.MustParseKey(varied)
	assert.Equal(t, "5VD6L", k.Last5())
	assert.Equal(t, "XXXXX-XXXXX-XXXXX-XXXXX-5VD6L", k.Masked())
	assert.Equal(t, k.Masked(), k.String())
	assert.Equal(t, k.Masked(), k.GoString())
	assert.False(t, k.IsZero())
	m := map[token.Key]int{k: 1}
	m[token.MustParseKey("k7q2m 9xrtb h4j8p zc3wn 5vd6l")]++
	assert.Equal(t, map[token.Key]int{k: 2}, m, "spellings of one key are one map key")
}

func TestUnmarshalText(t *testing.T) {
	var k token.Key
	require.NoError(t, k.UnmarshalText([]byte(" k7q2m-9xrtb-h4j8p-zc3wn-5vd6l ")))
	assert.Equal(t, varied, k.Reveal())

	masked, err := k.MarshalText()
	require.NoError(t, err)
	assert.Equal(t, "XXXXX-XXXXX-XXXXX-XXXXX-5VD6L", string(masked))
	var back token.Key
	err = back.UnmarshalText(masked)
	assert.ErrorIs(t, err, token.ErrSyntax)
	assert.ErrorIs(t, err, token.ErrMaskedKey)
	assert.Contains(t, err.Error(), "masked key")
	assert.True(t, back.IsZero(), "a failed UnmarshalText changed the Key")

	err = back.UnmarshalText([]byte("AAAA1-BBBB2"))
	assert.ErrorIs(t, err, token.ErrSyntax)
	assert.NotErrorIs(t, err, token.ErrMaskedKey)
}

func TestUnmarshalJSON(t *testing.T) {
	var k token.Key
	require.NoError(t, k.UnmarshalJSON([]byte(`"K7Q2M-9XRTB-H4J8P-ZC3WN-5VD6L"`)))
	assert.Equal(t, varied, k.Reveal())
	require.NoError(t, k.UnmarshalJSON([]byte(`null`)))
	assert.Equal(t, varied, k.Reveal(), "null changed the Key")
	for _, in := range []string{`K7Q2M-9XRTB-H4J8P-ZC3WN-5VD6L`, `"K7Q2M-9XRTB-H4J8P-ZC3WN-5VD6L`, `"\x"`, `12`, `"XXXXX-XXXXX-XXXXX-XXXXX-5VD6L"`} {
		var k token.Key
		err := k.UnmarshalJSON([]byte(in))
		assert.ErrorIs(t, err, token.ErrSyntax, "UnmarshalJSON(%s)", in)
		if err != nil {
			assertNoKeyIn(t, err.Error(), varied)
		}
		assert.True(t, k.IsZero())
	}
	require.NoError(t, k.UnmarshalJSON([]byte(`""`)))
	assert.True(t, k.IsZero(), `"" gives the zero Key`)
}

func TestSyntaxErrorUnwrap(t *testing.T) {
	e := &token.SyntaxError{Pos: 3, Reason: "r"}
	assert.Equal(t, "token: parse key: position 3: r", e.Error())
	assert.True(t, errors.Is(e, token.ErrSyntax))
	assert.False(t, errors.Is(e, token.ErrMaskedKey))
	e = &token.SyntaxError{Reason: "r", Err: token.ErrMaskedKey}
	assert.Equal(t, "token: parse key: r", e.Error())
	assert.True(t, errors.Is(e, token.ErrMaskedKey))
}
