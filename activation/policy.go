package activation

import (
	"github.com/coterm/coterm/internal/enum"
	"github.com/coterm/coterm/proration"
)

// Policy holds every rule of a redemption as a named field; the presets
// ([PartnerCenter], [Open2014], [DirectPurchase], [EnterpriseMultiYear],
// [VolumeLicensing]) fill them with the values of their sources. A Policy is a
// plain value: copy a preset and change a field to model another channel.
// The zero Policy is invalid; [Policy.Validate] says why.
type Policy struct {
	// Name labels the policy in explanations and reports, e.g.
	// "partner-center". It has no effect on any result.
	Name string

	// TermMonths is the term of a key that does not state its own
	// (token.Token.TermMonths 0): 12 months from the redemption day (R3).
	// 1 … proration.MaxTermMonths.
	TermMonths int

	// GraceDays is how long a subscription stays Expired after its end date
	// (R8: 30 days). 0 … 3650.
	GraceDays int
	// ExpiredService is what an Expired subscription still gives (R22):
	// FullService under most channels (R8: "fully functional"), NoService
	// under volume licensing ("Services immediately become unavailable when
	// the Expired status starts"). Zero means FullService; see
	// [Policy.Service].
	ExpiredService Service
	// DisabledDays is how long it then stays Disabled before it is Deleted
	// (R8: 90 days, so deleted 120 days after the end date).
	// 0 … 3650.
	DisabledDays int
	// DisabledService is what a Disabled subscription still gives (R8,
	// R22): ReadOnlyService ("Data is accessible to admins only") or
	// NoService, never FullService. Zero means ReadOnlyService.
	DisabledService Service

	// EarlyRenewal says whether Renew is allowed while the subscription is
	// still Active, inside the renew window (R9, Open2014: true). Partner
	// Center says to wait for the subscription to expire and then renew,
	// which is an activation anew (R7): false.
	EarlyRenewal bool
	// RenewWindowDays is how many days before the end date the renew option
	// appears (R9: 30 days). It matters only with EarlyRenewal.
	// 0 … 3650.
	RenewWindowDays int
	// EarlyRenewAnchor is where an early renewal's new term starts (R9:
	// RedemptionDay — the days left are lost, and reported as DaysLost).
	EarlyRenewAnchor Anchor
	// GraceRenewAnchor is where a renewal inside the grace period (Expired)
	// starts its new term: OldEnd under Open2014 (R9: new end = old end +
	// 12 months), RedemptionDay under Partner Center, where renewing an
	// expired subscription is an activation anew (R7). A renewal of a
	// Disabled subscription is always an activation anew.
	GraceRenewAnchor Anchor

	// CapFactor bounds extend end date (R6: 3, "a maximum of three years"),
	// as CapRule reads it: a key of at most CapFactor × the active seats, so
	// that one key moves the end date by at most CapFactor terms (CapPerKey,
	// the default), or a new end date at most CapFactor terms of the key
	// after the redemption day (CapEndLimit). 1 … 100.
	CapFactor int
	// CapRule is the reading of "extend the end date by a maximum of three
	// years" (R6): proration.CapPerKey, the zero value and the default, bounds
	// each key (scenario 4: C ≤ 3 × A; four 300-seat keys on 100 seats move
	// an end of 2027-03-01 to 2039-03-01); proration.CapEndLimit bounds the
	// end date, at most AddMonths(redemption day, CapFactor × the key's
	// term), whatever keys came before.
	CapRule proration.CapRule
	// Rounding turns an exact fraction of days into whole days: the blended
	// remaining term of add licenses (R4) and the fractional month of extend
	// end date (R5). Default proration.HalfEven.
	Rounding proration.Rounding
	// Convention says how extend end date turns months into days (R5).
	// Default proration.CalendarMonths.
	Convention proration.Convention

	// AddWhenInactive allows add licenses on an Expired or Disabled
	// subscription (remaining days B counted as 0). Partner Center sends such
	// a subscription to activation (R7): false.
	AddWhenInactive bool
	// ExtendWhenInactive allows extend end date on an Expired or Disabled
	// subscription. R7: the option is not offered there: false.
	ExtendWhenInactive bool

	// ReplacementWindowDays is how many days after activation a replacement
	// key may be requested, once (R12: 30 days). 0 … 3650.
	ReplacementWindowDays int
}

// maxPolicyDays bounds every day count of a Policy (ten years).
const maxPolicyDays = 3650

