package activation

import (
	"fmt"
	"strings"
)

// policyPresets lists the preset policies in the order [PolicyNames] gives
// their names. Each preset's Policy.Name is its name.
func policyPresets() [5]Policy {
	return [...]Policy{PartnerCenter(), Open2014(), DirectPurchase(), EnterpriseMultiYear(), VolumeLicensing()}
}

// PolicyNames returns the names of the preset policies, in this order:
// "partner-center" ([PartnerCenter], the default), "open-2014" ([Open2014]),
// "direct-purchase" ([DirectPurchase]), "enterprise-multi-year"
// ([EnterpriseMultiYear]) and "volume-licensing" ([VolumeLicensing]). Each is
// the preset's Policy.Name and is accepted by [PolicyByName]. The slice is
// new on every call; the caller may change it.
func PolicyNames() []string {
	presets := policyPresets()
	names := make([]string, len(presets))
	for i, p := range presets {
		names[i] = p.Name
	}
	return names
}

// PolicyByName returns the preset policy with the given name, for command
// lines and configuration files: one of [PolicyNames], in any ASCII case, or
// "open2014" for "open-2014". For every preset p, PolicyByName(p.Name)
// returns p. Nothing is trimmed, and no Unicode case folding applies (the
// Kelvin sign is not a "k").
//
// An unknown name is an error wrapping [ErrInvalid] that lists the valid
// names; it quotes at most the first 40 bytes of name.
func PolicyByName(name string) (Policy, error) {
	n := lowerASCII(name)
	if n == "open2014" {
		n = "open-2014"
	}
	for _, p := range policyPresets() {
		if p.Name == n {
			return p, nil
		}
	}
	return Policy{}, fmt.Errorf("%w: unknown policy %q (want %s)", ErrInvalid, clip(name), strings.Join(PolicyNames(), ", "))
}
