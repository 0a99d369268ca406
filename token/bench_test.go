package token_test

import (
	"testing"

	"github.com/coterm/coterm/token"
)

// sinkKey and friends keep the compiler from removing benchmarked calls.
var (
	sinkKey    token.Key
	sinkString string
	sinkFP     token.Fingerprint
	sinkErr    error
)

// BenchmarkParseKey parses the canonical form of a key, which must not allocate.
func BenchmarkParseKey(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		sinkKey, sinkErr = token.ParseKey(varied)
	}
}

// BenchmarkParseKeyLowerNoSeparators parses a lower-case key without separators.
func BenchmarkParseKeyLowerNoSeparators(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		sinkKey, sinkErr = token.ParseKey("k7q2m9xrtbh4j8pzc3wn5vd6l")
	}
}

// BenchmarkParseKeyInvalid parses a look-alike (the slow, diagnosing path).
func BenchmarkParseKeyInvalid(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		sinkKey, sinkErr = token.ParseKey("K7Q2M-9XRTB-H4J8P-ZC3WN-5VD6\u0406")
	}
}

// BenchmarkParseFingerprint parses 64 hexadecimal digits.
func BenchmarkParseFingerprint(b *testing.B) {
	s := token.MustParseKey(varied).Fingerprint().String()
	b.ReportAllocs()
	for b.Loop() {
		sinkFP, sinkErr = token.ParseFingerprint(s)
	}
}

// BenchmarkReveal gives the clear key.
func BenchmarkReveal(b *testing.B) {
	k := token.MustParseKey(varied)
	b.ReportAllocs()
	for b.Loop() {
		sinkString = k.Reveal()
	}
}

// BenchmarkString gives the masked form, as every print path does.
func BenchmarkString(b *testing.B) {
	k := token.MustParseKey(varied)
	b.ReportAllocs()
	for b.Loop() {
		sinkString = k.String()
	}
}

// BenchmarkFingerprint hashes the canonical form.
func BenchmarkFingerprint(b *testing.B) {
	k := token.MustParseKey(varied)
	b.ReportAllocs()
	for b.Loop() {
		sinkFP = k.Fingerprint()
	}
}

// BenchmarkKeyedFingerprint computes the HMAC of the canonical form.
func BenchmarkKeyedFingerprint(b *testing.B) {
	k := token.MustParseKey(varied)
	secret := []byte("a pepper of at least thirty-two bytes")
	b.ReportAllocs()
	for b.Loop() {
		sinkFP = k.KeyedFingerprint(secret)
	}
}
