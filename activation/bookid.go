package activation

import (
	"crypto/sha256"
	"time"

	"github.com/coterm/coterm/token"
)

// bookRequestDomain starts the encoding hashed by bookRequestID; it keeps a
// Book's request identities apart from [NewRequestID]'s (a Redeemer's) and
// from any other hash of the same fields. Change it whenever the encoding
// changes: records made under another version then answer
// ErrAlreadyRedeemed instead of replaying.
const bookRequestDomain = "coterm/activation.Book.Redeem/v1"

// bookRequestID returns the identity of a Book's redemption request: the
// SHA-256 of the domain, then, each length-prefixed, the key's fingerprint,
// the tenant, the product, the token's product, seats and term in months as
// given, the operation's number and the day (YYYY-MM-DD in its own
// location). Unlike NewRequestID it does not hash the subscription's state
// before: the Book reads that state itself, and a retry after a hidden
// commit finds its own record there.
func bookRequestID(fp token.Fingerprint, tenant, product string, t *token.Token, op Operation, at time.Time) RequestID {
	var buf [256]byte
	b := append(buf[:0], bookRequestDomain...)
	b = ridAppend(b, fp[:])
	b = ridAppendString(b, tenant)
	b = ridAppendString(b, product)
	b = ridAppendString(b, t.Product)
	b = ridAppendInt(b, int64(t.Seats))
	b = ridAppendInt(b, int64(t.TermMonths))
	b = ridAppendInt(b, int64(op))
	b = ridAppendDate(b, at)
	return sha256.Sum256(b)
}
