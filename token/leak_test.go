package token_test

import (
	"bytes"
	"encoding/binary"
	"encoding/gob"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/coterm/coterm/internal/keytext"
	"github.com/coterm/coterm/token"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Holder is a caller's struct with Keys in exported and unexported fields, by value and by
// pointer.
type Holder struct {
	Exported    token.Key
	ExportedPtr *token.Key
	unexported  token.Key
	unexpPtr    *token.Key
	Token       token.Token
	tok         token.Token
	Keys        []token.Key
	keys        []token.Key
	ByKey       map[token.Key]int
}

// privateHolder is an unexported type with only unexported fields.
type privateHolder struct {
	k token.Key
	n int
}

// printed is one way of printing a Key and what it gave.
type printed struct{ name, out string }

// verbs are every fmt verb a caller might use; %p and %w are bad verbs for a Key, which fmt
// answers by printing the value by reflection.
var verbs = []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%o", "%b", "%c", "%U",
	"%e", "%f", "%g", "%t", "%p", "%w", "%T", "%10v", "%-40s", "%.3s", "%#q", "%+q", "%08x", "% x"}

// printPaths prints k every way the leak tests know: fmt verbs on the Key, in struct fields
// (exported and unexported, values and pointers), in slices and maps, JSON, log, log/slog
// (text and JSON), errors, and recovered panics.
func printPaths(k token.Key) []printed {
	kk := k
	tok := token.Token{Key: k, Product: "office", Seats: 5}
	h := Holder{Exported: k, ExportedPtr: &kk, unexported: k, unexpPtr: &kk, Token: tok, tok: tok,
		Keys: []token.Key{k}, keys: []token.Key{k}, ByKey: map[token.Key]int{k: 1}}
	priv := privateHolder{k: k, n: 7}
	anon := struct{ k token.Key }{k}
	values := map[string]any{
		"Key": k, "*Key": &kk, "Holder": h, "*Holder": &h, "privateHolder": priv, "*privateHolder": &priv,
		"anonymous struct": anon, "Token": tok, "*Token": &tok, "[]Key": []token.Key{k, k},
		"map[Key]int": map[token.Key]int{k: 1}, "map[string]Key": map[string]token.Key{"k": k},
		"[1]Key": [1]token.Key{k}, "any slice": []any{k, &kk, h},
	}
	var out []printed
	for name, v := range values {
		for _, verb := range verbs {
			out = append(out, printed{"Sprintf(" + verb + ", " + name + ")", fmt.Sprintf(verb, v)})
		}
		out = append(out, printed{"Sprint(" + name + ")", fmt.Sprint(v)}, printed{"Sprintln(" + name + ")", fmt.Sprintln(v)})
		if j, err := json.Marshal(v); err == nil {
			out = append(out, printed{"json.Marshal(" + name + ")", string(j)})
		} else {
			out = append(out, printed{"json.Marshal(" + name + ") error", err.Error()})
		}
		if j, err := json.MarshalIndent(v, "", " "); err == nil {
			out = append(out, printed{"json.MarshalIndent(" + name + ")", string(j)})
		}
	}
	out = append(out, printed{"Errorf", fmt.Errorf("redeem %v: %w", k, errors.New("x")).Error()})
	out = append(out, printed{"Validate", token.Token{Key: k, Seats: -1, TermMonths: 99}.Validate().Error()})

	var lb bytes.Buffer
	lg := log.New(&lb, "", 0)
	lg.Printf("%v %+v %#v %v", k, h, h, priv)
	lg.Println(k, h, &h, priv, &priv)
	out = append(out, printed{"log", lb.String()})

	noTime := func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}
	var tb, jb bytes.Buffer
	for _, hd := range []slog.Handler{
		slog.NewTextHandler(&tb, &slog.HandlerOptions{ReplaceAttr: noTime}),
		slog.NewJSONHandler(&jb, &slog.HandlerOptions{ReplaceAttr: noTime}),
	} {
		l := slog.New(hd)
		l.Info("redeem", "key", k, "ptr", &kk, "token", tok, "holder", h, "private", priv)
		l.Info("redeem", slog.Any("key", k), slog.Group("g", slog.Any("key", k), slog.Any("holder", &h)))
		l.With("key", k).Info(fmt.Sprint(k))
		l.Info("attrs", slog.String("s", k.String()), slog.Any("keys", []token.Key{k}))
	}
	out = append(out, printed{"slog text", tb.String()}, printed{"slog JSON", jb.String()})

	for name, v := range map[string]any{"Key": k, "Sprint(Key)": fmt.Sprint(k), "Holder": h, "privateHolder": priv, "error": fmt.Errorf("bad %v", k)} {
		r := recoverFrom(func() { panic(v) })
		out = append(out, printed{"recovered panic(" + name + ") %v", fmt.Sprintf("%v", r)},
			printed{"recovered panic(" + name + ") %#v", fmt.Sprintf("%#v", r)},
			printed{"recovered panic(" + name + ") %+v", fmt.Sprintf("%+v", r)})
	}
	return out
}