// PartnerCenter returns the default policy, the current Partner Center
// rules for cloud benefit keys: a 12-month term (R3), 30 days of grace and
// 90 disabled (R8), full service while Expired and read-only while Disabled
// (R22), no early renewal but a renew window of 30 days before the end,
// anchored on the redemption day (R9; after expiry, an activation anew,
// R7), a cap of 3 per key (R6),
// half-even rounding in calendar months (R4, R5), no add or extend while
// inactive, and a 30-day replacement window (R12).
func PartnerCenter() Policy {
	return Policy{
		Name:                  "partner-center",
		TermMonths:            proration.DefaultTermMonths,
		GraceDays:             30,
		ExpiredService:        FullService,
		DisabledDays:          90,
		DisabledService:       ReadOnlyService,
		EarlyRenewal:          false,
		RenewWindowDays:       30,
		EarlyRenewAnchor:      RedemptionDay,
		GraceRenewAnchor:      RedemptionDay,
		CapFactor:             proration.DefaultCapFactor,
		CapRule:               proration.CapPerKey,
		Rounding:              proration.HalfEven,
		Convention:            proration.CalendarMonths,
		AddWhenInactive:       false,
		ExtendWhenInactive:    false,
		ReplacementWindowDays: 30,
	}
}

// Open2014 returns the 2014 Office 365 Open renewal rules
// ("Office 365: Verlängerung in Open, wie?", questions 1, 2 and 4): as
// [PartnerCenter], except that Renew is offered 30 days before the end date
// with the redemption day as the new anchor (days before the end are lost),
// and inside the 30-day grace the old end date stays the anchor (R9):
//
//	Name "open-2014", EarlyRenewal true, EarlyRenewAnchor RedemptionDay,
//	GraceRenewAnchor OldEnd.
func Open2014() Policy {
	p := PartnerCenter()
	p.Name = "open-2014"
	p.EarlyRenewal = true
	p.EarlyRenewAnchor = RedemptionDay
	p.GraceRenewAnchor = OldEnd
	return p
}

// DirectPurchase returns [PartnerCenter] with the expiry periods and service
// Microsoft documents for subscriptions bought directly or through a
// partner (Microsoft Learn, "What happens to my data and access when my
// Microsoft 365 for business subscription ends?"): 30 days Expired, where
// "Users have normal access to Microsoft 365, files, and apps"
// (FullService), then 90 days Disabled, where "Data is accessible to admins
// only" (ReadOnlyService).
func DirectPurchase() Policy {
	return channel("direct-purchase", 30, 90, FullService)
}

// EnterpriseMultiYear returns [PartnerCenter] with the expiry periods of an
// enterprise agreement with a multi-year term (the same Microsoft Learn page
// as [DirectPurchase]): 90 days Expired with full service, 90 days Disabled,
// read-only.
func EnterpriseMultiYear() Policy {
	return channel("enterprise-multi-year", 90, 90, FullService)
}

// VolumeLicensing returns [PartnerCenter] with the expiry periods and service
// of volume licensing (the same Microsoft Learn page as [DirectPurchase]):
// 90 days Expired with no service — "Services immediately become unavailable
// when the Expired status starts and lasts for 90 days"; "Service is
// immediately unavailable on the subscription end date" (NoService, R22) —
// then 60 days Disabled, where "Data is accessible to admins only"
// (ReadOnlyService; the page's volume licensing row says nothing else of
// Disabled). Full service ends on the end date.
func VolumeLicensing() Policy {
	return channel("volume-licensing", 90, 60, NoService)
}

// channel is [PartnerCenter] with a channel's name, days Expired and
// Disabled, and service while Expired; Disabled is read-only in every
// channel.
func channel(name string, graceDays, disabledDays int, expired Service) Policy {
	p := PartnerCenter()
	p.Name = name
	p.GraceDays, p.DisabledDays = graceDays, disabledDays
	p.ExpiredService, p.DisabledService = expired, ReadOnlyService
	return p
}

