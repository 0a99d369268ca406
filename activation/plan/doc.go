// Package plan answers the questions a portal does not: which keys of a pool,
// in which order and as which operation, so that a subscription reaches a
// goal; how large a key must be to reach an end date; how much room the
// extension cap leaves; when a renewal key can be redeemed without losing
// days; and whether a subscription outlives its program use rights.
//
// Every answer is computed with the public [activation.Policy.Apply], so it
// is exactly what redeeming would do: every step of a plan is an Outcome
// Apply returned, and re-applying it gives the same Outcome. Every function
// is pure (the day is a parameter, nothing reads the clock), holds no
// package state and never panics; arithmetic is on integers, and dates are
// calendar dates as in package activation. Rule ids (R1 … R13, R22) are those
// of package activation's documentation, "Rules and their sources".
//
// # Seat-days: what a plan decides
//
// With A seats and B days remaining, a key of C seats whose term is T days
// from the redemption day holds C × T seat-days (R3). Add licenses gives all
// A + C seats the seat-weighted remaining days (A·B + C·T) ÷ (A + C) (R4: "no
// time is added or lost"); extend end date keeps A seats and moves the end
// by C ÷ A × the term (R5), C × T ÷ A days under exact seat-days. So under
// exact seat-days the total W = A·B + Σ C × T is the same whatever is done
// with the keys: a plan only decides how W splits between seats and time.
// The final seats are A plus the keys added; the final end is about W ÷
// seats days away. What rounding (R4) and calendar months (R5, the default
// convention) add or remove is the residue, which [Result.SeatDays]
// accounts for exactly: final seat-days = A·B + Σ C × T + Σ residues.
//
// Order matters twice. The cap (R6): under its default, per-key reading
// (proration.CapPerKey) a key extends only if it has at most CapFactor × the
// active seats (3 ×, three years), so adding seats first raises the cap for
// the keys that extend; under the end-limit reading (proration.CapEndLimit)
// every extension must end at most CapFactor terms of its key after the day,
// so the keys of the shortest terms extend first. Rounding and calendar months:
// the same split in another order can end a few days earlier or later —
// for example an extension that lands on whole months before an add can
// beat adding first (the worked example below gains 3 days that way).
//
// # The planner
//
// [Plan] takes a policy, a subscription, up to [MaxKeys] (20) keys, the day
// and a [Goal]:
//
//   - [ReachEnd](date): the most seats whose end date is on or after date,
//     for example the end of the program year (R13);
//   - [ReachSeats](n): the latest end date with at least n seats;
//   - [AllTradeOffs](): the Pareto front of seats against end date, each
//     point a complete plan ([Result.Front]).
//
// Decisions, each documented where it applies:
//
//   - Every key is redeemed, on the same day: a key is single-use (R2) and a
//     plan spends the pool. A goal that only holding a key back would reach
//     is reported infeasible, with the nearest plan.
//   - A plan uses AddSeats and ExtendEnd. A subscription that is not Active
//     on the day (None, Expired, Disabled, Deleted) is first activated anew
//     with one key of the pool (R7); the planner chooses which. Renew is never
//     planned (it replaces the seats and, early, gives up days, R9); see
//     [Renewal].
//   - An infeasible goal is an [*InfeasibleError] wrapping [ErrInfeasible]
//     with the nearest plan: the latest end for ReachEnd, the most seats for
//     ReachSeats.
//   - Keys print masked everywhere ([token.Key.String]): in steps, in
//     [Result.Explain], [Result.Summary] and in errors.
//
// # How the planner searches
//
// Up to [ExhaustiveKeys] (8) keys, Plan searches exhaustively and its
// front is exactly that of every key in every order with every operation
// Apply accepts ([Result.Exhaustive]): a breadth-first dynamic programme over
// the keys used. Interchangeable keys (same seats, term and product) are
// redeemed in the caller's order, so the keys used form a multiset. Of the
// Active subscriptions that the same keys used leave with the same seats,
// only the one with the latest end date is kept — at most 3^n states for n
// distinct keys, each key unused, added or extended. That loses no plan:
// with the same seats, a later end date never gives an earlier end date
// after any redemption. Add licenses is a rounded weighted average,
// monotone in the days remaining (R4); an extension under exact seat-days
// adds the same days whatever the end (R5); by calendar months the new end
// is a + round(f × (b − a)) with a = AddMonths(E, w) and b = AddMonths(E, w + 1),
// both monotone in E, and a fraction f < 1: moving a later by d days moves
// f × (b − a) down by less than d, which rounding cannot turn into more than
// d. The cap (R6), the seat limit and the operations allowed depend on the
// seats and the state alone. The one exception, a date past the year 9999,
// is excluded before the search (if a plan could come near it, the search
// keeps every end date instead). The property tests compare the front with
// a plain memoized brute force over every order and operation, for up to 8
// keys. Of plans that reach the same seats and end date, Plan returns the
// one whose every prefix ends latest for its keys and seats, and of those
// the first in the order of the keys in the pool, then of the operations
// (add licenses, extend end date, activate) — step by step from the first.
// Under the end-limit reading of the cap (R6) a later end date can refuse an
// extension an earlier one allows, so there the search keeps every end
// date: the front is still exact (the property tests compare it with the
// brute force under both readings), at about eight times the work for 8
// distinct keys (some 80 ms instead of 10).
//
// Above that, the structured search uses the seat-day structure. Keys are
// sorted by seats; every distinct sum of added seats is enumerated in
// ascending order by merging sorted lists (no sorting), keeping for each
// sum the subset whose largest extended key is smallest, the one the cap
// accepts most easily. A subset is feasible if every extended key is at most
// CapFactor × the seats after the adds (R6). Its end is estimated from the
// conserved seat-days (W ÷ seats), refined by one blend and one calendar
// extension, and only the candidates whose estimate can matter are redeemed
// exactly through Apply: adds first (most seats first), then the extensions
// in both orders (one for the trade-off). What it guarantees: every plan it
// returns is exact (each step an Outcome of Apply) and keeps every rule;
// the goal's answer is the best of the plans it evaluated. What it does not
// guarantee: optimality. It never interleaves adds and extensions, tries
// one subset per sum of seats, and skips candidates by a margin around the
// refined estimate (2 + n ÷ 2 days) that is measured, not proven; so it can
// end a few days earlier than the exhaustive optimum, and may call a goal
// infeasible that a plan just reaches. The tests bound the shortfall by
// 3 + 2 days per key against the exhaustive search for up to 9 keys
// (measured over 300 random pools each: at most 8, 9 and 10 days for 7, 8
// and 9 keys). That bound is for the per-key reading of the cap. Under the
// end-limit reading the structured search decides feasibility by redeeming
// each candidate through Apply, extends the keys of the shortest terms
// first, and keeps every rule, but its shortfall is not bounded: a sum of
// seats may be reached by another subset whose extensions fit better.
//
// # The worked example
//
// 100 seats ending 2027-03-01, keys of 25, 25, 50 and 100 seats redeemed on
// 2026-12-01 (B = 90 days, T = 365), the program year ending 2028-03-01:
// W = 100 × 90 + 200 × 365 = 82,000 seat-days. The most seats until
// 2028-03-01: add 25 and 50 (175 seats until 2027-06-27), extend with 100
// and 25 (cap 525): 175 seats until 2028-03-15, 14 days past the use rights.
// The trade-off runs from 300 seats until 2027-09-01 (add everything) to 100
// seats until 2029-03-01 (extend everything). See [ExamplePlan].
//
// # Inverse questions
//
//   - [ExtendKeyFor]: the smallest key that reaches an end date by extend end
//     date (R5), whether the cap allows it (R6), and the cap's largest key
//     with the latest end it reaches.
//   - [AddKeyFor]: whether add licenses can reach an end date at all — it
//     moves the end towards a year from today and never beyond, and cannot
//     move it later when the days remaining are at least the term (R4) — and
//     with which keys: a range Min … Max of seats.
//   - [HeadroomAt]: the largest key extend end date accepts now, as the
//     policy reads the cap (R6: per key, or an end limit counted from the
//     day, where it names the first day a key of one seat fits when none
//     does now), and the latest end one key can reach.
//   - [Renewal]: the first and last day a renewal key can be redeemed without
//     losing days (R9), under any policy.
//
// Each is found by binary search over seats (the end date is monotone in
// the key's seats) or by a scan of days, every probe an Apply of a
// hypothetical key of the policy's term; the tests check that one seat
// fewer (or one more, for the upper end of a range) falls short.
//
// # Losing days (R9)
//
// A renewal redeemed on day d loses days if it gives up days of the current
// term — an early renewal anchored on the redemption day, Open2014, gives up
// End − d days (Outcome.DaysLost) — or if it leaves a lapse of full service:
// "loses service" means the end of full service, redeemed on or after
// activation.Timeline.FullServiceEnds, which the policy's service per state
// decides (R22): Disabled (read-only) or Deleted (R8) under every preset, and
// already Expired under activation.VolumeLicensing, where "Services
// immediately become unavailable when the Expired status starts". Days of a
// fully served grace are not lost: under Open2014 the old end stays the
// anchor; under PartnerCenter, where renewal happens only after expiry as an
// activation anew (R7), the new term starts on d. Under both presets the
// loss-free days are the end date through the last day of the grace; under
// VolumeLicensing there are none (Renew opens on the end date, the first
// day without service).
//
// # Use rights (R13)
//
// Program use rights end with the program (enrolment) year, even when the
// subscription runs longer ("Office 365 IUR"; the benefit's expiration date
// can differ from the subscription end date, "Cloud services"). [CheckUseRights] compares a subscription's
// end with the program year's end — both first days without — and reports
// the days it runs beyond its use rights or the days it lapses before them,
// with those the grace covers; [UseRights.Finding] is what a compliance
// report flags.
//
// # Errors
//
// Messages start with "plan:", once; an error of package activation or
// token that plan passes on keeps its sentinels and types for errors.Is and
// errors.As, with its own package prefix replaced by plan's context ("plan:
// invalid input: key 2: …"). Invalid input wraps activation.ErrInvalid. A day — the day of a plan or a
// question, a goal's end date, a program end — is taken as its calendar date
// in its own location and must lie in the years proration supports (the
// error then also wraps proration.ErrDateRange) and differ from the zero
// date 0001-01-01, which means "no date" as in package activation: the zero
// time and 0001-01-01 at noon are refused alike (a target of [ExtendKeyFor]
// or [AddKeyFor] need only lie in the supported years). A key for another
// product is an *activation.ProductMismatchError; an operation the
// subscription's state refuses is an *activation.NotAllowedError; more than
// MaxKeys keys is [ErrTooManyKeys]; an unreachable goal is an
// [*InfeasibleError] ([ErrInfeasible]). No message contains a key in clear.
//
// # Names
//
// [GoalKind] and [Finding] follow package activation's rule for names:
// canonical lower-case names ("most-seats", "runs-beyond") written by String
// and MarshalText, parsed by [ParseGoalKind] and [ParseFinding] in any ASCII
// case and nothing else, never echoing a refused text.
//
// # Performance
//
// Up to [ExhaustiveKeys] keys the exhaustive search costs about 10 ms for 8
// distinct keys on 2 busy cores (BenchmarkPlan8: some 32,000 calls of
// Apply), 9 about three times as long. The structured search
// (BenchmarkPlan16, BenchmarkPlan20; varied seats, so most subsets have
// distinct sums) answers ReachEnd and ReachSeats well under 1 ms for 16 and
// 20 keys; the full trade-off, which redeems one plan per end date, takes
// about 7 ms for 16 keys and 10 ms for 20.
package plan
