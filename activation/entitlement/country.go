package entitlement

// Country is a country by its ISO 3166-1 alpha-2 code, one of the officially
// assigned codes (see [ParseCountry]). It is a comparable value, usable as a
// map key; the zero Country is no country and [Country.IsZero] reports it.
type Country struct {
	a, b byte // upper-case ASCII letters; both 0 for the zero Country
}

// assigned lists the officially assigned ISO 3166-1 alpha-2 codes (249), in
// order, two letters each. Codes that are only reserved (exceptionally,
// transitionally or indeterminately, such as EU, UK, AN) and the
// user-assigned ranges (AA, QM–QZ, XA–XZ, ZZ, which XK uses) are not
// assigned and are refused.
const assigned = "" +
	"ADAEAFAGAIALAMAOAQARASATAUAWAXAZ" +
	"BABBBDBEBFBGBHBIBJBLBMBNBOBQBRBSBTBVBWBYBZ" +
	"CACCCDCFCGCHCICKCLCMCNCOCRCUCVCWCXCYCZ" +
	"DEDJDKDMDODZ" +
	"ECEEEGEHERESET" +
	"FIFJFKFMFOFR" +
	"GAGBGDGEGFGGGHGIGLGMGNGPGQGRGSGTGUGWGY" +
	"HKHMHNHRHTHU" +
	"IDIEILIMINIOIQIRISIT" +
	"JEJMJOJP" +
	"KEKGKHKIKMKNKPKRKWKYKZ" +
	"LALBLCLILKLRLSLTLULVLY" +
	"MAMCMDMEMFMGMHMKMLMMMNMOMPMQMRMSMTMUMVMWMXMYMZ" +
	"NANCNENFNGNINLNONPNRNUNZ" +
	"OM" +
	"PAPEPFPGPHPKPLPMPNPRPSPTPWPY" +
	"QA" +
	"RERORSRURW" +
	"SASBSCSDSESGSHSISJSKSLSMSNSOSRSSSTSVSXSYSZ" +
	"TCTDTFTGTHTJTKTLTMTNTOTRTTTVTWTZ" +
	"UAUGUMUSUYUZ" +
	"VAVCVEVGVIVNVU" +
	"WFWS" +
	"YEYT" +
	"ZAZMZW"

// isAssigned reports whether the upper-case letters a, b form an officially
// assigned code: a binary search over the sorted table.
func isAssigned(a, b byte) bool {
	lo, hi := 0, len(assigned)/2
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		x, y := assigned[2*m], assigned[2*m+1]
		switch {
		case x == a && y == b:
			return true
		case x < a || x == a && y < b:
			lo = m + 1
		default:
			hi = m
		}
	}
	return false
}

// ParseCountry returns the Country whose ISO 3166-1 alpha-2 code is s: two
// ASCII letters in any case ("de", "DE"), officially assigned. Nothing is
// trimmed, and the letters are checked as ASCII bytes before any case mapping
// (the Kelvin sign is not a "K"). Any other text is an error wrapping
// [ErrCountry] that says what is wrong without repeating s.
func ParseCountry(s string) (Country, error) {
	if len(s) != 2 {
		return Country{}, countryErr("want 2 letters, got %d bytes", len(s))
	}
	var c [2]byte
	for i := range 2 {
		x := s[i]
		switch {
		case 'A' <= x && x <= 'Z':
		case 'a' <= x && x <= 'z':
			x -= 'a' - 'A'
		default:
			return Country{}, countryErr("byte %d is not an ASCII letter", i+1)
		}
		c[i] = x
	}
	if !isAssigned(c[0], c[1]) {
		return Country{}, countryErr("not an officially assigned ISO 3166-1 alpha-2 code")
	}
	return Country{c[0], c[1]}, nil
}

// MustParseCountry is [ParseCountry] for literals and tests: it panics if s
// is not an assigned code.
func MustParseCountry(s string) Country {
	c, err := ParseCountry(s)
	if err != nil {
		panic(err)
	}
	return c
}

// String returns the code in upper case, "DE", or "" for the zero Country.
func (c Country) String() string {
	if c.IsZero() {
		return ""
	}
	return string([]byte{c.a, c.b})
}

// IsZero reports whether c is the zero Country.
func (c Country) IsZero() bool { return c == Country{} }

// Valid reports whether c is an officially assigned code (the zero Country
// is not).
func (c Country) Valid() bool { return isAssigned(c.a, c.b) }

// compare orders countries by code.
func (c Country) compare(d Country) int {
	return (int(c.a)<<8 | int(c.b)) - (int(d.a)<<8 | int(d.b))
}

// MarshalText implements [encoding.TextMarshaler]: the upper-case code. The
// zero Country, or one that is not valid, is an error wrapping [ErrCountry].
func (c Country) MarshalText() ([]byte, error) {
	if !c.Valid() {
		return nil, countryErr("not an officially assigned ISO 3166-1 alpha-2 code")
	}
	return []byte{c.a, c.b}, nil
}

// UnmarshalText implements [encoding.TextUnmarshaler] with [ParseCountry];
// on error c is unchanged.
func (c *Country) UnmarshalText(b []byte) error {
	d, err := ParseCountry(string(b))
	if err != nil {
		return err
	}
	*c = d
	return nil
}