// Validate reports whether p is coherent: TermMonths 1 … 36, day counts
// 0 … 3650 (ten years), CapFactor 1 … 100, a defined Rounding, Convention,
// CapRule and both anchors, an ExpiredService that is zero or a [Service], a
// DisabledService that is zero, [ReadOnlyService] or [NoService] (a Disabled
// subscription is never fully functional, R8), and — when a grace renewal keeps the old end date — a grace
// shorter than a term (28 days × TermMonths), so a renewal with the policy's
// term always ends after the day it is redeemed (a key with a shorter term of
// its own is refused by [Policy.Apply] with a [*NotAllowedError]). Errors wrap [ErrInvalid] and name the field.
func (p Policy) Validate() error {
	switch {
	case p.TermMonths < 1 || p.TermMonths > proration.MaxTermMonths:
		return invalid("policy: TermMonths %d outside 1…%d", p.TermMonths, proration.MaxTermMonths)
	case !validDays(p.GraceDays):
		return invalid("policy: GraceDays %d outside 0…%d", p.GraceDays, maxPolicyDays)
	case !validDays(p.DisabledDays):
		return invalid("policy: DisabledDays %d outside 0…%d", p.DisabledDays, maxPolicyDays)
	case !validDays(p.RenewWindowDays):
		return invalid("policy: RenewWindowDays %d outside 0…%d", p.RenewWindowDays, maxPolicyDays)
	case !validDays(p.ReplacementWindowDays):
		return invalid("policy: ReplacementWindowDays %d outside 0…%d", p.ReplacementWindowDays, maxPolicyDays)
	case p.CapFactor < 1 || p.CapFactor > proration.MaxCapFactor:
		return invalid("policy: CapFactor %d outside 1…%d", p.CapFactor, proration.MaxCapFactor)
	case !p.Rounding.Valid():
		return invalid("policy: Rounding %s", p.Rounding)
	case !p.Convention.Valid():
		return invalid("policy: Convention %s", p.Convention)
	case !p.CapRule.Valid():
		return invalid("policy: CapRule %s", p.CapRule)
	case !p.EarlyRenewAnchor.valid():
		return invalid("policy: EarlyRenewAnchor %s", p.EarlyRenewAnchor)
	case !p.GraceRenewAnchor.valid():
		return invalid("policy: GraceRenewAnchor %s", p.GraceRenewAnchor)
	case p.ExpiredService != 0 && !p.ExpiredService.Valid():
		return invalid("policy: ExpiredService %s", p.ExpiredService)
	case p.DisabledService != 0 && p.DisabledService != ReadOnlyService && p.DisabledService != NoService:
		return invalid("policy: DisabledService %s: want read-only or none (a disabled subscription is not fully functional, R8)", p.DisabledService)
	case p.GraceRenewAnchor == OldEnd && p.GraceDays >= 28*p.TermMonths:
		return invalid("policy: GraceDays %d with GraceRenewAnchor old-end must be under one term (%d days)", p.GraceDays, 28*p.TermMonths)
	}
	return nil
}

// plainlyValid reports whether p is valid by a few combined range checks:
// what Validate checks, except that it asks every day count to be under
// 2,048 (a policy of longer periods takes Validate). When it reports true,
// Validate returns nil (a property test pins this). It is two functions
// small enough to be inlined, so that checkPlain calls neither.
func (p *Policy) plainlyValid() bool { return p.plainRules() && p.plainService() }

// plainRules is plainlyValid without the services.
func (p *Policy) plainRules() bool {
	return uint(p.TermMonths-1) < proration.MaxTermMonths &&
		uint(p.GraceDays|p.DisabledDays|p.RenewWindowDays|p.ReplacementWindowDays) < 2048 &&
		uint(p.CapFactor-1) < proration.MaxCapFactor &&
		uint(p.Rounding) <= uint(proration.Up) && uint(p.Convention)|uint(p.CapRule) <= uint(proration.ExactSeatDays) &&
		uint(p.EarlyRenewAnchor-RedemptionDay) <= uint(OldEnd-RedemptionDay) &&
		uint(p.GraceRenewAnchor-RedemptionDay) <= uint(OldEnd-RedemptionDay) &&
		(p.GraceRenewAnchor != OldEnd || p.GraceDays < 28*p.TermMonths)
}

// plainService is plainlyValid's check of the services: ExpiredService 0 …
// 3, DisabledService 0, 2 or 3 (R8, R22).
func (p *Policy) plainService() bool {
	return uint(p.ExpiredService)|uint(p.DisabledService) <= uint(NoService) && p.DisabledService != FullService
}

// plainlyValid asks less than Validate allows: this fails to compile if not.
const _ = uint(maxPolicyDays - 2047)

// plainRules checks the conventions and the cap rules with one bound: this
// fails to compile if their last values drift apart.
const _ = uint(proration.ExactSeatDays-proration.Convention(proration.CapEndLimit)) + uint(proration.Convention(proration.CapEndLimit)-proration.ExactSeatDays)

func validDays(n int) bool { return n >= 0 && n <= maxPolicyDays }

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

// policyText is the text form of the presets' names: value i is
// policyPresets()[i-1].
var policyText = enum.New[int]("Policy", "policy", invalidMsg,
	[]string{"", "partner-center", "open-2014", "direct-purchase", "enterprise-multi-year", "volume-licensing"},
	enum.Alias[int]{Name: "open2014", Value: 2})

// PolicyByName returns the preset policy with the given name, for command
// lines and configuration files, by the package's rule for names (see the
// package documentation, "Names"): one of [PolicyNames], or the alias
// "open2014" for "open-2014", in any ASCII case. For every preset p,
// PolicyByName(p.Name) returns p.
//
// An unknown name is an error wrapping [ErrInvalid] that lists the valid
// names and does not repeat the name given.
func PolicyByName(name string) (Policy, error) {
	i, err := policyText.Parse(name)
	if err != nil {
		return Policy{}, err
	}
	return policyPresets()[i-1], nil
}