// recoverFrom runs f and returns the value it panicked with.
func recoverFrom(f func()) (r any) {
	defer func() { r = recover() }()
	f()
	return nil
}

// leakNeedles are the strings that must never appear when canonical is printed: the key
// joined and canonical, each of its first four groups, and the ASCII byte values of the
// first four groups in decimal (space and comma separated, "75 55 81"), in hexadecimal
// ("4b3751", "0x4b, 0x37") in either case.
func leakNeedles(canonical string) []string {
	joined := strings.ReplaceAll(canonical, "-", "")
	needles := []string{canonical, joined}
	for _, g := range groupsOf(canonical)[:4] {
		needles = append(needles, g, strings.ToLower(g))
		var dec, decc, hx, hxc []string
		for i := 0; i < len(g); i++ {
			dec = append(dec, fmt.Sprint(g[i]))
			hx = append(hx, fmt.Sprintf("%02x", g[i]))
			hxc = append(hxc, fmt.Sprintf("0x%02x", g[i]))
		}
		decc = dec
		needles = append(needles, strings.Join(dec, " "), strings.Join(decc, ", "), strings.Join(hx, ""),
			strings.ToUpper(strings.Join(hx, "")), strings.Join(hx, " "), strings.Join(hxc, ", "))
	}
	for i := 0; i+3 <= 20; i++ { // every three consecutive characters of the first 20, as "65 65 65"
		needles = append(needles, fmt.Sprintf("%d %d %d", joined[i], joined[i+1], joined[i+2]),
			fmt.Sprintf("%d, %d, %d", joined[i], joined[i+1], joined[i+2]))
	}
	return needles
}

// TestLeak prints a Key every way the leak tests know and searches all output for the key
// in clear, its groups and its ASCII byte values (R1 keys are bearer secrets, R2).
func TestLeak(t *testing.T) {
	k := token.MustParseKey(varied)
	paths := printPaths(k)
	require.Greater(t, len(paths), 300)
	needles := leakNeedles(varied)
	masked := 0
	for _, p := range paths {
		for _, n := range needles {
			if strings.Contains(p.out, n) {
				t.Errorf("%s leaks %q: %s", p.name, n, p.out)
			}
		}
		// The module's one rule: no spelling a person could read as the key
		// (any separators, fullwidth forms, invisible characters).
		if slices.Contains(keytext.Shaped(p.out), varied) {
			t.Errorf("%s shows the key in some spelling: %s", p.name, p.out)
		}
		if strings.Contains(p.out, "XXXXX-XXXXX-XXXXX-XXXXX-5VD6L") {
			masked++
		}
	}
	assert.Greater(t, masked, 200, "most print paths should show the masked form")
}

