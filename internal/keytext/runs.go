package keytext

import "github.com/coterm/coterm/token"

// Layout of a key (R1), as token defines it.
const (
	keyLen   = token.KeyLen   // letters and digits in a key
	groupLen = token.GroupLen // letters and digits in a group
	groups   = token.Groups   // groups in a key
)

// MaskedPrefix is what the library prints of a key's first four groups: a
// key is printed as MaskedPrefix followed by its last group (see
// [token.Key.String]). A run spelled exactly so, with an ASCII last group,
// is the masked form (see The masked form in the package documentation).
const MaskedPrefix = "XXXXX-XXXXX-XXXXX-XXXXX-"

// maskedLen is the length in bytes of the masked form.
const maskedLen = len(MaskedPrefix) + groupLen

// ringLen is the size of the ring of the last letters and digits read: a
// power of two that holds a run.
const ringLen = 32

// entry is one letter or digit of the text being scanned.
type entry struct {
	off   int   // its first byte
	c     byte  // the character folded to ASCII, upper case
	digit uint8 // 1 if it is a digit
	wide  bool  // it is a fullwidth form, three bytes
	after gap   // what separates it from the next letter or digit: joined or separated (scan does not tell invisible characters from nothing)
	mark  bool  // it belongs to a run to redact
	keep  bool  // it belongs to a run in the masked form
}

// gap is what lies between two letters or digits of a segment.
type gap uint8

const (
	joined    gap = iota // nothing
	invisible            // invisible characters only
	separated            // a separator run, with or without invisible characters
)

// window follows the last keyLen letters and digits of a segment (a part of
// the text without a character of class other) and the 24 gaps between
// them, and tells in constant time whether they form a key-shaped run (the
// gaps that hold a separator are all at the ends of groups) and how many
// digits the run holds.
type window struct {
	ring     [ringLen]entry
	n        int           // letters and digits in the segment so far
	res      int           // n mod 5
	flushed  int           // ring entries below this index are written
	marked   int           // entries below this index are marked (when their run is to redact)
	kept     int           // likewise for keep
	pending  gap           // what follows the last letter or digit so far
	seps     [groupLen]int // separated gaps in the window, by gap index mod 5
	sepTotal int           // separated gaps in the window
	digits   int           // digits in the window
}

// add appends a letter or digit to the segment and reports whether it ends
// a key-shaped run, whose entries are then w.n-keyLen … w.n-1.
func (w *window) add(e entry) bool {
	n, r := w.n, w.res
	if n > 0 { // the gap after entry n-1, of residue r-1
		w.ring[(n-1)%ringLen].after = w.pending
		if w.pending == separated {
			p := r + groupLen - 1
			if p >= groupLen {
				p -= groupLen
			}
			w.seps[p]++
			w.sepTotal++
		}
	}
	if n >= keyLen { // entry n-keyLen and the gap after it, of residue r, leave the window
		old := &w.ring[(n-keyLen)%ringLen]
		if old.after == separated {
			w.seps[r]--
			w.sepTotal--
		}
		w.digits -= int(old.digit)
	}
	w.ring[n%ringLen] = e
	w.digits += int(e.digit)
	w.n, w.pending = n+1, joined
	if w.res++; w.res == groupLen {
		w.res = 0
	}
	// The run starts at s = n-24; a separator may follow entry g only when
	// g-s ≡ 4 (mod 5), that is g ≡ n (mod 5).
	return n >= keyLen-1 && w.sepTotal == w.seps[r]
}

// setMark marks the entries of the run that ends at entry w.n-1 as to
// redact; setKeep marks them as part of a run in the masked form, which
// redact leaves as it is.
func (w *window) setMark() {
	for j := max(w.n-keyLen, w.marked); j < w.n; j++ {
		w.ring[j%ringLen].mark = true
	}
	w.marked = w.n
}

func (w *window) setKeep() {
	for j := max(w.n-keyLen, w.kept); j < w.n; j++ {
		w.ring[j%ringLen].keep = true
	}
	w.kept = w.n
}

// flush writes X over every entry below upto marked and not kept. An entry
// is flushed only once no run that holds it is left to decide, so every
// decision is taken on the text as it was.
func (w *window) flush(out []byte, upto int) {
	for j := w.flushed; j < upto; j++ {
		e := &w.ring[j%ringLen]
		switch {
		case !e.mark || e.keep:
		case e.wide: // fullwidth X, three bytes like the form it replaces
			out[e.off], out[e.off+1], out[e.off+2] = 0xEF, 0xBC, 0xB8
		default:
			out[e.off] = 'X'
		}
	}
	w.flushed = upto
}

// reset starts a new segment.
func (w *window) reset() {
	if w.n == 0 {
		return
	}
	w.n, w.res, w.flushed, w.marked, w.kept, w.pending = 0, 0, 0, 0, 0, joined
	w.seps, w.sepTotal, w.digits = [groupLen]int{}, 0, 0
}

// mode is what scan does with the runs it finds.
type mode uint8

