package pgledger_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/coterm/coterm/activation/pgledger"
)

// FuzzOpenNeverEchoesPassword: whatever surrounds a password in a URL or a
// connection string, well formed or not, Open's error does not contain it:
// nowhere if it is 8 bytes or more, and not as a word of its own if it is
// shorter (a shorter one inside a word, "e" in "open", is a coincidence).
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
	f.Add("postgres://coterm:", "e", "@db/coterm")
	f.Add("host=db user=coterm password=", "open", " sslmode=disable")
	f.Add("postgres://coterm@db/coterm?password=", "a", "")
	f.Fuzz(func(t *testing.T, before, password, after string) {
		conn := before + password + after
		s, err := pgledger.Open(ctx, conn)
		if err == nil {
			s.Close()
			t.Fatal("Open succeeded with a done context")
		}
		msg := err.Error()
		if msg == errNotAURL {
			return // a constant: it holds no password, whatever words it shares with one
		}
		cfg, perr := pgx.ParseConfig(conn)
		if perr != nil {
			t.Fatalf("pgx cannot parse it, but Open says %v", err)
		}
		// The password is what pgx read, and password if that spells it.
		forms := []string{cfg.Password}
		if u, err := url.PathUnescape(password); password != "" && (password == cfg.Password || err == nil && u == cfg.Password) {
			forms = append(forms, password)
		}
		for _, pw := range forms {
			if pw == "" || strings.Contains(pw, "x") && strings.Contains(msg, "xxxxx") {
				continue // the mask of another spelling of the password may make this one
			}
			if len(pw) >= 8 && strings.Contains(msg, pw) {
				t.Fatalf("the error shows the password %q: %v", pw, err)
			}
			if standsApart(msg, pw) {
				t.Fatalf("the error shows the password %q as a word of its own: %v", pw, err)
			}
		}
	})
}

// errNotAURL is Open's error for a string that is neither a URL nor a
// connection string.
const errNotAURL = "pgledger: open: the database URL is not a valid PostgreSQL URL or connection string"

// standsApart reports whether pw occurs in msg other than inside a word
// (a letter, digit, '_' or non-ASCII byte on a side where pw has one too).
func standsApart(msg, pw string) bool {
	word := func(c byte) bool {
		return c == '_' || c >= 0x80 || ('0' <= c && c <= '9') || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
	}
	for i := 0; i+len(pw) <= len(msg); i++ {
		if msg[i:i+len(pw)] != pw {
			continue
		}
		end := i + len(pw)
		inside := (i > 0 && word(msg[i-1]) && word(msg[i])) || (end < len(msg) && word(msg[end]) && word(msg[end-1]))
		if !inside {
			return true
		}
	}
	return false
}
