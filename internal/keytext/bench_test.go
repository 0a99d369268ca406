package keytext

import (
	"strings"
	"testing"
)

var sink bool

// BenchmarkHolds: the name check, on every redemption.
func BenchmarkHolds(b *testing.B) {
	for _, bc := range []struct{ name, s string }{
		{"contoso", "contoso"},
		{"M365-E3", "M365-E3"},
		{"ASCII 33", "Adams Baker Clark Davis Evans LLP"},
		{"key", "AB3DE-FG5HJ-KL7MN-PQ9RS-TUVW2"},
		{"Japanese", "株式会社三菱UFJフィナンシャル・グループ"},
		{"Unicode 256", unicode256},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.s)))
			for b.Loop() {
				sink = Holds(bc.s)
			}
		})
	}
}

// unicode256 is a name of 256 bytes in several scripts with more than 25
// letters and digits and a ':', so that nothing is answered by counting
// alone.
var unicode256 = func() string {
	s := "Lizenzschlüssel für Universität Zürich — Ключ продукта 株式会社 ＮＴＴデータ: Fachbereich Informatik 2024 · Brookfield Asset Management"
	for len(s)+len(" é") <= 256 {
		s += " é"
	}
	return s + strings.Repeat("x", 256-len(s))
}()

func BenchmarkIsKey(b *testing.B) {
	for b.Loop() {
		sink = IsKey("key: “AB3DE—FG5HJ—KL7MN—PQ9RS—TUVW2”.")
	}
}

// BenchmarkRedact: the output filter on a line of 1 KiB.
func BenchmarkRedact(b *testing.B) {
	line := "2024-05-01 contoso/M365-E3 key XXXXX-XXXXX-XXXXX-XXXXX-AB3DE (100 seats): activate, end 2025-05-01; "
	for len(line) < 1024 {
		line += "Adams Baker Clark Davis Evans LLP, 東京本社, Brookfield Asset Management, 42 seats; "
	}
	line = line[:1024]
	for _, bc := range []struct{ name, s string }{
		{"no key", line},
		{"a key", line[:512] + "AB3DE-FG5HJ-KL7MN-PQ9RS-TUVW2" + line[512+29:]},
	} {
		b.Run(bc.name, func(b *testing.B) {
			buf := []byte(bc.s)
			b.SetBytes(int64(len(buf)))
			for b.Loop() {
				copy(buf, bc.s)
				Redact(buf)
			}
		})
	}
}