// TestLeakNeedlesFindTheKey shows the leak search can fail: printing the clear key, its bytes
// or the bytes of a plain struct holding it is found.
func TestLeakNeedlesFindTheKey(t *testing.T) {
	k := token.MustParseKey(varied)
	type plain struct{ b []byte }
	needles := leakNeedles(varied)
	for _, out := range []string{
		k.Reveal(),
		fmt.Sprintf("%v", plain{[]byte(k.Reveal())}),
		fmt.Sprintf("%#v", plain{[]byte(k.Reveal())}),
		fmt.Sprintf("%x", k.Reveal()),
		fmt.Sprintf("%X", k.Reveal()),
		fmt.Sprintf("% x", k.Reveal()),
		fmt.Sprintf("%v", []byte(strings.ReplaceAll(k.Reveal(), "-", ""))),
	} {
		found := false
		for _, n := range needles {
			found = found || strings.Contains(out, n)
		}
		assert.True(t, found, "leak search misses %s", out)
	}
}

// TestMaskedEveryVerb: a Key prints the masked form, and only that, for every verb.
func TestMaskedEveryVerb(t *testing.T) {
	k := token.MustParseKey(varied)
	const m = "XXXXX-XXXXX-XXXXX-XXXXX-5VD6L"
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%x", "%X", "%d", "%o", "%b", "%c", "%U", "%e", "%f", "%g", "%t"} {
		assert.Equal(t, m, fmt.Sprintf(verb, k), "Sprintf(%q, k)", verb)
		assert.Equal(t, m, fmt.Sprintf(verb, &k), "Sprintf(%q, &k)", verb)
	}
	assert.Equal(t, `"`+m+`"`, fmt.Sprintf("%q", k))
	assert.Equal(t, "`"+m+"`", fmt.Sprintf("%#q", k))
	assert.Equal(t, "  "+m, fmt.Sprintf("%31v", k))
	assert.Equal(t, m+"  |", fmt.Sprintf("%-31s|", k))
	assert.Equal(t, "XXX", fmt.Sprintf("%.3s", k))
	assert.Equal(t, "{"+m+"}", fmt.Sprintf("%v", struct{ K token.Key }{k}))
	j, err := json.Marshal(struct{ K token.Key }{k})
	require.NoError(t, err)
	assert.JSONEq(t, `{"K":"`+m+`"}`, string(j))
	assert.Equal(t, slog.StringValue(m), k.LogValue())
	var zero token.Key
	assert.Equal(t, token.ZeroKeyString, fmt.Sprintf("%x", zero))
	j, err = json.Marshal(struct{ K token.Key }{})
	require.NoError(t, err)
	assert.JSONEq(t, `{"K":""}`, string(j))
}

// capture is a testify assert.TestingT that keeps the failure messages instead of failing.
type capture struct{ msgs []string }

// Errorf keeps the message.
func (c *capture) Errorf(format string, args ...any) {
	c.msgs = append(c.msgs, fmt.Sprintf(format, args...))
}

