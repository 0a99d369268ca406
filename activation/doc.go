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
// Rule ids (R1…R13) refer to the table in the project's DESIGN.md and to the
// documents it cites.
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
// G = Policy.GraceDays and D = Policy.DisabledDays (R8,
// seeds/office365-open-renewal-faq-de.txt, question 4):
//
//	state     days                  service     PartnerCenter
//	Active    d < E                 full        until the end date
//	Expired   E ≤ d < E+G           full        30 days (grace)
//	Disabled  E+G ≤ d < E+G+D       read-only   90 days
//	Deleted   E+G+D ≤ d             none        120 days after the end date
//	None      no term               none        Seats 0 and a zero End
//
// [Policy.Timeline] lists these dates, with the day renewal opens (R9).
//
// One transition table says which operation is allowed in which state:
//
//	state     AddSeats           ExtendEnd            Renew                       Activate
//	Active    yes                yes                  EarlyRenewal, in window     no
//	Expired   AddWhenInactive    ExtendWhenInactive   yes (GraceRenewAnchor)      yes
//	Disabled  AddWhenInactive    ExtendWhenInactive   yes, as Activate (R7)       yes
//	Deleted   no                 no                   no                          yes (new subscription)
//	None      no                 no                   no                          yes
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
// Add licenses, [AddSeats] (R4, R10; seeds/partner-center-cloud-services.md):
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
// Renew, [Renew] (R9; seeds/office365-open-renewal-faq-de.txt, questions 1
// and 2): the seats become the key's seats. Under [Open2014] the renew option
// appears RenewWindowDays (30) before the end date; redeeming then makes the
// redemption day the anchor (new end = AddMonths(at, term)) and the days left
// are lost, reported in Outcome.DaysLost. Inside the grace the old end date
// stays the anchor: new end = AddMonths(E, term). Under [PartnerCenter]
// (seeds/partner-center-cloud-services.md: "wait for the existing
// subscription to expire") Renew is refused while Active, and renewing an
// expired or disabled subscription is an activation anew (R7).
//
// Activate, [Activate] (R7): a new term from the redemption day: seats = C,
// new end = AddMonths(at, term), for a subscription that is None, Expired,
// Disabled or Deleted (which it replaces). Extend is not offered on an
// expired or disabled subscription (R7).
//
// Seats never exceed [MaxSeats] (1,000,000,000): adding beyond is
// [ErrSeatLimit].
//
// # Policies and their sources
//
// [PartnerCenter] is the default: the current Partner Center rules
// (seeds/partner-center-cloud-services.md) with the 30/90-day lifecycle (R8).
// [Open2014] is the 2014 Open renewal FAQ (R9 anchors, early renewal).
// The channel presets change only the lifecycle, as Microsoft documents it
// for each purchase channel (issue 4): [DirectPurchase] 30 days expired /
// 90 days disabled, [EnterpriseMultiYear] 90/90, [VolumeLicensing] 90/60.
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
// # Exactly once (R2)
//
// A key can be redeemed only once. [Policy.Apply] only computes; a [Redeemer]
// records. Redeem computes the Outcome, then makes one atomic insert-if-absent
// into a [Ledger] under the key's fingerprint, never the key itself. Of any
// number of concurrent redemptions of one key, exactly one applies. Retrying the
// identical request (same key, tenant, subscription state, token, operation and
// day; see [NewRequestID]) returns the recorded Outcome with Replayed set and
// records nothing new, so a caller whose store failed after its commit recovers
// by retrying. Any other request for a recorded key fails with
// [ErrAlreadyRedeemed], which reveals nothing about the first redemption. A
// refused redemption or a cancelled context records nothing: the key is not
// spent. [MemoryLedger] is the in-process reference; a SQL table with a unique
// key on the fingerprint implements Ledger, and the package
// [github.com/coterm/coterm/activation/ledgertest] is the conformance suite
// every implementation must pass.
//
// # The book
//
// A Redeemer leaves the subscription to its caller. A [Book] keeps it: every
// tenant's subscriptions and their history, in a [Journal] shared by any
// number of Books in any number of processes. [Book.Redeem] computes on the
// current state and appends the record at the next place of the
// subscription's history, so two keys redeemed at once both count (no lost
// update); [Book.Import] records a subscription as the admin portal shows it,
// or a correction; [Book.History] explains every change; [Book.Due] lists the
// lifecycle dates (R8) a partner must act on; [Book.Preview] and
// [Book.RedeemIfUnchanged] redeem only what was shown. The Book's request
// identity leaves out the state before, so the identical request replays even
// after other keys moved the subscription on, and a retry after a store error
// needs no state from the caller. [MemoryJournal] is the in-process reference
// and is also a Ledger, with one set of spent keys for both.
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
// No error message and no JSON ever contains a key in clear: token.Key prints
// masked, and [Outcome.MarshalJSON] writes the masked form.
package activation
