package main

import (
	"context"
	"io"
	"testing"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/cmd/internal/cli"
	"github.com/coterm/coterm/cmd/internal/picture"
)

// BenchmarkPicture: the picture of ten pools and 200 records over the
// program year: the position on each day the records change it, and the
// drawing.
func BenchmarkPicture(b *testing.B) {
	ctx := context.Background()
	r, err := load(ctx, config{policy: activation.PartnerCenter()}, bigOrg(10, 200, 0).json(b), cli.NewOutput(io.Discard))
	if err != nil {
		b.Fatal(err)
	}
	at := mustDate("2027-01-15")
	pos, err := r.partner.Position(ctx, at)
	if err != nil {
		b.Fatal(err)
	}
	fs, err := r.partner.Check(ctx, at)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		ch, err := chartOf(ctx, r, pos, fs)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := picture.Position(ch); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecode: reading an organisation file of 200 records.
func BenchmarkDecode(b *testing.B) {
	data := bigOrg(10, 200, 0).json(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeOrg(data); err != nil {
			b.Fatal(err)
		}
	}
}
