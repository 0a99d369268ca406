package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/activation/entitlement"
	"github.com/coterm/coterm/cmd/internal/cli"
	"github.com/coterm/coterm/token"
)

// orgFile is what an organisation file holds: the organisation (without
// its policy, which -policy gives) and the records it may hold.
type orgFile struct {
	org  entitlement.Organisation
	recs entitlement.Records
}

// fileError is an error of the organisation file: the field by its place
// ("grants[3].quantity") and why. Neither ever quotes a text of the file
// that could be a key.
type fileError struct{ field, reason string }

func (e *fileError) Error() string {
	if e.field == "" {
		return e.reason
	}
	return e.field + ": " + e.reason
}

func bad(field, format string, args ...any) error {
	return &fileError{field: field, reason: fmt.Sprintf(format, args...)}
}

// decodeOrg reads an organisation file strictly: one JSON object, every
// field one the format defines (camelCase, see the package documentation),
// each at most once and of its type, names by the library's rule (a text
// that could be read as a product key is refused), dates YYYY-MM-DD,
// enumerations by their names, fingerprints as 64 hexadecimal digits.
// What the library checks (a location that exists, a quantity in range,
// program years that do not overlap) is left to it: its errors name the
// same fields.
func decodeOrg(data []byte) (orgFile, error) {
	var f orgFile
	var top json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return f, bad("", "not valid JSON (byte %d)", se.Offset)
		}
		return f, bad("", "not valid JSON")
	}
	o, r := &f.org, &f.recs
	err := object("", top, fields{
		"locations": listOf(&o.Locations, location),
		"pools":     listOf(&o.Pools, pool),
		"otherProducts": listOf(&o.OtherProducts, func(p string, raw json.RawMessage) (entitlement.Product, error) {
			return product(p, raw)
		}),
		"placements":  listOf(&o.Placements, placement),
		"grants":      listOf(&r.Grants, grant),
		"online":      listOf(&r.Online, online),
		"deployments": listOf(&r.Deployments, deployment),
		"tokens":      listOf(&r.Tokens, issuedToken),
	})
	return f, err
}

// fields are an object's fields, each with what reads it at its place.
type fields map[string]func(p string, raw json.RawMessage) error

// object reads the JSON object raw at place p: every field must be one of
// fs, at most once.
func object(p string, raw json.RawMessage, fs fields) error {
	if len(raw) == 0 || raw[0] != '{' {
		return bad(orTop(p), "want an object {…}")
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.Token() //nolint:errcheck // the '{' checked above; raw is valid JSON
	seen := map[string]bool{}
	for d.More() {
		t, err := d.Token()
		if err != nil {
			return bad(orTop(p), "not valid JSON")
		}
		name, _ := t.(string)
		var v json.RawMessage
		if err := d.Decode(&v); err != nil {
			return bad(orTop(p), "not valid JSON")
		}
		read, ok := fs[name]
		switch {
		case !ok:
			return bad(orTop(p), "unknown field %s", fieldName(name))
		case seen[name]:
			return bad(at(p, name), "given twice")
		}
		seen[name] = true
		if err := read(at(p, name), v); err != nil {
			return err
		}
	}
	return nil
}

// fieldName names an unknown field: quoted if it is at most 24 plain
// characters (too short to hold a product key), else without its name.
func fieldName(name string) string {
	if len(name) > 24 || name == "" {
		return "(its name not shown)"
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '-' || c == '_') {
			return "(its name not shown)"
		}
	}
	return strconv.Quote(name)
}

func orTop(p string) string {
	if p == "" {
		return "the file"
	}
	return p
}

func at(p, name string) string {
	if p == "" {
		return name
	}
	return p + "." + name
}

// listOf reads a JSON array into *dst, each element with read at its place
// "p[i]"; null is an empty list, as encoders write one.
func listOf[T any](dst *[]T, read func(p string, raw json.RawMessage) (T, error)) func(string, json.RawMessage) error {
	return func(p string, raw json.RawMessage) error {
		if string(raw) == "null" {
			*dst = nil
			return nil
		}
		var items []json.RawMessage
		if len(raw) == 0 || raw[0] != '[' || json.Unmarshal(raw, &items) != nil {
			return bad(p, "want a list […]")
		}
		*dst = make([]T, 0, len(items))
		for i, it := range items {
			v, err := read(p+"["+strconv.Itoa(i)+"]", it)
			if err != nil {
				return err
			}
			*dst = append(*dst, v)
		}
		return nil
	}
}

// str reads a JSON string.
func str(p string, raw json.RawMessage) (string, error) {
	var s string
	if len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		return "", bad(p, "want a string \"…\"")
	}
	return s, nil
}

// name reads a name: a string the library's name rule accepts (not
// empty, at most 256 bytes, no control character, not a text that could be
// read as a product key).
func name(dst *string) func(string, json.RawMessage) error {
	return func(p string, raw json.RawMessage) error {
		s, err := str(p, raw)
		if err != nil {
			return err
		}
		if err := cli.CheckName(s); err != nil {
			return bad(p, "%v", err)
		}
		*dst = s
		return nil
	}
}

// text reads a free text that may be empty (a reason), by the name rule
// otherwise.
func text(dst *string) func(string, json.RawMessage) error {
	return func(p string, raw json.RawMessage) error {
		s, err := str(p, raw)
		if err != nil || s == "" {
			return err
		}
		return name(dst)(p, raw)
	}
}

