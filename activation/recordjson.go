package activation

import (
	"bytes"
	"encoding/json"
)

// recordJSON is a Record's JSON form as its struct tags write it, each
// field kept raw so that each is read on its own and an error names it.
type recordJSON struct {
	Fingerprint json.RawMessage `json:"fingerprint"`
	Request     json.RawMessage `json:"request"`
	Outcome     json.RawMessage `json:"outcome"`
	Seq         json.RawMessage `json:"seq"`
	KeyTail     json.RawMessage `json:"keyTail"`
	Policy      json.RawMessage `json:"policy"`
	RecordedAt  json.RawMessage `json:"recordedAt"`
	Replaces    json.RawMessage `json:"replaces"`
	ReplTail    json.RawMessage `json:"replacesTail"`
	Kind        json.RawMessage `json:"kind"`
	Change      json.RawMessage `json:"change"`
	Note        json.RawMessage `json:"note"`
}

// UnmarshalJSON implements [json.Unmarshaler]: it reads what json.Marshal
// writes of a Record (camelCase; fingerprint and request as 64 lower-case
// hexadecimal digits; the Outcome without its explanation and key) as a
// whole record: a missing or null field is the zero value, unknown fields
// are ignored, null as a whole leaves r unchanged. It refuses the key tails
// and names [Record.MarshalBinary] refuses. Errors wrap [ErrInvalid], name
// the field and never quote the input; r is then unchanged.
func (r *Record) UnmarshalJSON(b []byte) error {
	if string(bytes.TrimSpace(b)) == "null" {
		return nil
	}
	var raw recordJSON
	if err := json.Unmarshal(b, &raw); err != nil {
		return jsonError(recordWhat, err)
	}
	var v Record
	for _, f := range [...]struct {
		name, want string
		raw        json.RawMessage
		into       any
	}{
		{"fingerprint", "64 hexadecimal digits", raw.Fingerprint, &v.Fingerprint},
		{"request", "64 hexadecimal digits", raw.Request, &v.Request},
		{"seq", "an integer", raw.Seq, &v.Seq},
		{"keyTail", "a string", raw.KeyTail, &v.KeyTail},
		{"policy", "a string", raw.Policy, &v.Policy},
		{"recordedAt", "a time as RFC 3339 writes it", raw.RecordedAt, &v.RecordedAt},
		{"replaces", "64 hexadecimal digits", raw.Replaces, &v.Replaces},
		{"replacesTail", "a string", raw.ReplTail, &v.ReplacesTail},
		{"kind", `"subscription" or "change"`, raw.Kind, &v.Kind},
		{"change", "a string", raw.Change, &v.Change},
		{"note", "a string", raw.Note, &v.Note},
	} {
		if f.raw == nil {
			continue
		}
		if err := json.Unmarshal(f.raw, f.into); err != nil {
			return invalid("%s: field %q: want %s", recordWhat, f.name, f.want)
		}
	}
	if raw.Outcome != nil {
		if err := v.Outcome.UnmarshalJSON(raw.Outcome); err != nil {
			return err // the Outcome's own errors name their field and quote nothing
		}
	}
	if err := v.checkText(recordWhat); err != nil {
		return err
	}
	*r = v
	return nil
}

// recordWhat names a Record's JSON in errors.
const recordWhat = "record JSON"