const (
	findHeld   mode = iota // stop at the first run that holds a digit or is in the masked form
	findSecret             // stop at the first secret run
	redact                 // write X over every secret run, but not over runs in the masked form
	collect                // append the canonical form of every secret run
	collectAll             // append the canonical form of every key-shaped run
)

// A secret run is a key-shaped run that holds a digit and is not in the
// masked form: the runs that [Redact] redacts, and the runs inside a longer
// text that rule 2 catches (a run in the masked form is caught too, and
// kept by the filter).

// scan reads s once, from the first byte to the last, and does with every
// key-shaped run what m says. It reports whether it stopped at a run
// (findHeld, findSecret). For redact, out is s itself, as a byte slice;
// for collect, the canonical forms are appended to keys.
//
// What redact leaves of a secret run is what runs in the masked form keep
// of it, at most one of their last groups: the four groups XXXXX before a
// last group are bytes of one spelling, so a run that holds characters of
// two last groups would hold a group end inside the XXXXX of the second,
// or the first last group would be XXXXX. Redact turns letters and digits
// into X and nothing else, so every run of its output that holds a digit
// held that digit before, and was a secret run or in the masked form: it
// shows at most five characters other than X afterwards, all of them of
// the last group of a run in the masked form (TestPropRedact holds this).
func scan[T text](s T, m mode, out []byte, keys []string) (bool, []string) {
	var w window
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		var cl class
		if r < 0x80 {
			cl = asciiClass[r]
		} else {
			r, size = decode(s, i)
			cl = classOf(r)
		}
		switch cl {
		case letter, digit:
			c := byte(fold(r))
			if cl == letter {
				c &^= 'a' - 'A'
			}
			e := entry{off: i, c: c, wide: size > 1}
			if cl == digit {
				e.digit = 1
			}
			if w.add(e) {
				masked := isMasked(s, w.ring[(w.n-keyLen)%ringLen].off, i+size)
				secret := !masked && w.digits > 0
				switch {
				case m == findHeld && (masked || secret), m == findSecret && secret:
					return true, keys
				case m == redact && masked:
					w.setKeep()
				case m == redact && secret:
					w.setMark()
				case m == collect && secret, m == collectAll:
					keys = append(keys, w.canonical())
				}
			}
			if m == redact && w.n >= keyLen {
				w.flush(out, w.n-keyLen+1)
			}
		case sep:
			if w.n > 0 {
				w.pending = separated
			}
		case ignore: // read as absent: it changes no run
		default:
			if m == redact {
				w.flush(out, w.n)
			}
			w.reset()
		}
		i += size
	}
	if m == redact {
		w.flush(out, w.n)
	}
	return false, keys
}

// isMasked reports whether s[from:to] is a run in the masked form.
func isMasked[T text](s T, from, to int) bool {
	if to-from != maskedLen {
		return false
	}
	for k := range len(MaskedPrefix) {
		if s[from+k] != MaskedPrefix[k] {
			return false
		}
	}
	return true
}

// canonical returns the run that ends at entry w.n-1 as
// "AAAAA-BBBBB-CCCCC-DDDDD-EEEEE".
func (w *window) canonical() string {
	var b [keyLen + keyLen/groupLen - 1]byte
	k := 0
	for j := w.n - keyLen; j < w.n; j++ {
		if k > 0 && (j-(w.n-keyLen))%groupLen == 0 {
			b[k] = '-'
			k++
		}
		b[k] = w.ring[j%ringLen].c
		k++
	}
	return string(b[:])
}

// enough reports whether s holds at least keyLen letters and digits, ASCII
// or fullwidth: a text with fewer holds no run. It looks at bytes only, so
// that most names are answered in a few nanoseconds.
func enough[T text](s T) bool {
	if len(s) < keyLen {
		return false
	}
	n, _ := census(s, true)
	return n >= keyLen
}

// census returns the number of letters and digits in s, ASCII or
// fullwidth, and whether s has a ':' or '=' (ASCII or fullwidth), which a
// label ends with. With early, it stops counting at keyLen.
func census[T text](s T, early bool) (n int, colon bool) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x80 {
			switch {
			case asciiClass[c]-letter <= digit-letter:
				if n++; early && n == keyLen {
					return n, colon
				}
			case c == ':' || c == '=':
				colon = true
			}
			continue
		}
		// U+FF10–FF19 is EF BC 90–99, U+FF21–FF3A is EF BC A1–BA,
		// U+FF41–FF5A is EF BD 81–9A; U+FF1A ':' is EF BC 9A, U+FF1D '='
		// is EF BC 9D.
		if c == 0xEF && i+2 < len(s) {
			c1, c2 := s[i+1], s[i+2]
			switch {
			case c1 == 0xBC && (0x90 <= c2 && c2 <= 0x99 || 0xA1 <= c2 && c2 <= 0xBA) || c1 == 0xBD && 0x81 <= c2 && c2 <= 0x9A:
				if n++; early && n == keyLen {
					return n, colon
				}
				i += 2
			case c1 == 0xBC && (c2 == 0x9A || c2 == 0x9D):
				colon = true
				i += 2
			}
		}
	}
	return n, colon
}
