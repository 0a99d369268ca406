package pgledger_test

import (
	"context"
	"strings"
	"testing"

	"github.com/coterm/coterm/activation/pgledger"
)

// FuzzOpenNeverEchoesPassword: whatever surrounds a password in a URL or a
// connection string, well formed or not, Open's error does not contain it.
// The context is done, so Open reaches no server.
func FuzzOpenNeverEchoesPassword(f *testing.F) {
	f.Add("postgres://coterm:", "Sup3rS3cret", "@db.internal:5432/coterm?sslmode=disable")
	f.Add("postgres://coterm:", "Sup3rS3cret", "@[::1/coterm")
	f.Add("postgres://coterm:", "Sup3rS3cret", "@host:port/db")
	f.Add("host=db user=coterm password=", "Sup3rS3cret", " sslmode=disable")
	f.Add("host=db user=coterm password='", "Sup3r S3cret", "")
	f.Add("postgres://coterm@db/coterm?password=", "Sup3rS3cret", "&sslmode=verify-full")
	f.Add("postgres://coterm:", "p%zz", "@db/coterm")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	f.Fuzz(func(t *testing.T, before, password, after string) {
		if len(password) < 6 || strings.Contains(before+after, password) ||
			strings.Contains("pgledger: open: cannot connect to the database: context canceled the database URL is not a valid PostgreSQL URL or connection string", password) {
			return // too short to tell an echo from a coincidence
		}
		s, err := pgledger.Open(ctx, before+password+after)
		if err == nil {
			s.Close()
			t.Fatal("Open succeeded with a done context")
		}
		if strings.Contains(err.Error(), password) {
			t.Fatalf("the error shows the password: %v", err)
		}
	})
}
