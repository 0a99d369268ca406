// Package activation answers what redeeming a product key does to a
// subscription: its seats, its end date and its lifecycle state, computed
// exactly and explained, before the key is spent.
//
// Every function of the package is pure and deterministic: the day is a
// parameter (nothing reads the clock), inputs are values, results are values,
// and nothing panics on any input. Only calendar dates count: a time.Time is
// read as its year, month and day in its own location, and every date the
// package returns is a date at 00:00 UTC. No floating point is used anywhere; the
// arithmetic is exact integer arithmetic from package proration.
//
// Every function documents its inputs, outputs and errors and links here for
// the rules and formulas, which are stated once, below.
//
// # Rules and their sources
//
// The rule ids (R1…R13) cited in code, tests and explanations are these.
// Each comes from a published document, named by its title:
//
//	id   rule                                                                 source
//	R1   a product key is 25 characters, five groups of five alphanumerics    Partner Network FAQ; Cloud services
//	R2   a key is redeemed exactly once, never split; seats never move to     Microsoft Partner Network Programs Guide;
//	     another tenant                                                       Cloud services
//	R3   each key gives 12 months of service from the day it is redeemed      Cloud services
//	R4   add licenses: seats grow by the key's, the end date becomes the      Cloud services
//	     seat-weighted average [A × B + C × 12 months] ÷ (A + C)
//	R5   extend end date: seats stay, the end moves by C ÷ A × 12 months      Cloud services ("Licensing scenarios" 1–3)
//	R6   extend accepts a key of at most 3 × the active seats (three years)   Cloud services (scenario 4)
//	R7   no extend on an expired or disabled subscription: activate anew      Cloud services
//	R8   after the end date: 30 days expired (fully functional), then 90      Office 365: Verlängerung in Open, wie?
//	     days disabled (read-only); deleted 120 days after the end date       (question 4)
//	R9   renew appears 30 days before the end; early renewal anchors on the   Office 365: Verlängerung in Open, wie?
//	     redemption day (days lost), inside the grace on the old end date     (questions 1–2)
//	R10  licenses bought mid-term co-term: all seats share one end date       Office 365: Verlängerung in Open, wie? (question 5)
//	R11  switching channel mid-term costs 25 % of the remaining term; in the  Office 365: Verlängerung in Open, wie? (question 3)
//	     first 30 days the first month is paid instead
//	R12  a replacement key is considered within 30 days of activation, once   Microsoft Partner Network Programs Guide
//	R13  program use rights end with the program year, even when the          Office 365 IUR; Cloud services
//	     subscription runs longer
//
// "Cloud services" is the Partner Center article on partner benefits for
// cloud products (2023); "Office 365: Verlängerung in Open, wie?" is the
// Microsoft Partner Network blog's renewal FAQ for Office 365 in Open
// (June 2014); the channel presets cite Microsoft Learn, "What happens to my
// data and access when my Microsoft 365 for business subscription ends?".
//
// # Model
//
// A [Subscription] is a tenant's subscription to one product: Seats and an
// End date, the first day without service. The subscription with no term —
// Seats 0 and a zero End — means the tenant has none yet; its state is [None].
//
// A key is a token.Token: the 25-character key, the product it is for, its
// seats and its term (0 means the policy's TermMonths, 12 by default, R3).
// A key is redeemed once (R2); [Policy.Apply] only computes, a Redeemer with
// a Ledger records.
//
// An [Operation] is what the redemption does: [AddSeats], [ExtendEnd],
// [Renew] or [Activate]. A [Policy] holds every rule as a named field.
// [Policy.Apply] returns an [Outcome]: the subscription before and after and
// every number of the formula, which [Outcome.Explain] turns into a sentence.
// [Policy.Preview] and [Policy.Options] show all operations side by side.
//
// # Lifecycle
//
// A subscription's [State] on day d follows from its end date E, with
// G = Policy.GraceDays and D = Policy.DisabledDays (R8):
//
//	state     days                  service     PartnerCenter
//	Active    d < E                 full        until the end date
//	Expired   E ≤ d < E+G           full        30 days (grace)
//	Disabled  E+G ≤ d < E+G+D       read-only   90 days
//	Deleted   E+G+D ≤ d             none        120 days after the end date
//	None      no term               none        Seats 0 and a zero End
//
// [Policy.Timeline] lists these dates, with the day renewal opens (R9): the
// end date, or RenewWindowDays before it under a policy with EarlyRenewal.
// One function computes these boundaries; the state, the refusals and the
// timeline all read them.
//
// One transition table says which operation is allowed in which state:
//
//	state     AddSeats           ExtendEnd            Renew                       Activate
//	Active    yes                yes                  EarlyRenewal, in window     no
//	Expired   AddWhenInactive    ExtendWhenInactive   yes (GraceRenewAnchor)*     yes
//	Disabled  AddWhenInactive    ExtendWhenInactive   yes, as Activate (R7)       yes
//	Deleted   no                 no                   no                          yes (new subscription)
//	None      no                 no                   no                          yes
//
// * Renewing inside the grace with GraceRenewAnchor OldEnd needs a key whose
// term, counted from the old end date, ends after the redemption day: a key
// with a shorter term of its own than the grace would buy nothing (R9).
//
// A refusal is a [*NotAllowedError] wrapping [ErrNotAllowed]; it names the
// operation, the state, the day the state began and, if waiting helps, the
// day the operation becomes possible.
//
// # Operations and formulas
//
// With A the active seats, C the key's seats, B = Days(at, End) the days
// remaining, and T = Days(at, AddMonths(at, term)) the days of the key's term:
//
// Add licenses, [AddSeats] (R4, R10):
// all seats share one seat-weighted end date, no time added or lost:
//
//	R = (A·B + C·T) ÷ (A + C) days, rounded by Policy.Rounding (half-even)
//	seats A + C, new end = at + R
//
// Example: 100 seats × 90 days + 25 seats × 365 days = 18,125 seat-days;
// ÷ 125 seats = 145 days.
//
// Extend end date, [ExtendEnd] (R5, R6): the seats stay and the end date E
// moves by m = C ÷ A × term months, an exact fraction. Under
// proration.CalendarMonths, with w the whole months of m and f its fraction,
// new end = AddMonths(E, w) + round(f × Days(AddMonths(E, w), AddMonths(E, w+1)));
// under proration.ExactSeatDays, new end = E + round(C × T ÷ A) days.
// The documented scenarios: 100 seats + 25-seat key = +3 months;
// 100 + 100 = +12 months; 5 + 10 = +24 months; a key of more than
// CapFactor × A seats (3 × A: at most three years) is refused with a
// *proration.CapError wrapping [ErrExtensionCap] that names the largest key
// accepted; C = 3A is exactly +36 months.
//
// Renew, [Renew] (R9): the seats become the key's seats. Under [Open2014] the renew option
// appears RenewWindowDays (30) before the end date; redeeming then makes the
// redemption day the anchor (new end = AddMonths(at, term)) and the days left
// are lost, reported in Outcome.DaysLost. Inside the grace the old end date
// stays the anchor: new end = AddMonths(E, term). Under [PartnerCenter]
// (Cloud services: "wait for the existing subscription to expire") Renew is
// refused while Active, and renewing an expired or disabled subscription is
// an activation anew (R7).
//
// Activate, [Activate] (R7): a new term from the redemption day: seats = C,
// new end = AddMonths(at, term), for a subscription that is None, Expired,
// Disabled or Deleted (which it replaces). Extend is not offered on an
// expired or disabled subscription (R7).
//
// A renewal that is an activation anew reports Outcome.Applied = Activate.
// Seats never exceed [MaxSeats] (1,000,000,000): adding beyond is
// [ErrSeatLimit]. The inputs every entry point accepts: a valid policy
// ([Policy.Validate]), a valid subscription ([Subscription.Validate]), a key
// that token.Token.Validate accepts (seats 1 … [MaxSeats], term 0 … 36
// months) and a day from 0001-01-02 to 9999-12-31; a result past 9999-12-31
// is an error.
//
// # Policies and their sources
//
// [PartnerCenter] is the default: the current Partner Center rules (Cloud
// services) with the 30/90-day lifecycle (R8). [Open2014] is the 2014 Open
// renewal FAQ (R9 anchors, early renewal). The channel presets change only
// the lifecycle, as Microsoft Learn documents it for each purchase channel:
// [DirectPurchase] 30 days expired / 90 days disabled, [EnterpriseMultiYear]
// 90/90, [VolumeLicensing] 90/60. [PolicyByName] finds a preset by its name.
// A Policy is a value: copy a preset and change a field; [Policy.Validate]
// refuses an incoherent one and every entry point validates it.
//
// Points the documents leave open, and the choice made (each a field or a
// documented rule):
//   - renew while Active under Partner Center: refused (EarlyRenewal false);
//   - renew of a Disabled subscription: an activation anew under every policy;
//   - renew or extend of a Deleted or None subscription: refused, Activate;
//   - add licenses on an Expired or Disabled subscription: refused by
//     default (AddWhenInactive), with B = 0 when allowed;
//   - a key's term: the token's TermMonths, or the policy's when 0;
//   - the product: checked whenever the subscription names one, even a None
//     subscription; a None subscription with no product takes the key's;
//   - replacement keys (R12): requested on the activation day or any of the
//     ReplacementWindowDays (30) days after it, once; see
//     [Policy.ReplacementAllowed].
//
// # Storing redemptions
//
// [Policy.Apply] only computes. A [Redeemer] spends a key exactly once (R2)
// in a [Ledger]; a [Book] keeps every subscription's history in a [Journal],
// exactly once per key and with no lost update. Both answer a request for a
// spent key alike: the identical request replays the recorded Outcome, any
// other is [ErrAlreadyRedeemed]. [MemoryJournal] is the in-process store of
// both (a [MemoryLedger] is one), package pgledger the PostgreSQL one, and
// package ledgertest the conformance suite every store passes.
//
// # Names
//
// The enumerations — [Operation], [State], [Anchor], the preset names of
// [PolicyByName], and likewise proration.Rounding, proration.Convention,
// proration.SwitchRule, plan.GoalKind and plan.Finding — follow one rule.
// Each value has one canonical name in lower case with hyphens, which
// String and MarshalText write ("add-seats"); a value that is not defined
// prints as "Operation(7)" and does not marshal. Parsing accepts the whole
// text as a canonical name or a documented alias, in any ASCII case, and
// nothing else: nothing is trimmed, and no Unicode case folding applies (the
// Kelvin sign is not a "k"). The aliases are "add" and "add-licenses" for
// add-seats, "extend" and "extend-end-date" for extend-end, and "open2014"
// for the open-2014 policy. A refused text is never repeated: the error
// lists the names expected and says only how many bytes were given, since a
// product key pasted into the wrong field must not come back in clear.
//
// # JSON
//
// JSON field names are camelCase, like [Subscription]'s tenant, product,
// seats and end; dates are "YYYY-MM-DD" and enumerations their canonical
// names. JSON null leaves a value unchanged, as encoding/json does.
//
// # Errors
//
// Every error wraps one sentinel, for [errors.Is]: [ErrInvalid] (a malformed
// policy, subscription, token, operation or day; the message names the field),
// [ErrProductMismatch] ([*ProductMismatchError]), [ErrNotAllowed]
// ([*NotAllowedError]), [ErrExtensionCap] (a *proration.CapError, the same
// sentinel as proration.ErrExtensionCap), [ErrSeatLimit], and, from a
// Redeemer or a Book, [ErrAlreadyRedeemed] (and [ErrChanged] from
// [Book.RedeemIfUnchanged]). An error of a store is returned wrapped, never
// as a refusal. A refused Apply returns the zero Outcome.
// A message starts with the name of the package that made it, once; a wrap
// within the library's own errors adds context, never a second name, and an
// error of another package (proration, token, a store) keeps its own name
// after that context ("activation: invalid input: redemption day:
// proration: date out of range: …"); it stays reachable with [errors.Is]
// and [errors.As]. No error message and no JSON ever contains a
// key in clear: token.Key prints masked, and [Outcome.MarshalJSON] writes the
// masked form. A message quotes a name only when [CheckName]'s rule finds no
// key in it, in any spelling; otherwise it says "(a name that could be read
// as a key)", and an error that refuses a name says what is wrong with it
// without quoting it.
//
// # Performance
//
// [Policy.Apply] computes in integer days on the stack and allocates nothing
// for add licenses and extend end date (a test holds it to zero allocations);
// [Policy.Preview] allocates only the slice it returns. BenchmarkApplyDecimal
// times the same computation written with shopspring/decimal and time.Time.
package activation
