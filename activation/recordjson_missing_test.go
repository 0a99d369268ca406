package activation_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
)

// TestRecordUnmarshalJSONMissingFieldIsZero pins what Record.UnmarshalJSON
// does with a field the JSON leaves out or sets to null on a Record that is
// not zero: the field becomes its zero value (the record is read whole),
// where encoding/json reading a plain struct leaves such a field as it was.
func TestRecordUnmarshalJSONMissingFieldIsZero(t *testing.T) {
	r := activation.Record{Seq: 7, Policy: "partner-center", KeyTail: "AB3DE"}
	require.NoError(t, json.Unmarshal([]byte(`{"seq": null, "keyTail": "XC001"}`), &r))
	assert.Equal(t, int64(0), r.Seq, "null: the zero value")
	assert.Equal(t, "", r.Policy, "missing: the zero value")
	assert.Equal(t, "XC001", r.KeyTail)

	// encoding/json on a struct of the same fields leaves both as they were.
	plain := struct {
		Seq     int64  `json:"seq"`
		Policy  string `json:"policy"`
		KeyTail string `json:"keyTail"`
	}{7, "partner-center", "AB3DE"}
	require.NoError(t, json.Unmarshal([]byte(`{"seq": null, "keyTail": "XC001"}`), &plain))
	assert.Equal(t, int64(7), plain.Seq)
	assert.Equal(t, "partner-center", plain.Policy)

	// null as a whole leaves r unchanged.
	require.NoError(t, json.Unmarshal([]byte(`null`), &r))
	assert.Equal(t, "XC001", r.KeyTail)
}
