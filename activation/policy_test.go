package activation_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
)

func TestPolicyNames(t *testing.T) {
	presets := []activation.Policy{activation.PartnerCenter(), activation.Open2014(), activation.DirectPurchase(),
		activation.EnterpriseMultiYear(), activation.VolumeLicensing()}
	want := []string{"partner-center", "open-2014", "direct-purchase", "enterprise-multi-year", "volume-licensing"}
	require.Equal(t, want, activation.PolicyNames())
	for i, p := range presets {
		assert.Equal(t, want[i], p.Name, "preset %d", i)
		got, err := activation.PolicyByName(p.Name)
		require.NoError(t, err, "PolicyByName(%q)", p.Name)
		assert.Equal(t, p, got, "PolicyByName(%q)", p.Name)
	}
	names := activation.PolicyNames()
	names[0] = "changed"
	assert.Equal(t, want, activation.PolicyNames(), "PolicyNames returns a new slice")
}

func TestPolicyByName(t *testing.T) {
	good := map[string]activation.Policy{
		"partner-center":        activation.PartnerCenter(),
		"Partner-Center":        activation.PartnerCenter(),
		"open-2014":             activation.Open2014(),
		"open2014":              activation.Open2014(),
		"OPEN2014":              activation.Open2014(),
		"direct-purchase":       activation.DirectPurchase(),
		"enterprise-multi-year": activation.EnterpriseMultiYear(),
		"volume-licensing":      activation.VolumeLicensing(),
		"VOLUME-LICENSING":      activation.VolumeLicensing(),
	}
	for s, want := range good {
		got, err := activation.PolicyByName(s)
		require.NoErrorf(t, err, "PolicyByName(%q)", s)
		assert.Equalf(t, want, got, "PolicyByName(%q)", s)
	}
	bad := map[string]string{
		"empty":                 "",
		"leading space":         " partner-center",
		"trailing newline":      "open-2014\n",
		"underscore":            "partner_center",
		"no hyphen":             "partnercenter",
		"open 2014 with space":  "open 2014",
		"old whatif short name": "direct",
		"cyrillic look-alike о": "\u043epen-2014",
		"kelvin sign":           "partner-center\u212a",
		"long s":                "direct-purchaſe",
		"NUL":                   "open-2014\x00",
		"invalid UTF-8":         "open-2014\xff",
		"very long":             strings.Repeat("partner-center", 100),
	}
	for name, s := range bad {
		p, err := activation.PolicyByName(s)
		require.ErrorIsf(t, err, activation.ErrInvalid, name)
		assert.Zerof(t, p, name)
		msg := err.Error()
		for _, n := range activation.PolicyNames() {
			assert.Containsf(t, msg, n, "%s: the error lists the valid names", name)
		}
		assert.Lessf(t, len(msg), 300, "%s: the error quotes at most 40 bytes of the input", name)
	}
	_, err := activation.PolicyByName("nope")
	assert.EqualError(t, err, `activation: invalid input: unknown policy (4 bytes): want partner-center, open-2014, direct-purchase, enterprise-multi-year or volume-licensing (also open2014)`)
}

// FuzzPolicyByName checks the parser on arbitrary input: it never panics; an
// accepted name is a preset's name or alias in some ASCII case, and the
// preset's own name gives the same policy back; a refused one is ErrInvalid
// with a zero Policy and a short message.
func FuzzPolicyByName(f *testing.F) {
	for _, s := range append(activation.PolicyNames(), "open2014", "OPEN-2014", "Partner-Center", "", " ", "direct",
		"partner-center ", "open-2014\x00", "\u043epen-2014", "partner-center\u212a", "ſ", "\xff", "volume-licensinG") {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := activation.PolicyByName(s)
		if err != nil {
			if !errors.Is(err, activation.ErrInvalid) {
				t.Fatalf("PolicyByName(%q): error %v does not wrap ErrInvalid", s, err)
			}
			if p != (activation.Policy{}) {
				t.Fatalf("PolicyByName(%q) = %+v with an error", s, p)
			}
			if len(err.Error()) > 400 {
				t.Fatalf("PolicyByName(%q): error of %d bytes", s, len(err.Error()))
			}
			return
		}
		lower := asciiLower(s)
		if lower != p.Name && !(lower == "open2014" && p.Name == "open-2014") {
			t.Fatalf("PolicyByName(%q) = %q: not its name in another ASCII case", s, p.Name)
		}
		if !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool { return r > 0x7f }) {
			t.Fatalf("PolicyByName(%q) accepted non-ASCII input", s)
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("PolicyByName(%q).Validate() = %v", s, err)
		}
		again, err := activation.PolicyByName(p.Name)
		if err != nil || again != p {
			t.Fatalf("PolicyByName(%q) = %+v, %v; want %+v", p.Name, again, err, p)
		}
	})
}

// asciiLower maps A–Z to a–z and nothing else.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// A command line's -policy flag: the names to offer, and the policy a name
// selects.
func ExamplePolicyByName() {
	fmt.Println(strings.Join(activation.PolicyNames(), ", "))

	p, err := activation.PolicyByName("open2014")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.Name, "early renewal:", p.EarlyRenewal, "grace renews from:", p.GraceRenewAnchor)

	_, err = activation.PolicyByName("direct")
	fmt.Println(errors.Is(err, activation.ErrInvalid))
	// Output:
	// partner-center, open-2014, direct-purchase, enterprise-multi-year, volume-licensing
	// open-2014 early renewal: true grace renews from: old-end
	// true
}

// maxPolicyDays is the largest day count a Policy accepts (ten years), as
// its fields' docs say.
const maxPolicyDays = 3650

// TestPolicyValidateLimits: every day count accepts 0 … maxPolicyDays and
// refuses one beyond either end, naming the field; a grace renewal anchored
// on the old end date needs a grace under one term (R9).
func TestPolicyValidateLimits(t *testing.T) {
	fields := map[string]func(p *activation.Policy) *int{
		"GraceDays":             func(p *activation.Policy) *int { return &p.GraceDays },
		"DisabledDays":          func(p *activation.Policy) *int { return &p.DisabledDays },
		"RenewWindowDays":       func(p *activation.Policy) *int { return &p.RenewWindowDays },
		"ReplacementWindowDays": func(p *activation.Policy) *int { return &p.ReplacementWindowDays },
	}
	for name, field := range fields {
		for _, n := range []int{0, maxPolicyDays} {
			p := activation.PartnerCenter()
			*field(&p) = n
			require.NoError(t, p.Validate(), "%s %d", name, n)
		}
		for _, n := range []int{-1, maxPolicyDays + 1} {
			p := activation.PartnerCenter()
			*field(&p) = n
			err := p.Validate()
			require.ErrorIs(t, err, activation.ErrInvalid, "%s %d", name, n)
			assert.Contains(t, err.Error(), fmt.Sprintf("policy: %s %d outside 0…%d", name, n, maxPolicyDays))
		}
	}
	p := activation.Open2014()
	p.GraceDays = 28 * p.TermMonths
	assert.EqualError(t, p.Validate(), "activation: invalid input: policy: GraceDays 336 with GraceRenewAnchor old-end must be under one term (336 days)")
	p.GraceDays--
	assert.NoError(t, p.Validate())
}
