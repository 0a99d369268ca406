package activation_test

import (
	"bytes"
	"encoding/binary"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
)

// TestRecordBinaryErrorsSayWhatIsWrong: bytes that are not one record
// encoding are refused with ErrRecordEncoding and a message that says what
// is wrong (what a store's operator reads when a row is corrupt), and the
// record is left unchanged.
func TestRecordBinaryErrorsSayWhatIsWrong(t *testing.T) {
	rec := activation.Record{Seq: 3, KeyTail: "EEEE5", Policy: "partner-center",
		RecordedAt: time.Unix(1_800_000_000, 999_999_999).UTC()}
	good, err := rec.MarshalBinary()
	require.NoError(t, err)
	var back activation.Record
	require.NoError(t, back.UnmarshalBinary(good))
	require.Equal(t, rec, back)

	const ids = 1 + 32 + 32 // version, fingerprint, request
	require.Equal(t, byte(6), good[ids], "Seq 3 is the zig-zag varint 6")
	nsec := binary.AppendUvarint(nil, 999_999_999)
	at := bytes.Index(good, nsec)
	require.Positive(t, at)
	tooMany := append(append(append([]byte{}, good[:at]...), binary.AppendUvarint(nil, 1_000_000_000)...), good[at+len(nsec):]...)
	require.Len(t, tooMany, len(good), "1e9 takes as many bytes as 999,999,999")

	tests := map[string]struct {
		in   []byte
		want string
	}{
		"empty":                  {nil, "empty"},
		"version 4":              {append([]byte{4}, good[1:]...), "unknown version 4 (want 1 to 3)"},
		"cut in the fingerprint": {good[:20], "truncated"},
		"cut in the request":     {good[:ids-1], "truncated"},
		"cut after the request":  {good[:ids], "truncated or overlong integer"},
		"cut in the policy":      {good[:ids+1+1+5+1+3], "truncated string"},
		"cut after the policy":   {good[:ids+1+1+5+1+14], "truncated or overlong integer"},
		"cut before the cap":     {good[:len(good)-2], "truncated or overlong integer"},
		"cut before the bool":    {good[:len(good)-1], "truncated"},
		"a trailing byte":        {append(append([]byte{}, good...), 0), "1 trailing bytes"},
		"two trailing bytes":     {append(append([]byte{}, good...), 0, 0), "2 trailing bytes"},
		"boolean 2":              {append(append([]byte{}, good[:len(good)-1]...), 2), "boolean 2, want 0 or 1"},
		"nanoseconds 1e9":        {tooMany, "nanoseconds out of range"},
		"overlong Seq":           {append(append(append([]byte{}, good[:ids]...), 0x86, 0x00), good[ids+1:]...), "not in canonical form"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got := activation.Record{Seq: 99}
			err := got.UnmarshalBinary(tt.in)
			require.ErrorIs(t, err, activation.ErrRecordEncoding)
			assert.Equal(t, "activation: record: bad encoding: "+tt.want, err.Error())
			assert.Equal(t, activation.Record{Seq: 99}, got, "a failed UnmarshalBinary changed the record")
		})
	}
}