// date reads a date YYYY-MM-DD.
func date(dst *time.Time) func(string, json.RawMessage) error {
	return func(p string, raw json.RawMessage) error {
		s, err := str(p, raw)
		if err != nil {
			return err
		}
		d, err := cli.ParseDate(s) // quotes nothing but a date
		if err != nil {
			return bad(p, "%v", err)
		}
		*dst = d
		return nil
	}
}

// whole reads a whole number 0 … hi, written without a fraction or an
// exponent.
func whole(dst *int, hi int) func(string, json.RawMessage) error {
	return func(p string, raw json.RawMessage) error {
		s := string(bytes.TrimSpace(raw))
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 || n > int64(hi) {
			return bad(p, "want a whole number 0 … %s", cli.Group(int64(hi)))
		}
		*dst = int(n)
		return nil
	}
}

// parsed reads a string with parse, whose errors quote nothing of it (the
// library's parsers of enumerations, countries and fingerprints).
func parsed[T any](dst *T, parse func(string) (T, error)) func(string, json.RawMessage) error {
	return func(p string, raw json.RawMessage) error {
		s, err := str(p, raw)
		if err != nil {
			return err
		}
		v, err := parse(s)
		if err != nil {
			return bad(p, "%s", reason(err))
		}
		*dst = v
		return nil
	}
}

// reason is the reason of a library error without its package and field
// prefix.
func reason(err error) string {
	var in *entitlement.InputError
	if errors.As(err, &in) {
		return in.Reason
	}
	var fe *token.FingerprintError
	if errors.As(err, &fe) {
		return "not a fingerprint: " + fe.Reason + " (a fingerprint, never a key)"
	}
	return "not accepted"
}

func membership(dst *entitlement.Membership) func(string, json.RawMessage) error {
	return func(p string, raw json.RawMessage) error {
		return object(p, raw, fields{
			"program":    parsed(&dst.Program, entitlement.ParseProgram),
			"competency": name(&dst.Competency),
		})
	}
}

func location(p string, raw json.RawMessage) (entitlement.Location, error) {
	var l entitlement.Location
	return l, object(p, raw, fields{
		"name":         name(&l.Name),
		"country":      parsed(&l.Country, entitlement.ParseCountry),
		"headquarters": name(&l.Headquarters),
		"years": listOf(&l.Years, func(p string, raw json.RawMessage) (entitlement.Year, error) {
			var y entitlement.Year
			return y, object(p, raw, fields{"membership": membership(&y.Membership), "start": date(&y.Start), "end": date(&y.End)})
		}),
	})
}

func product(p string, raw json.RawMessage) (entitlement.Product, error) {
	var pr entitlement.Product
	return pr, object(p, raw, fields{"name": name(&pr.Name), "sku": parsed(&pr.SKU, entitlement.ParseSKU)})
}

func pool(p string, raw json.RawMessage) (entitlement.Pool, error) {
	var pl entitlement.Pool
	return pl, object(p, raw, fields{
		"name":   name(&pl.Name),
		"online": listOf(&pl.Online, product),
		"onPremises": listOf(&pl.OnPremises, func(p string, raw json.RawMessage) (string, error) {
			var s string
			return s, name(&s)(p, raw)
		}),
		"countryMax": whole(&pl.CountryMax, entitlement.MaxQuantity),
		"countries": listOf(&pl.Countries, func(p string, raw json.RawMessage) (entitlement.Limit, error) {
			var l entitlement.Limit
			return l, object(p, raw, fields{"country": parsed(&l.Country, entitlement.ParseCountry), "max": whole(&l.Max, entitlement.MaxQuantity)})
		}),
		"worldMax": whole(&pl.WorldMax, entitlement.MaxQuantity),
	})
}

func placement(p string, raw json.RawMessage) (entitlement.Placement, error) {
	var pl entitlement.Placement
	return pl, object(p, raw, fields{"tenant": name(&pl.Tenant), "product": name(&pl.Product), "location": name(&pl.Location)})
}

func grant(p string, raw json.RawMessage) (entitlement.Grant, error) {
	var g entitlement.Grant
	return g, object(p, raw, fields{
		"location": name(&g.Location), "membership": membership(&g.Membership), "year": date(&g.Year),
		"pool": name(&g.Pool), "kind": parsed(&g.Kind, entitlement.ParseKind),
		"quantity": whole(&g.Quantity, entitlement.MaxQuantity), "day": date(&g.Day),
	})
}

func online(p string, raw json.RawMessage) (entitlement.Online, error) {
	var o entitlement.Online
	s := &o.Subscription
	return o, object(p, raw, fields{
		"from": date(&o.From),
		"subscription": func(p string, raw json.RawMessage) error {
			return object(p, raw, fields{
				"tenant": name(&s.Tenant), "product": name(&s.Product),
				"seats": whole(&s.Seats, activation.MaxSeats), "end": date(&s.End),
			})
		},
	})
}

func deployment(p string, raw json.RawMessage) (entitlement.Deployment, error) {
	var d entitlement.Deployment
	return d, object(p, raw, fields{
		"location": name(&d.Location), "licence": name(&d.Licence), "change": parsed(&d.Change, entitlement.ParseChange),
		"quantity": whole(&d.Quantity, entitlement.MaxQuantity), "day": date(&d.Day), "reason": text(&d.Reason),
	})
}

func issuedToken(p string, raw json.RawMessage) (entitlement.IssuedToken, error) {
	var t entitlement.IssuedToken
	return t, object(p, raw, fields{
		"fingerprint": parsed(&t.Fingerprint, token.ParseFingerprint),
		"location":    name(&t.Location), "membership": membership(&t.Membership), "year": date(&t.Year),
		"pool": name(&t.Pool), "activateBy": date(&t.ActivateBy), "redeemed": date(&t.Redeemed),
	})
}
