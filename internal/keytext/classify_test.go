package keytext

import (
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// classRef is classOf written plainly, from the definitions in the package
// documentation.
func classRef(r rune) class {
	if 0xFF01 <= r && r <= 0xFF5E {
		r -= 0xFEE0
	} else if r == 0x3000 {
		r = ' '
	}
	switch {
	case '0' <= r && r <= '9':
		return digit
	case 'A' <= r && r <= 'Z', 'a' <= r && r <= 'z':
		return letter
	case unicode.Is(unicode.Cf, r), r == 0x034F, 0x180B <= r && r <= 0x180F,
		0xFE00 <= r && r <= 0xFE0F, 0xE0100 <= r && r <= 0xE01EF:
		return ignore
	case unicode.IsSpace(r), unicode.Is(unicode.Pd, r), unicode.Is(unicode.Pc, r),
		r == '.', r == '/', r == '\\', r == '~', isSepSymbol(r):
		return sep
	}
	return other
}

func TestClassOfExhaustive(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if got, want := classOf(r), classRef(r); got != want {
			t.Fatalf("classOf(%U) = %d, want %d", r, got, want)
		}
	}
}

// TestClassOfNamed pins the characters the rule names, one by one.
func TestClassOfNamed(t *testing.T) {
	for _, tc := range []struct {
		name  string
		runes string
		want  class
	}{
		{"ASCII letters", "AZaz", letter},
		{"fullwidth letters", "ＡＺａｚ", letter},
		{"ASCII digits", "09", digit},
		{"fullwidth digits", "０９", digit},
		{"spaces", " \t\n\v\f\r\u0085\u00a0\u1680\u2000\u2007\u200a\u2028\u2029\u202f\u205f\u3000", sep},
		{"dashes", "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043\u2e3a\u301c\u30a0\ufe58\ufe63\uff0d\u30fc\u2500~\uff5e\u058a\u05be", sep},
		{"dots", ".\u00b7\u2022\u2024\u2026\u2027\u3002\uff0e\uff61\u30fb\u2219\u22c5", sep},
		{"slashes", "/\\\u2044\u2215\u29f8\uff0f\uff3c\ufe68", sep},
		{"underscores", "_\uff3f\u203f\u2040\u2054\ufe33\ufe4f", sep},
		{"invisible", "\u00ad\u200b\u200c\u200d\u200e\u200f\u202a\u202e\u2060\u2066\ufeff\u180e\u034f\ufe0f\U000e0101", ignore},
		{"others", "\"'()[]{}:;,!?=+*#@&%$|`<>^\x00\x1b\x7f\u00c0\u00e9\u0410\u0391\u3042\u4e2d\uac00\u0660\u2160\ufffd\U0001d400", other},
	} {
		for _, r := range tc.runes {
			assert.Equal(t, tc.want, classOf(r), "%s: classOf(%U)", tc.name, r)
		}
	}
}

func TestIsTrimAndLabel(t *testing.T) {
	for _, r := range "\"'`<>|()[]{}«»‹›“”„‟‘’‚‛「」『』【】〔〕〈〉《》.,;:!?¡¿。、…#%&*@ -_\u00a0\u200b" {
		assert.True(t, isTrim(fold(r)), "isTrim(%U)", r)
	}
	for _, r := range "＂＇（）［］｛｝＜＞｜．，；：！？" {
		assert.True(t, isTrim(fold(r)), "isTrim(%U) after folding", r)
	}
	for _, r := range "Aa0=+$^~\u0080\u00e9\u4e2d€" {
		if r == '~' { // a dash
			continue
		}
		assert.False(t, isTrim(fold(r)), "isTrim(%U)", r)
	}
	for _, r := range "Aa0 üé中キ-.#\"'()" {
		assert.True(t, isLabelRune(r), "isLabelRune(%U)", r)
	}
	for _, r := range ":=+$€\x00\u0080" {
		assert.False(t, isLabelRune(r), "isLabelRune(%U)", r)
	}
}

func TestDecodeAgreesWithUTF8(t *testing.T) {
	check := func(b []byte) {
		t.Helper()
		wr, ws := utf8.DecodeRune(b)
		r, size := decode(b, 0)
		rs, sizes := decode(string(b), 0)
		if r != wr || size != ws || rs != wr || sizes != ws {
			t.Fatalf("decode(% x) = %U %d (string %U %d), want %U %d", b, r, size, rs, sizes, wr, ws)
		}
	}
	b := make([]byte, 4)
	tails := []byte{0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xff}
	for c0 := range 256 {
		for c1 := range 256 {
			b[0], b[1] = byte(c0), byte(c1)
			check(b[:1])
			check(b[:2])
			if c0 < 0xE0 { // the third and fourth bytes are never read
				continue
			}
			for _, c2 := range tails {
				for _, c3 := range tails {
					b[2], b[3] = c2, c3
					check(b[:3])
					check(b[:4])
				}
			}
		}
	}
	for r := rune(0); r <= unicode.MaxRune; r++ {
		check(utf8.AppendRune(b[:0], r))
	}
}

func TestEnough(t *testing.T) {
	require.False(t, enough(""))
	require.False(t, enough("ABCDEFGHIJKLMNOPQRSTUVWX"))
	require.True(t, enough("ABCDEFGHIJKLMNOPQRSTUVWXY"))
	require.True(t, enough("ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹ"))
	require.False(t, enough("ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸ"))
	require.False(t, enough([]byte("ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷ\xef\xbc")))
	// enough is a bound: it never says no where a run could be.
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if classOf(r).alnum() {
			s := string(r)
			for len(s) < 100 {
				s += s
			}
			if !enough(s) {
				t.Fatalf("enough(%U × %d) = false", r, utf8.RuneCountInString(s))
			}
		}
	}
}
