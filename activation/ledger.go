package activation

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"strconv"
	"time"

	"github.com/coterm/coterm/token"
)

// Ledger records redemptions so that every product key is redeemed exactly
// once (R2: "a key can be redeemed only once"). It is the storage half of
// [Redeemer]; the arithmetic half is the pure [Policy.Apply].
//
// # Exactly once
//
// A Ledger is a set of [Record] values with at most one record per key
// [token.Fingerprint]. It never sees a product key: a record carries the key's
// fingerprint (SHA-256 of its canonical form) and the [Outcome] with its
// Token.Key cleared. [Redeemer.Redeem] does, in this order:
//
//  1. Apply: compute the Outcome with the pure [Policy.Apply]. A redemption that
//     fails (extension cap, product mismatch, not allowed, invalid input)
//     records nothing: the key is not spent and may be redeemed properly later.
//  2. Check the context: if it is done, return its error; nothing is recorded.
//  3. Claim: one atomic insert-if-absent of Record{Fingerprint, Request,
//     Outcome}, where Request is the [RequestID] of the request.
//
// The answer of Claim decides:
//
//   - inserted: this call redeemed the key; Redeem returns the new Outcome.
//   - not inserted, same RequestID: the identical request (same key, tenant,
//     subscription state before, token, operation and day) was recorded
//     before; Redeem returns the recorded Outcome with Replayed set, and
//     records nothing new. This is the idempotent retry of payment APIs.
//   - not inserted, other RequestID: Redeem fails with [ErrAlreadyRedeemed].
//     The error reveals nothing about the first redemption: not its tenant,
//     day, operation or result; it names the key in masked form only.
//
// Of any number of concurrent Redeem calls for one key, across processes that
// share the store, exactly one inserts: the store's atomicity is the only
// authority. Redeem does not ask [Ledger.Lookup] first: the Outcome costs
// nanoseconds to compute, a Lookup would cost a round trip on every
// redemption, and a check-then-act would decide nothing anyway. Redeem uses
// Lookup only after a failed Apply, so that a request for a key already
// recorded answers as a recorded key does (a replay when it is the identical
// request, [ErrAlreadyRedeemed] otherwise) even if the policy or the inputs
// would now refuse it.
//
// # Failures of the store
//
// A Claim error is returned wrapped (errors.Is finds the store's error). The
// store may or may not have committed:
//
//   - it failed before its commit: nothing was recorded, the key is not spent,
//     and a retry redeems it;
//   - it committed, then failed to answer (a lost reply, a timeout after the
//     commit): the key is spent. Retrying the identical request is safe and
//     recovers the result: Claim finds the record with the same RequestID and
//     Redeem replays it. Any other request for that key is ErrAlreadyRedeemed.
//
// So a caller that retries the identical request after any error never spends
// a key twice and never loses one. Retry with the same subscription state,
// token, operation and day as the first attempt, not with a state re-read
// after it.
//
// # Implementing a Ledger
//
// A SQL store keeps Ledger claims and [Journal] records in one table, so that
// one unique key guards every spent key: a unique key on the fingerprint
// (NULL for an import, which has no key) and one on (tenant, product, seq)
// (NULL seq for a Ledger claim, which has no place in a history); unique keys
// ignore NULLs. The record itself is a bytea holding [Record.MarshalBinary],
// beside the columns a person queries:
//
//	CREATE TABLE records (
//	    fingerprint BYTEA UNIQUE,            -- 32 bytes; NULL for an import
//	    tenant      TEXT NOT NULL,
//	    product     TEXT NOT NULL,
//	    seq         BIGINT,                  -- NULL for a Ledger claim
//	    -- key tail, operation, day, seats and end before and after, policy,
//	    -- recorded at: for people, never read back
//	    record      BYTEA NOT NULL,          -- Record.MarshalBinary
//	    UNIQUE (tenant, product, seq)
//	);
//	-- Claim, one statement:
//	INSERT INTO records (fingerprint, tenant, product, seq, ..., record)
//	    VALUES ($1, $2, $3, NULL, ..., $n) ON CONFLICT DO NOTHING;
//	-- then, only if it inserted no row, a new statement:
//	SELECT record FROM records WHERE fingerprint = $1;
//	-- Lookup:
//	SELECT record FROM records WHERE fingerprint = $1;
//
// The SELECT must be a new statement (a new snapshot, under READ COMMITTED):
// a single statement that inserts and selects (a CTE) does not see a row
// that a concurrent transaction inserted and committed while the insert
// waited on it, and finds nothing. Implementations must be safe for
// concurrent use, must return the stored Outcome as it was given (times may
// come back in another location but must be the same instants), and must not
// record anything when the context is already done. The package
// [github.com/coterm/coterm/activation/ledgertest] is the conformance suite
// every implementation must pass; [MemoryLedger] is the in-process reference.
type Ledger interface {
	// Claim records rec if no record has rec.Fingerprint. It returns the
	// record now stored for that fingerprint and whether it is rec
	// (inserted == true). Claim is atomic: of concurrent Claims for one
	// fingerprint exactly one inserts, and all of them return that record.
	Claim(ctx context.Context, rec Record) (stored Record, inserted bool, err error)

	// Lookup returns the record stored for fp, and whether there is one.
	Lookup(ctx context.Context, fp token.Fingerprint) (rec Record, ok bool, err error)
}

