// Package entitlement answers the partner's own question about what it
// redeemed: may it use it? It computes the licence position of a partner
// organisation — its online seats and its on-premises licences against the
// grants of its program years, within the country and worldwide maximums —
// and the rules its records break, each with its numbers, the uses that
// cause it and the day it began.
//
// The computation is pure and exact: integers only, the day is a
// parameter (nothing reads the clock), only calendar dates count, and
// nothing panics on any input (only MustParseCountry panics, for
// literals). A [Partner] reads its records from a [Source] on every call
// and records nothing.
//
// # Rules and their sources
//
// The rule ids continue those of package activation (R1…R13). Each comes
// from a published document, named by its title:
//
//	id   rule                                                                 source
//	R14  online and on-premises use of one grant decrement each other; their  Office 365 IUR ("Your internal-use of online
//	     sum never exceeds the program licence entitlement: 100 granted,      services decrement from your on-premises licenses
//	     80 seats online + 20 licences on premises is within it               and vice-versa"; "may not exceed your program
//	                                                                          license entitlement"); Partner Network FAQ
//	                                                                          (switch users "at any time … as long as you do
//	                                                                          not exceed your license entitlement")
//	R15  country and worldwide maximums apply to every grant, toolkits        Office 365 IUR ("Country and worldwide license
//	     included; demonstration and training licences are not bound to       maximums apply"); Partner Network FAQ ("bound to
//	     them                                                                 the maximum country or worldwide license grants";
//	                                                                          "Demonstration and training licenses are not
//	                                                                          bound to maximum grants")
//	R16  Action Pack licences are per country: shared within the              Partner Network FAQ ("within the subscribing
//	     subscribing country only                                             country only … cannot be shared across countries")
//	R17  competency licences may be shared across countries, only between     Partner Network FAQ ("between the headquarters
//	     the headquarters and its associated locations, never across          location and any of its associated locations");
//	     organisations                                                        Microsoft Partner Network Programs Guide
//	                                                                          ("cannot share licenses across separate
//	                                                                          organizations")
//	R18  an Additional Benefit Toolkit serves one associated location that    Partner Network FAQ ("the headquarters location
//	     holds a competency, never the headquarters; one set of core          is not eligible to purchase an Additional Benefit
//	     benefits each                                                        Toolkit"; "only one set of core benefits")
//	R19  on one tenant, other Office 365 seats only if they are enterprise    Partner Network FAQ ("Other SKUs cannot be used
//	     (E) or kiosk (K) SKUs                                                on the same tenant")
//	R20  use rights, cloud and on-premises, end with the Action Pack          Microsoft Partner Network Programs Guide ("On-
//	     subscription or the competency enrolment year; R13 for one           premises software licenses issued are not
//	     subscription                                                         perpetual"; use rights "terminates at the end of
//	                                                                          … a competency enrollment year"); Office 365 IUR
//	                                                                          ("no longer have use rights through the program")
//	R21  tokens are issued per program year, more as the partner qualifies,   Office 365 IUR ("issued additional tokens as you
//	     each with a day before which to activate it; each year's new         qualify for more seats"; "enter these new tokens
//	     tokens must be entered to avoid a lapse                              … each program year to avoid a lapse"); Cloud
//	                                                                          services ("Date before which to activate the
//	                                                                          benefit")
//
// "Office 365 IUR" is the Microsoft Partner Network page on internal-use
// rights licences for Office 365 and how to activate them; "Partner Network
// FAQ" is the network's page of frequently asked questions; the "Microsoft
// Partner Network Programs Guide" is the edition of November 2020; "Cloud
// services" is the Partner Center article on partner benefits for cloud
// products (2023).
//
// # Model
//
// An [Organisation] is one headquarters and its associated locations
// ([Location]), each in a [Country] (an officially assigned ISO 3166-1
// alpha-2 code, checked against a table the package ships). A location
// holds memberships — the Action Pack, or a named competency
// ([Membership]) — for program years ([Year]): Start ≤ d < End, End being
// the first day without use rights. The caller declares each [Pool]: the
// online products ([Product], each with its SKU class) and the on-premises
// licences that draw on it, one seat or licence each, and its maximums.
// No catalogue ships and the documents give no maximums: they are the
// caller's numbers. A [Placement] puts a tenant's subscriptions at a
// location, so their seats are in its country.
//
// The records ([Source], or [Records] in memory) are: grants ([Grant]: a
// quantity a program year gives a location in a pool, from a day, core,
// toolkit or demonstration; grants that grow add up), the states of online
// subscriptions from a day on ([Online], as a book's records hold them),
// on-premises changes ([Deployment]: licences deployed or removed at a
// location on a day, for a reason) and the tokens issued for a program
// year ([IssuedToken], by fingerprint, with the activate-by day and the
// day redeemed).
//
// On a day, a use is an online subscription's seats, if its state that day
// gives service ([Service]; by default a state whose service under the
// policy is full or read-only, R22: Active, Expired and Disabled, but not
// Expired under volume licensing), or
// the licences of one kind deployed at a location. A grant line — the
// grants of one kind that one program year of one membership at one
// location gives in one pool — counts if its year holds the day, grown by
// the day.
//
// # Within the entitlement: a maximum flow
//
// The partner is within its entitlement in a pool if some assignment of
// all its uses to grant lines respects every rule at once: a use draws on
// the lines the sharing rules allow it (an Action Pack line of its own
// country, R16; a competency's or a toolkit's line anywhere in the
// organisation, R17), no line gives more than its quantity (R14), and the
// use drawn on lines bound to the maximums (core and toolkit, not
// demonstration) is, in each country where the use is, at most the
// country's maximum, and in all at most the worldwide maximum (R15). A
// greedy order is wrong as soon as sharing crosses countries (a
// competency's licences given first to a country that had Action Pack
// licences of its own leave another short), so the package solves it
// exactly, as a maximum flow, per pool:
//
//	source → country c           capacity: the uses located in c
//	c → c′                       capacity: c's maximum (R15)
//	c′ → bound lines it may use  (the competencies', c's Action Pack's)
//	bound lines → world          capacity: their quantity (R14)
//	world → sink                 capacity: the worldwide maximum (R15)
//	c → unbound lines it may use → sink   capacity: their quantity
//
// Lines that every use sees alike (the competencies' bound lines; the
// Action Pack's bound lines of one country; likewise the unbound) are one
// node whose capacity is their sum. Every integral flow is an assignment
// that keeps the rules (follow each unit of flow from its country to a
// line), and every such assignment is a flow, so the maximum flow — found
// by Dinic's algorithm, integral — is the most use any assignment covers.
// The excess, the use minus that maximum, is the same whatever assignment
// is found. Uses of one country have the same choices, so a country's flow
// is shared among its uses in order.
//
// Which uses go uncovered is often not unique; the package names two
// kinds. A use is short in some maximum assignment iff its country is
// reachable from the source in the residual network (the source side of
// the minimal minimum cut, the same for every maximum flow). A use of
// quantity q in country c is uncoverable — no assignment at all covers it
// in full — iff the network with that use alone carries less than q. The
// headroom of a country is the flow an unbounded supply there adds to the
// maximum flow; worldwide, an unbounded supply everywhere.
//
// # Findings
//
// [Partner.Check] reports each rule broken on a day as a [Finding]; the
// [Issue] constants say which fields each sets. Every number is the
// difference of two maximum flows, unique whatever assignment is found:
// over the entitlement (R14) compares the use with the flow without
// maximums; a maximum (R15) is reported if it alone lowers that flow, the
// maximums jointly if only together they do; Action Pack licences needed
// outside their country (R16) if letting a country's uses draw on other
// countries' Action Pack lines adds flow. In the flow an Action Pack
// licence is never assigned outside its country: R16 reports use that
// could be covered only that way. A finding is reported from the day it
// holds; Since is the first day of the unbroken run of days up to the day
// asked on which it holds, found by evaluating the days the records change.
//
// # Readings decided where the documents are loose
//
//   - Maximums count use where it is: per pool, the uses located in a
//     country (a subscription's placed location, a deployment's location)
//     that draw on lines bound to the maximums; worldwide, all of them. So a
//     country maximum bounds what sharing can bring into the country. They
//     bind Action Pack and toolkit grants too (R15: every grant);
//     demonstration and training grants never.
//   - A toolkit grant is accepted only at an associated location and for a
//     competency it holds; its licences are shared like that competency's
//     (R18 limits who holds one, not who uses it).
//   - A program year's End, like a subscription's end date, is the first
//     day without rights; a token's activate-by day is the first day it is
//     late (the date before which to activate). A year that starts on the
//     End of the year before continues its use rights (a re-enrolment).
//   - A tenant placed at no location is reported apart (NotCovered, R14:
//     covered by no grant), with its seats; they are not in any pool's
//     figures or excess.
//   - A tenant with seats of two or more products in service is fine only
//     if every one is E or K (R19); one product of any class alone is fine.
//   - The uses a finding of a pool names are the pool's uses that some
//     maximum assignment leaves short, those no assignment covers in full
//     apart.
//   - Use past the end of its use rights (R20): on premises and online,
//     use that the lines of ended program years would cover — the last
//     year of a membership at a location, ended by the day, with no year
//     holding it — compared without maximums; and, for each online
//     subscription, an end date past the use rights of every line in force
//     it may draw on, by R13's comparison (activation/plan.CheckUseRights).
//   - Tokens late (R21): tokens of a year holding the day whose activate-by
//     day has come, not redeemed before it (a redemption on or after it is
//     late too). Tokens not entered (R21): from the first day of a new
//     year while any of its tokens in a pool is not redeemed, if the year
//     before (the latest year of the membership at the location that ended
//     by the new year's Start) granted in the pool and online subscriptions
//     that could draw on it were in service on its last day; the last safe
//     day is the day before the earliest of them loses full service
//     (Service.FullServiceEnds; by default Timeline.FullServiceEnds).
//   - A product or a licence draws on at most one pool; every online
//     product in the records is declared, in a pool or as another product,
//     with its class.
//   - Every pool states its maximums: a country maximum for every country,
//     changed per country by its Countries, and a worldwide maximum.
//
// # What-if
//
// [Partner.WhatIf] returns the position and the findings that would follow
// from a [Scenario] — users moved between online and on-premises use,
// more deployments, a re-enrolment with a grant that shrinks — computed on
// a copy of the records; nothing is recorded.
//
// # Where the records come from
//
// A [Source] streams the records; a Partner keeps none and reads the
// Source on every call, one pass for a position, memory in proportion to
// the subscriptions, deployment keys, grant lines and tokens rather than
// to the records. [Service] is the one place the package reads a
// subscription's service from; [PolicyService] reads the policy's
// lifecycle (R8).
//
// # Keeping the records
//
// A [Keeper] records grants and on-premises changes on an
// activation.Journal, on the machinery of a Book: each location's changes
// are a chain of change records (activation.ChangeRecord, Policy
// [PolicyName]) at the place (Chain, location name), Chain being
// "entitlement:" and the headquarters' name unless the caller names it.
// Each change comes with the caller's request id, kept as the record's
// fingerprint (activation.ChangeFingerprint("entitlement", Chain, a line
// feed, the id)): the identical request again replays the recorded
// change, the id with another change is [ErrRequestReused]. A change is
// computed on the head of its chain and appended at the head's Seq + 1; if
// another Keeper took the place, it re-reads, checks and computes again.
// A location's on-premises changes are recorded in day order, and a
// removal never takes a licence below zero there; grants come in any
// order. An issued token (R21) is its own request: the record's
// fingerprint derives from the token's, so the Journal keeps it once per
// organisation, at whichever location it is issued. [Keeper.Source] reads
// the chains a page at a time, and the online subscriptions and the days
// keys were spent from the Book.
//
// A record's Change is canonical JSON: what was asked (operation,
// location, licence, grant or token, quantity, day, reason), then what was derived
// when it was recorded: the figures of its explanation and the location's
// licences deployed after it (with the day of its latest on-premises
// change). Its Request is a SHA-256 of a domain, the chain's name and what
// was asked; its Note the explanation, "20 Office Professional Plus
// licences deployed at Munich: 80 online + 20 on-premises = 100 of 100
// granted", whose figures ([Figures]) are the change's pool's in the
// location's country on the change's day, the change included: the seats
// of the subscriptions placed there that give service that day as the Book
// held them, the licences deployed there, and the grant lines in force
// there. [Keeper.CheckChange] re-derives all of it from the record and the
// one before it, but the figures read from the other chains and the Book,
// which a record alone cannot show; it is the rules an
// activation.Verifier's Changes checks a chain by, and [Keeper.Verify]
// audits every location's chain with it.
//
// # Errors
//
// Bad input is an [*InputError] wrapping [ErrInvalid] and, where one fits,
// a more specific sentinel ([ErrUnknown], [ErrCountry], [ErrDuplicate],
// [ErrNotAssociated], [ErrOverlap], [ErrToolkit]). It names the field by
// its place ("grants[3].quantity") and says why; it never quotes a name or
// a text the caller gave, since it could hold a product key, and a name
// that is a product key is refused. Nothing is computed on bad input, and a
// Keeper records nothing (a Keeper's bad input names its field under
// "deployment" or "grant"). An error of the Source or the Journal is
// returned wrapped.
//
// # Performance
//
// A position is one pass over the records and, per pool, a few maximum
// flows on a network of a few nodes per country with uses or grants.
// BenchmarkPosition (50 locations, 200 tenants, 10 pools) and
// BenchmarkPosition100k (the same with 100,000 records) measure it. A
// Keeper's change reads what was appended since its last read to the chains
// of its location's country, and the Book's subscriptions placed there
// (BenchmarkKeeperDeploy).
package entitlement
