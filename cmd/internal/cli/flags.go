package cli

import (
	"errors"
	"flag"
	"io"
	"strconv"
	"strings"
)

// Parse parses args with fs as fs.Parse does, but its errors never quote
// what was typed: an unknown flag is named only when its name is short and
// plain (a product key is 25 characters, so -key-<KEY>, a typo for
// -key=<KEY>, is reported by its position), and a refused value is reported
// by the flag's name only. It silences fs, whose own messages quote values.
// A request for help (-h, -help) returns [ErrHelp]; the caller prints its
// usage text.
func Parse(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	if err := precheck(fs, args); err != nil {
		return err
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ErrHelp
		}
		// precheck has found every unknown flag, missing value and bad
		// boolean: what is left is a value some flag.Value refused.
		return Usagef("a flag's value is not accepted (see -h)")
	}
	return nil
}

// precheck walks args as the flag package does and reports the first
// problem the flag package would report, in words that quote nothing.
func precheck(fs *flag.FlagSet, args []string) error {
	for i := 0; i < len(args); i++ {
		s := args[i]
		if len(s) < 2 || s[0] != '-' {
			return nil // the first argument that is not a flag ends the flags
		}
		minuses := 1
		if s[1] == '-' {
			minuses++
			if len(s) == 2 {
				return nil // "--" ends the flags
			}
		}
		name := s[minuses:]
		if name == "" || name[0] == '-' || name[0] == '=' {
			return Usagef("argument %d: bad flag syntax, want -name or -name=value (see -h)", i+1)
		}
		value, hasValue := "", false
		if j := strings.IndexByte(name, '='); j >= 0 {
			name, value, hasValue = name[:j], name[j+1:], true
		}
		f := fs.Lookup(name)
		if f == nil {
			if name == "h" || name == "help" {
				return ErrHelp
			}
			return Usagef("%s: unknown flag (see -h)", flagName(name, i))
		}
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
			if hasValue {
				if _, err := strconv.ParseBool(value); err != nil {
					return Usagef("-%s: want true or false, or no value", name)
				}
			}
			continue
		}
		if !hasValue {
			if i+1 >= len(args) {
				return Usagef("-%s: missing value (see -h)", name)
			}
			i++
		}
	}
	return nil
}

// flagName names an unknown flag: "-name" if the name is at most 24 plain
// characters (too short to hold a product key), otherwise the argument's
// position.
func flagName(name string, i int) string {
	if len(name) <= 24 {
		plain := true
		for j := 0; j < len(name); j++ {
			c := name[j]
			if !isAlnum(c) && c != '-' && c != '_' {
				plain = false
				break
			}
		}
		if plain {
			return "-" + name
		}
	}
	return "argument " + strconv.Itoa(i+1)
}

// isAlnum reports whether c is an ASCII letter or digit.
func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
}