// Record is one redemption or import as a [Ledger] or a [Journal] stores it:
// the key's fingerprint, the identity of the request that made it, the
// result, and where and how it was made. Outcome.Token.Key is the zero Key (a
// store never keeps keys: [Record.MarshalBinary] refuses one) and
// Outcome.Replayed is false. A record made by [Book.Import] has the zero
// Fingerprint and Request, Outcome.Op [Import] and an empty KeyTail.
//
// Its JSON form is camelCase, as everywhere in the module: "fingerprint" and
// "request" as 64 lower-case hexadecimal digits, "outcome" as
// [Outcome.MarshalJSON] writes it, "seq", "keyTail", "policy" and
// "recordedAt" (RFC 3339). Read back, it is the same Record, but for the
// Outcome's explanation and key, which JSON does not hold.
type Record struct {
	Fingerprint token.Fingerprint `json:"fingerprint"` // the key's; zero for an import
	Request     RequestID         `json:"request"`     // the identity of the request that made the record (a Redeemer's NewRequestID or a Book's own); zero for an import
	Outcome     Outcome           `json:"outcome"`     // the result, with Token.Key zero and Replayed false

	// Seq is the record's place in its subscription's history in a
	// [Journal]: 1, 2, 3, … ; 0 for a record a [Ledger] claimed outside a
	// [Book].
	Seq int64 `json:"seq"`
	// KeyTail is the key's last five characters, as its masked form shows
	// them ("EEEE5"): what a customer can quote. Empty for an import.
	KeyTail string `json:"keyTail"`
	// Policy is the name of the policy the Outcome was computed under.
	Policy string `json:"policy"`
	// RecordedAt is when the record was made (wall-clock time, UTC).
	RecordedAt time.Time `json:"recordedAt"`
}

// RequestID identifies a redemption request: the SHA-256 of a canonical,
// length-prefixed encoding of everything the request consists of. Two
// requests with the same RequestID are the identical request; a retry
// replays the recorded [Outcome] (see [Ledger]). A RequestID reveals none of
// its fields.
type RequestID [32]byte

// requestIDVersion starts the encoding hashed by NewRequestID. Change it
// whenever the encoding changes: records made under another version then no
// longer replay, they answer ErrAlreadyRedeemed.
const requestIDVersion = "coterm/activation.RequestID/v2"

// NewRequestID returns the [RequestID] of redeeming t against s with op on day
// at. It hashes, each as a length-prefixed field: the key's fingerprint, the
// tenant, the subscription's product, its seats and end date before, the
// token's product, seats and term in months as given (0 stays 0: what it
// means depends on the policy, which the identity does not know), the
// operation's number, and the day. Dates are the year, month and day in
// their own location, written YYYY-MM-DD, so the time of day and the time
// zone do not change the identity of a request. NewRequestID accepts any
// input and never fails.
func NewRequestID(s Subscription, t token.Token, op Operation, at time.Time) RequestID {
	return newRequestID(t.Key.Fingerprint(), s, t, op, at)
}

// newRequestID is NewRequestID with the key's fingerprint fp computed.
func newRequestID(fp token.Fingerprint, s Subscription, t token.Token, op Operation, at time.Time) RequestID {
	var buf [256]byte
	b := append(buf[:0], requestIDVersion...)
	b = ridAppend(b, fp[:])
	b = ridAppendString(b, s.Tenant)
	b = ridAppendString(b, s.Product)
	b = ridAppendInt(b, int64(s.Seats))
	b = ridAppendDate(b, s.End)
	b = ridAppendString(b, t.Product)
	b = ridAppendInt(b, int64(t.Seats))
	b = ridAppendInt(b, int64(t.TermMonths)) // as given: what 0 means is the policy's
	b = ridAppendInt(b, int64(op))
	b = ridAppendDate(b, at)
	return sha256.Sum256(b)
}

// String returns the RequestID in lower-case hexadecimal.
func (id RequestID) String() string { return hex.EncodeToString(id[:]) }

// MarshalText implements [encoding.TextMarshaler] with [RequestID.String]:
// 64 lower-case hexadecimal digits.
func (id RequestID) MarshalText() ([]byte, error) {
	out := make([]byte, 2*len(id))
	hex.Encode(out, id[:])
	return out, nil
}

// UnmarshalText implements [encoding.TextUnmarshaler]: it reads what
// MarshalText writes (hexadecimal digits in either case). Anything else is an
// error wrapping [ErrInvalid] that does not quote the input; id is then
// unchanged.
func (id *RequestID) UnmarshalText(b []byte) error {
	var v RequestID
	if len(b) != 2*len(v) {
		return invalid("request ID: %d bytes, want %d hexadecimal digits", len(b), 2*len(v))
	}
	if _, err := hex.Decode(v[:], b); err != nil {
		return invalid("request ID: want %d hexadecimal digits", 2*len(v))
	}
	*id = v
	return nil
}

// IsZero reports whether id is the zero RequestID, which no request has.
func (id RequestID) IsZero() bool { return id == RequestID{} }

func ridAppend(b, v []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(v)))
	return append(b, v...)
}

func ridAppendString(b []byte, v string) []byte {
	b = binary.AppendUvarint(b, uint64(len(v)))
	return append(b, v...)
}

func ridAppendInt(b []byte, v int64) []byte {
	var num [20]byte
	return ridAppend(b, strconv.AppendInt(num[:0], v, 10))
}

// ridAppendDate appends d's calendar date, in its own location, as
// YYYY-MM-DD (years outside 0 … 9999 keep their sign and all their digits).
func ridAppendDate(b []byte, d time.Time) []byte {
	y, m, day := d.Date()
	if y < 0 || y > 9999 {
		var s [24]byte
		return ridAppend(b, d.AppendFormat(s[:0], time.DateOnly))
	}
	// What AppendFormat(time.DateOnly) writes, without parsing the layout.
	return append(b, 10, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+int(m)/10), byte('0'+int(m)%10), '-', byte('0'+day/10), byte('0'+day%10))
}