// rawPaths prints k, and values holding k, through the printers that bypass a Key's
// methods: the bad verb %p on a Key value, which fmt answers by printing the fields by
// reflection; encoding/binary, which writes the fields; testify's failure message, whose
// diff prints the fields of both values; and encoding/gob and encoding/xml.
func rawPaths(k, other token.Key) []printed {
	type pair struct {
		k token.Key
		n int32
	}
	tok := token.Token{Key: k, Product: "office", Seats: 5}
	h := Holder{unexported: k, tok: tok, keys: []token.Key{k}}
	var out []printed
	for name, v := range map[string]any{"Key": k, "*Key": &k, "Token": tok, "Holder": h, "pair": pair{k, 7}} {
		out = append(out, printed{"Sprintf(%p, " + name + ")", fmt.Sprintf("%p", v)})
		var b bytes.Buffer
		if err := binary.Write(&b, binary.LittleEndian, v); err != nil {
			out = append(out, printed{"binary.Write(" + name + ") error", err.Error()})
		} else {
			out = append(out, printed{"binary.Write(" + name + ")", b.String()})
		}
		var g bytes.Buffer
		if err := gob.NewEncoder(&g).Encode(v); err != nil {
			out = append(out, printed{"gob(" + name + ") error", err.Error()})
		} else {
			out = append(out, printed{"gob(" + name + ")", g.String()})
		}
		if x, err := xml.Marshal(v); err != nil {
			out = append(out, printed{"xml(" + name + ") error", err.Error()})
		} else {
			out = append(out, printed{"xml(" + name + ")", string(x)})
		}
	}
	otherTok := token.Token{Key: other, Product: "office", Seats: 5}
	for name, pr := range map[string][2]any{
		"Key":    {k, other},
		"Token":  {tok, otherTok},
		"Holder": {h, Holder{unexported: other, tok: otherTok, keys: []token.Key{other}}},
		"pair":   {pair{k, 7}, pair{other, 7}},
		"*pair":  {&pair{k, 7}, &pair{other, 7}},
	} {
		var c capture
		assert.Equal(&c, pr[0], pr[1])
		assert.EqualValues(&c, pr[0], pr[1])
		assert.Exactly(&c, pr[0], pr[1])
		assert.Empty(&c, pr[0])
		assert.Nil(&c, pr[0])
		assert.Contains(&c, []any{pr[1]}, pr[0])
		out = append(out, printed{"testify failure over " + name, strings.Join(c.msgs, "\n")})
	}
	return out
}

// oldMask decodes bytes with the stored form of the first release of this package, whose
// constants were in the source: character i with alphabet index v was stored as
// 200 + (v + (7i+3) mod 36) mod 36. It returns the 20 characters the bytes would be the
// first four groups of, or "" when a byte is outside 200…235.
func oldMask(b []byte) string {
	if len(b) < 20 {
		return ""
	}
	out := make([]byte, 20)
	for i := range out {
		if b[i] < 200 || b[i] > 235 {
			return ""
		}
		v := (int(b[i]) - 200 - (7*i+3)%36 + 72) % 36
		out[i] = token.Alphabet[v]
	}
	return string(out)
}

// byteStreams reads out the byte sequences a printed value may hold: the text itself, its
// decimal numbers 0…255 in order (fmt's [200 210 …], {200, 210, …}), and its hexadecimal
// bytes in order (0xc8, "c8 d2" as testify's hex dump and % x print them, c8d2… as %x).
func byteStreams(out string) [][]byte {
	// The runes below 256 as %s prints bytes, and those from 128 on as %c prints them, spaced.
	var latin1, high, dec, hx []byte
	for _, r := range out {
		if r < 256 {
			latin1 = append(latin1, byte(r))
		}
		if r >= 128 && r < 256 {
			high = append(high, byte(r))
		}
	}
	streams := [][]byte{[]byte(out), latin1, high}
	for _, f := range strings.FieldsFunc(out, func(r rune) bool {
		return !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r >= 'A' && r <= 'F' || r == 'x')
	}) {
		if n, err := strconv.ParseUint(f, 10, 8); err == nil {
			dec = append(dec, byte(n))
		}
		h := strings.TrimPrefix(strings.ToLower(f), "0x")
		if len(h) == 4 && h[:2] == "00" { // %U: U+00DF
			h = h[2:]
		}
		if len(h)%2 != 0 || len(h) == 8 { // 8 digits: an offset column of a hex dump
			continue
		}
		if b, err := hex.DecodeString(h); err == nil {
			hx = append(hx, b...)
		}
	}
	return append(streams, dec, hx)
}

