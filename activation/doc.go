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
// # Rules and their sources
//
// The rule ids (R1…R13, R22) cited in code, tests and explanations are
// these. Each comes from a published document, named by its title:
//
//	id   rule                                                                 source
//	R1   a product key is 25 characters, five groups of five alphanumerics    Partner Network FAQ; Cloud services
//	R2   a key is redeemed exactly once, never split; seats never move to     Microsoft Partner Network Programs Guide;
//	     another tenant                                                       Cloud services
//	R3   each key gives 12 months of service from the day it is redeemed      Cloud services
//	R4   add licenses: seats grow by the key's, the end date becomes the      Cloud services
//	     seat-weighted average [A × B + C × 12 months] ÷ (A + C)
//	R5   extend end date: seats stay, the end moves by C ÷ A × 12 months      Cloud services ("Licensing scenarios" 1–3)
//	R6   "extend the end date by a maximum of three years", read per key     Cloud services (scenario 4)
//	     (default): a key of at most 3 × the active seats; or, as a policy
//	     choice, as an end limit: at most 36 months after the redemption day
//	R7   no extend on an expired or disabled subscription: activate anew      Cloud services
//	R8   after the end date: 30 days expired (fully functional), then 90      Office 365: Verlängerung in Open, wie?
//	     days disabled (read-only); deleted 120 days after the end date       (question 4)
//	R9   renew appears 30 days before the end; early renewal anchors on the   Office 365: Verlängerung in Open, wie?
//	     redemption day (days lost), inside the grace on the old end date     (questions 1–2)
//	R10  licenses bought mid-term co-term: all seats share one end date       Office 365: Verlängerung in Open, wie? (question 5)
//	R11  switching channel mid-term costs 25 % of the remaining term; within  Office 365: Verlängerung in Open, wie? (question 3)
//	     30 days of activation (day 0 … day 30) the first month is paid
//	R12  a replacement key is considered within 30 days of activation (day    Microsoft Partner Network Programs Guide
//	     0 … day 30), once
//	R13  program use rights end with the program year, even when the          Office 365 IUR; Cloud services
//	     subscription runs longer
//	R22  service per state follows the channel: while expired full under      Microsoft Learn (channel presets)
//	     most, none under volume licensing ("Services immediately become
//	     unavailable when the Expired status starts"); while disabled,
//	     read-only ("Data is accessible to admins only")
//
// "Cloud services" is the Partner Center article on partner benefits for
// cloud products (2023); "Office 365: Verlängerung in Open, wie?" is the
// Microsoft Partner Network blog's renewal FAQ for Office 365 in Open
// (June 2014); the channel presets cite Microsoft Learn, "What happens to my
// data and access when my Microsoft 365 for business subscription ends?".
//
// # Model
//
// A [Subscription] is a tenant's Seats of one product until End, the first
// day without service; Seats 0 and a zero End is none yet ([None]). A key is
// a token.Token: the key, its product, seats and term (0: the policy's
// TermMonths, 12 by default, R3). [Policy.Apply] computes what an
// [Operation] does with a key and returns an [Outcome], which
// [Outcome.Explain] turns into a sentence; [Policy.Options] shows all four
// side by side. A [Redeemer] spends keys exactly once (R2) in a [Ledger]; a
// [Book] keeps every subscription's history in a [Journal], exactly once per
// key and with no lost update. [MemoryJournal] is the in-process store of
// both, package pgledger the PostgreSQL one, package ledgertest the
// conformance suite every store passes.
//
// # Lifecycle
//
// A subscription's [State] on day d follows from its end date E, with
// G = Policy.GraceDays and D = Policy.DisabledDays (R8); the [Service] of
// each state is a rule of the policy too (R22):
//
//	state     days                  service                     PartnerCenter
//	Active    d < E                 full                        until the end date
//	Expired   E ≤ d < E+G           Policy.ExpiredService       30 days (grace), full
//	Disabled  E+G ≤ d < E+G+D       Policy.DisabledService      90 days, read-only
//	Deleted   E+G+D ≤ d             none                        120 days after the end date
//	None      no term               none                        Seats 0 and a zero End
//
// The service of the presets, from Microsoft Learn's page on what happens
// when a subscription ends: while Expired, full ("Users have normal access
// to Microsoft 365, files, and apps") under every preset but
// [VolumeLicensing], where "Services immediately become unavailable when
// the Expired status starts" (none); while Disabled, read-only ("Data is
// accessible to admins only") under all. [Policy.Service] reads it, and
// everything that speaks of service asks it: Timeline.FullServiceEnds (End
// under volume licensing, DisabledFrom otherwise), the planner's lost days,
// the pictures' legend.
//
// [Policy.Timeline] lists these dates, with the day renewal opens (R9). One
// transition table says which operation is allowed in which state:
//
//	state     AddSeats           ExtendEnd            Renew                       Activate
//	Active    yes                yes                  EarlyRenewal, in window     no
//	Expired   AddWhenInactive    ExtendWhenInactive   yes (GraceRenewAnchor)*     yes
//	Disabled  AddWhenInactive    ExtendWhenInactive   yes, as Activate (R7)       yes
//	Deleted   no                 no                   no                          yes (new subscription)
//	None      no                 no                   no                          yes
//
// * Renewing inside the grace with GraceRenewAnchor OldEnd needs a key whose
// term, counted from the old end date, ends after the redemption day (R9).
// A refusal is a [*NotAllowedError]: the operation, the state, the day the
// state began and, if waiting helps, the day the operation becomes possible.
//
// # Formulas
//
// With A the active seats, C the key's seats, B = Days(at, End) the days
// remaining and T = Days(at, AddMonths(at, term)) the days of the key's term:
//
//   - [AddSeats] (R4, R10): seats A + C, new end = at + (A·B + C·T) ÷ (A + C)
//     days, rounded by Policy.Rounding (half-even): 100 seats × 90 days +
//     25 seats × 365 days = 18,125 seat-days ÷ 125 seats = 145 days.
//   - [ExtendEnd] (R5, R6): the end moves by m = C ÷ A × term months, exact.
//     Under proration.CalendarMonths, with w the whole months of m and f its
//     fraction, new end = AddMonths(E, w) + round(f × Days(AddMonths(E, w),
//     AddMonths(E, w+1))); under proration.ExactSeatDays, E + round(C × T ÷
//     A) days. 100 + 25 seats = +3 months, 100 + 100 = +12, 5 + 10 = +24; a
//     key of more than CapFactor × A seats is refused with a
//     *proration.CapError naming the largest key accepted ([ErrExtensionCap]).
//   - [Renew] (R9): seats = C. Under [Open2014], RenewWindowDays before the
//     end the redemption day is the anchor (new end = AddMonths(at, term),
//     Outcome.DaysLost the days given up); inside the grace the old end
//     date is (AddMonths(E, term)). Under [PartnerCenter] renewing an expired
//     or disabled subscription is an activation anew (Outcome.Applied is
//     [Activate], R7).
//   - [Activate] (R7): seats = C, new end = AddMonths(at, term), replacing an
//     expired, disabled or deleted subscription.
//
// Seats never exceed [MaxSeats] ([ErrSeatLimit]). Every entry point takes a
// valid policy ([Policy.Validate]), subscription ([Subscription.Validate])
// and key (token.Token.Validate: seats 1 … MaxSeats, term 0 … 36 months) and
// a day from 0001-01-02 to 9999-12-31; a result past 9999-12-31 is an error.
//
// "Extend the end date by a maximum of three years" (R6) is read per key by
// default (Policy.CapRule proration.CapPerKey, scenario 4): each key is
// capped on its own, so four 300-seat keys on 100 seats ending 2027-03-01
// move the end to 2039-03-01. The other reading is a policy choice,
// proration.CapEndLimit: after an extension the end date lies at most
// CapFactor × the key's term after the redemption day; its refusal names
// the largest key accepted or, when none fits, the first day a key of one
// seat would.
//
// # Policies
//
// [PartnerCenter] is the default, [Open2014] the 2014 Open renewal FAQ; the
// channel presets change only the lifecycle and its service (R22: none
// while Expired under [VolumeLicensing]; [PolicyByName] finds one). A
// Policy is a value: copy a preset, change a field; [Policy.Validate] refuses
// an incoherent one. Where the documents are silent, the choice made:
//   - renew while Active under Partner Center: refused (EarlyRenewal false);
//   - renew of a Disabled subscription: an activation anew under every policy;
//   - renew or extend of a Deleted or None subscription: refused, Activate;
//   - add licenses on an Expired or Disabled subscription: refused by
//     default (AddWhenInactive), with B = 0 when allowed;
//   - the product: checked whenever the subscription names one, even a None
//     subscription; a None subscription with no product takes the key's;
//   - "within 30 days of activation" (R12, and R11's "innerhalb von 30
//     Tagen ab … Aktivierung", the same words): the activation day, day 0,
//     through day 30, both included (activated 2027-01-31: 2027-01-31 …
//     2027-03-02); one function, proration.WithinDays, decides both
//     ([Policy.ReplacementWindow], proration.SwitchCost).
//
// # Names
//
// Every enumeration ([Operation], [State], [Anchor], [Service], the preset names, and
// those of packages proration and plan) has one canonical name per value,
// lower case with hyphens ("add-seats"), which String and MarshalText write;
// a value that is not defined prints as "Operation(7)" and does not marshal.
// Parsing accepts a canonical name or a documented alias ("add" and
// "add-licenses" for add-seats, "extend" and "extend-end-date" for
// extend-end, "open2014" for open-2014) in any ASCII case, and nothing else:
// nothing trimmed, no Unicode folding. A refused text is never repeated (a
// key pasted into the wrong field must not come back): the error lists the
// names and gives only the text's length.
//
// # JSON and errors
//
// JSON field names are camelCase; dates are "YYYY-MM-DD", enumerations their
// names; null leaves a value unchanged. Every error wraps one sentinel for
// [errors.Is] (see [ErrInvalid] and its neighbours); typed errors carry the
// details. A message starts with the name of the package that made it, once;
// wrapping adds context, and another package's error keeps its own name after
// it ("activation: invalid input: redemption day: proration: date out of
// range: …"). A store's error is returned wrapped, never as a refusal. No
// message and no JSON ever holds a key in clear: token.Key prints masked. A
// message quotes a name only when [CheckName]'s rule finds no key in it, in
// any spelling; otherwise it says "(a name that could be read as a key)", and
// an error that refuses a name says what is wrong without quoting it.
//
// # Performance
//
// [Policy.Apply] computes in integer days on the stack and allocates nothing
// for add licenses and extend end date (a test holds it to zero
// allocations); BenchmarkApplyDecimal times the same computation written
// with shopspring/decimal and time.Time.
package activation
