package keytext

import (
	"strconv"
	"strings"
)

// Placeholder is what [Quote] gives for a name that could be read as a key.
// It is not quoted, so that it cannot be taken for a quoted name.
const Placeholder = "(a name that could be read as a key)"

// IsKey reports whether s, as a whole, could be read as a product key (rule
// 1): after folding, trimming and labels, five groups of five ASCII letters
// or digits, with or without a digit. Every spelling [token.ParseKey]
// accepts is one.
func IsKey(s string) bool {
	n, colon := census(s, false)
	return n >= keyLen && mayBeWhole(n, colon) && whole(s)
}

// mayBeWhole reports whether a text with n letters and digits, with or
// without a ':' or '=', may be a key as a whole: without a label, trimming
// removes no letter or digit, so it must have exactly keyLen.
func mayBeWhole(n int, colon bool) bool {
	return colon || n == keyLen
}

// Holds reports whether s could be read as a product key or holds one: s is
// a key as a whole ([IsKey], rule 1), or it holds a key-shaped run with a
// digit or a run in the masked form (rule 2). It is what a name check
// refuses.
func Holds(s string) bool {
	if !enough(s) {
		return false
	}
	if !plainWords(s) {
		if found, _ := scan(s, findHeld, nil, nil); found {
			return true
		}
	}
	n, colon := census(s, false)
	return mayBeWhole(n, colon) && whole(s)
}

// plainWords reports whether s is ASCII without a digit and without
// [MaskedPrefix]: then none of its runs holds a digit or is in the masked
// form, and only rule 1 can catch it. Most names are such, and this is
// several times quicker than reading their runs.
func plainWords(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x80 || c-'0' <= 9 {
			return false
		}
	}
	return !strings.Contains(s, MaskedPrefix)
}

// Redact writes, in place, X over every ASCII letter and digit, and a
// fullwidth X over every fullwidth one, of every secret run in b (rule 3 in
// the package documentation): every key-shaped run that holds a digit and
// is not in the masked form, regular or not — the runs that rule 2 catches
// inside a longer text. A run without a digit is left as it is. Runs that
// overlap are all redacted, each decided on b as it was; no character of a
// run in the masked form is redacted. Every other byte, invalid UTF-8
// included, stays as it is, and the length of b does not change.
// Afterwards, every key-shaped run of b that holds a digit shows at most
// five characters other than X, the last group of a run in the masked form.
// It is what the programs' output filter does.
func Redact(b []byte) {
	if !enough(b) {
		return
	}
	scan(b, redact, b, nil)
}

// Mask returns s with every secret run redacted as [Redact] does. It
// returns s itself, without allocating, when there is nothing to redact.
func Mask(s string) string {
	if !enough(s) {
		return s
	}
	if found, _ := scan(s, findSecret, nil, nil); !found {
		return s
	}
	b := []byte(s)
	Redact(b)
	return string(b)
}

// Runs returns the canonical form, "AAAAA-BBBBB-CCCCC-DDDDD-EEEEE" in upper
// case, of every secret run in s (the runs [Redact] redacts: key-shaped,
// holding a digit, not in the masked form), in the order in which they end;
// runs that overlap are all returned. It is for tests that look for keys in
// a program's output: its result is made of clear keys.
func Runs(s string) []string {
	if !enough(s) {
		return nil
	}
	_, keys := scan(s, collect, nil, nil)
	return keys
}

// Shaped returns the canonical form of every key-shaped run in s, as [Runs]
// does, with or without a digit and in the masked form or not. It is for
// tests that look for a given key in any spelling, one without a digit
// included, where [Runs] would not see it: its result is made of clear
// keys.
func Shaped(s string) []string {
	if !enough(s) {
		return nil
	}
	_, keys := scan(s, collectAll, nil, nil)
	return keys
}

// Quote returns s quoted as strconv.Quote does, for a message, unless s
// could be read as a key ([Holds]) or its quoted form could (an escape
// such as \u00a0 adds letters and digits): then it returns [Placeholder].
// Its result starts and ends with a character that ends every run, so the
// message around it cannot join it into one.
func Quote(s string) string {
	if Holds(s) {
		return Placeholder
	}
	q := strconv.Quote(s)
	if Holds(q) {
		return Placeholder
	}
	return q
}
