package cli

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRun(t *testing.T) {
	cases := map[string]struct {
		err                 error
		wantErr             error
		wantOut, wantErrOut string
	}{
		"done":     {wantOut: "out\n"},
		"negative": {err: ErrNegative, wantErr: ErrNegative, wantOut: "out\n"},
		"help":     {err: ErrHelp, wantOut: "out\n"},
		"usage": {err: Usagef("-on: want a date"), wantErr: Usagef("-on: want a date"), wantOut: "out\n",
			wantErrOut: "prog: -on: want a date\n"},
		"key in the error": {err: errors.New("bad FAKE0-KEY00-NOT00-REAL0-AAAAA"), wantErr: errors.New("bad FAKE0-KEY00-NOT00-REAL0-AAAAA"),
			wantOut: "out\n", wantErrOut: "prog: bad XXXXX-XXXXX-XXXXX-XXXXX-XXXXX\n"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := Run("prog", &out, &errOut, func(o, _ *Output) error {
				o.WriteString("out\n")
				return c.err
			})
			assert.Equal(t, c.wantErr, err)
			assert.Equal(t, c.wantOut, out.String())
			assert.Equal(t, c.wantErrOut, errOut.String())
		})
	}
}

func TestReasonDropsTheFileName(t *testing.T) {
	_, err := os.Open(filepath.Join(t.TempDir(), "FAKE0-KEY00-NOT00-REAL0-AAAAA"))
	require.Error(t, err)
	assert.NotContains(t, Reason(err), "FAKE0")
	assert.Equal(t, "no such file or directory", Reason(err))
}

func TestWriteFile(t *testing.T) {
	name := filepath.Join(t.TempDir(), "FAKE0-KEY00-NOT00-REAL0-AAAAA")
	require.NoError(t, WriteFile("-svg", name, "a\tFAKE0-KEY00-NOT00-REAL0-AAAAA\n"))
	b, err := os.ReadFile(name)
	require.NoError(t, err)
	assert.Equal(t, "a XXXXX-XXXXX-XXXXX-XXXXX-XXXXX\n", string(b))

	err = WriteFile("-svg", filepath.Join(name+"-missing", "x.svg"), "")
	assert.Equal(t, ExitUnreadable, ExitCode(err))
	assert.Equal(t, "-svg: cannot create the file: no such file or directory", err.Error())
}
