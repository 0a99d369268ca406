package cli

import (
	"errors"
	"strings"

	"github.com/coterm/coterm/activation"
)

// CheckName checks a tenant or product name by the library's rule
// ([activation.CheckName]: not empty, at most 256 bytes, valid UTF-8, no
// character of Unicode category Cc, Cf, Zl or Zp, and not a text that could
// be read as a product key or holds one — the module's one rule, which the
// output filter shares). The error says what is wrong, never what was
// given.
func CheckName(s string) error {
	if err := activation.CheckName("name", s); err != nil {
		return errors.New(strings.TrimPrefix(libraryReason(err), "name "))
	}
	return nil
}

// libraryReason returns the message of an error of package activation
// without the words every such message for bad input starts with
// ("activation: invalid input: "), for a line that names the field itself.
func libraryReason(err error) string {
	return strings.TrimPrefix(err.Error(), activation.ErrInvalid.Error()+": ")
}