// leakIn returns how out shows the key whose canonical form is canonical, or "": in clear,
// in any case, with or without separators; its first four groups or first 20 characters in
// order with anything but letters and digits between them (['K' '7' 'Q'], K-7-Q, "k 7 q");
// or bytes that the source's old constants decode to the first 20 characters.
func leakIn(out, canonical string) string {
	joined := strings.ReplaceAll(canonical, "-", "")
	var letters strings.Builder // out case-folded, without anything but letters and digits
	for _, r := range strings.ToUpper(out) {
		if r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' {
			letters.WriteRune(r)
		}
	}
	folded := letters.String()
	if strings.Contains(folded, joined[:20]) {
		return "the first 20 characters in order"
	}
	for _, g := range groupsOf(canonical)[:4] {
		if strings.Contains(folded, g) {
			return "group " + g + " in order"
		}
	}
	for _, s := range byteStreams(out) {
		for i := 0; i+20 <= len(s); i++ {
			if oldMask(s[i:]) == joined[:20] {
				return fmt.Sprintf("bytes the old constant mask decodes, at byte %d", i)
			}
		}
	}
	return ""
}

// TestLeakEveryPath prints a Key, a Token and structs holding them in unexported fields
// through every printer (fmt verbs, log, log/slog text and JSON, encoding/json, gob,
// encoding/binary, testify's failure diff) and finds neither the key in clear nor its
// characters in order nor bytes that a decoder built from the source's constants turns back
// into the key (R1 keys are bearer secrets, R2).
func TestLeakEveryPath(t *testing.T) {
	k := token.MustParseKey(varied)
	other := token.MustParseKey("9XRTB-K7Q2M-ZC3WN-H4J8P-5VD6L")
	paths := append(printPaths(k), rawPaths(k, other)...)
	require.Greater(t, len(paths), 350)
	diffs := 0
	for _, p := range paths {
		if strings.HasPrefix(p.name, "testify") && strings.Contains(p.out, "Diff:") {
			diffs++
		}
		if p.name == "binary.Write(Key)" {
			assert.Len(t, p.out, 20, "binary.Write writes the stored form")
		}
		for _, c := range []string{varied, other.Reveal()} {
			if why := leakIn(p.out, c); why != "" {
				t.Errorf("%s shows %s of %s: %q", p.name, why, c[len(c)-5:], p.out)
			}
		}
	}
	assert.Equal(t, 5, diffs, "every testify failure should print a diff of the fields")
}

// TestLeakInFindsTheKey shows leakIn can fail: the key in clear, in lower case, spaced out,
// as fmt prints its bytes, and encoded with the old constant mask are all found.
func TestLeakInFindsTheKey(t *testing.T) {
	joined := strings.ReplaceAll(varied, "-", "")
	old := make([]byte, token.KeyLen)
	for i := range old {
		v := strings.IndexByte(token.Alphabet, joined[i])
		old[i] = byte(200 + (v+(7*i+3)%36)%36)
	}
	type raw struct{ b [25]byte }
	for name, out := range map[string]string{
		"clear":             varied,
		"lower, no hyphens": strings.ToLower(joined),
		"%c of the bytes":   fmt.Sprintf("%c", []byte(joined)),
		"%q of the bytes":   fmt.Sprintf("%q", []byte(joined)),
		"old mask, %c":      fmt.Sprintf("%c", old),
		"old mask, %U":      fmt.Sprintf("%U", old),
		"one group":         "x " + strings.ToLower(varied[6:11]) + " y",
		"old mask, %v":      fmt.Sprintf("%v", raw{[25]byte(old)}),
		"old mask, %x":      fmt.Sprintf("%x", raw{[25]byte(old)}),
		"old mask, %#v":     fmt.Sprintf("%#v", raw{[25]byte(old)}),
		"old mask, raw":     "prefix " + string(old),
		"old mask, dump":    "00000000  " + hex.Dump(old),
	} {
		assert.NotEmpty(t, leakIn(out, varied), "leakIn misses %s: %q", name, out)
	}
	assert.Empty(t, leakIn("XXXXX-XXXXX-XXXXX-XXXXX-5VD6L "+varied[24:], varied))
}
