package token_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"strings"
	"testing"

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
