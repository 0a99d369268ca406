package keytext

import "unicode"

// class is what a character is to the rule, after folding (see Folded forms
// in the package documentation).
type class uint8

const (
	// other ends a key-shaped run: any character that is not one of the
	// classes below, and every byte of invalid UTF-8.
	other class = iota
	// letter is an ASCII letter A–Z or a–z, or its fullwidth form.
	letter
	// digit is an ASCII digit 0–9, or its fullwidth form.
	digit
	// sep is a separator: a space, dash, dot, slash or underscore of any
	// kind. A run of them between two groups is one separator.
	sep
	// ignore is an invisible character (format characters, variation
	// selectors): it is read as if it were absent.
	ignore
)

// alnum reports whether c is a letter or a digit.
func (c class) alnum() bool { return c == letter || c == digit }

// fold maps a fullwidth form U+FF01–U+FF5E to its ASCII character and the
// ideographic space U+3000 to ' '; any other rune is returned as it is.
func fold(r rune) rune {
	switch {
	case 0xFF01 <= r && r <= 0xFF5E:
		return r - 0xFEE0
	case r == 0x3000:
		return ' '
	}
	return r
}

// asciiClass is the class of each ASCII character.
var asciiClass = func() (t [128]class) {
	for c := '0'; c <= '9'; c++ {
		t[c] = digit
	}
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = letter
		t[c+'a'-'A'] = letter
	}
	for _, c := range "\t\n\v\f\r -./\\_~" {
		t[c] = sep
	}
	return t
}()

// classOf returns the class of r after folding.
func classOf(r rune) class {
	if r < 0x80 {
		return asciiClass[r]
	}
	r = fold(r)
	if r < 0x80 {
		return asciiClass[r]
	}
	// Blocks without a separator or an invisible character, answered
	// without a table search; TestClassOfExhaustive holds this against
	// classRef for every rune.
	switch {
	case 0x00C0 <= r && r <= 0x024F, // Latin letters
		0x0400 <= r && r <= 0x0589,                             // Cyrillic, Armenian
		0x3041 <= r && r <= 0x309F,                             // Hiragana
		0x30A1 <= r && r <= 0x30FA,                             // Katakana
		0x3400 <= r && r <= 0x4DBF, 0x4E00 <= r && r <= 0x9FFF, // Han
		0xAC00 <= r && r <= 0xD7A3: // Hangul
		return other
	}
	switch {
	case isInvisible(r):
		return ignore
	case unicode.IsSpace(r) || unicode.In(r, unicode.Pd, unicode.Pc) || isSepSymbol(r):
		return sep
	}
	return other
}

// isInvisible reports whether r is read as absent: a format character
// (category Cf: soft hyphen, zero-width space, non-joiner and joiner, word
// joiner, byte order mark, direction marks…), a variation selector, the
// combining grapheme joiner or a Mongolian free variation selector.
func isInvisible(r rune) bool {
	switch {
	case r == 0x034F, 0x180B <= r && r <= 0x180F,
		0xFE00 <= r && r <= 0xFE0F, 0xE0100 <= r && r <= 0xE01EF:
		return true
	}
	return unicode.Is(unicode.Cf, r)
}

// isSepSymbol reports whether r is a separator outside white space and
// the categories Pd (dashes) and Pc (connectors such as '_'): the minus
// signs, horizontal lines and the prolonged sound mark that people put
// between groups, the dots and the slashes.
func isSepSymbol(r rune) bool {
	switch r {
	// dashes and things read as dashes
	case 0x02D7, // modifier letter minus sign
		0x2043, // hyphen bullet
		0x2053, // swung dash
		0x207B, // superscript minus
		0x208B, // subscript minus
		0x2212, // minus sign
		0x223C, // tilde operator
		0x23AF, // horizontal line extension
		0x2500, // box drawings light horizontal
		0x2501, // box drawings heavy horizontal
		0x2796, // heavy minus sign
		0x30FC, // katakana-hiragana prolonged sound mark
		0xFF70: // halfwidth prolonged sound mark
		return true
	// dots
	case 0x00B7, // middle dot
		0x0387, // Greek ano teleia
		0x2022, // bullet
		0x2024, // one dot leader
		0x2026, // horizontal ellipsis
		0x2027, // hyphenation point
		0x2219, // bullet operator
		0x22C5, // dot operator
		0x2E31, // word separator middle dot
		0x2E33, // raised dot
		0x3002, // ideographic full stop
		0x30FB, // katakana middle dot
		0xFE52, // small full stop
		0xFF61, // halfwidth ideographic full stop
		0xFF65: // halfwidth katakana middle dot
		return true
	// slashes
	case 0x2044, // fraction slash
		0x2215, // division slash
		0x2216, // set minus
		0x2571, // box drawings light diagonal upper right to lower left
		0x2572, // box drawings light diagonal upper left to lower right
		0x27CB, // mathematical rising diagonal
		0x27CD, // mathematical falling diagonal
		0x29F5, // reverse solidus operator
		0x29F8, // big solidus
		0x29F9, // big reverse solidus
		0xFE68: // small reverse solidus
		return true
	}
	return false
}

// isTrim reports whether r (folded) is trimmed from either end of a text
// before it is read as a whole key: separators, invisible characters, every
// punctuation character (category P: quotes, brackets, . , ; : ! ? and the
// like in every script) and the ASCII symbols ` < > |.
func isTrim(r rune) bool {
	if r < 0x80 {
		switch c := asciiClass[r]; {
		case c == sep:
			return true
		case c != other:
			return false
		}
		switch r {
		case '`', '<', '>', '|':
			return true
		}
		return unicode.IsPunct(r)
	}
	c := classOf(r)
	return c == sep || c == ignore || unicode.IsPunct(r)
}

// isLabelRune reports whether r (folded) may be part of a label: a letter,
// a mark, a number, or a character that isTrim trims other than ':'.
func isLabelRune(r rune) bool {
	if r < 0x80 {
		return asciiClass[r] == letter || asciiClass[r] == digit || r != ':' && isTrim(r)
	}
	return unicode.In(r, unicode.L, unicode.M, unicode.N) || isTrim(r)
}
