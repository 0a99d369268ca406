package entitlement

import (
	"strconv"

	"github.com/coterm/coterm/internal/enum"
)

// Program is the kind of a membership: the Action Pack or a competency. The
// zero value is unknown.
type Program int

// The programs.
const (
	// ActionPack: licences per country, shared within the subscribing
	// country only (R16).
	ActionPack Program = iota + 1
	// Competency: licences shared across the countries of the organisation,
	// within the maximums (R15, R17).
	Competency
)

var programText = enum.New[Program]("Program", "program", invalidMsg,
	[]string{"", "action-pack", "competency"})

// SKU is the class of an online product as the caller declares it, never
// guessed from a name (R19). The zero value is unknown.
type SKU int

// The classes.
const (
	Enterprise SKU = iota + 1 // an enterprise (E) SKU
	Kiosk                     // a kiosk (K) SKU
	OtherSKU                  // any other SKU
)

var skuText = enum.New("SKU", "SKU class", invalidMsg,
	[]string{"", "enterprise", "kiosk", "other"},
	enum.Alias[SKU]{Name: "e", Value: Enterprise}, enum.Alias[SKU]{Name: "k", Value: Kiosk})

// Kind says what a grant is for. The zero value is unknown.
type Kind int

// The kinds of grant.
const (
	// Core: the membership's own grant, bound to the maximums (R15).
	Core Kind = iota + 1
	// Toolkit: from an Additional Benefit Toolkit, held only by an associated
	// location for a competency it holds (R18), shared like that
	// competency's licences and bound to the maximums (R15).
	Toolkit
	// Demonstration: demonstration and training licences, shared by the
	// rules of their membership, never bound to the maximums (R15).
	Demonstration
)

var kindText = enum.New("Kind", "grant kind", invalidMsg,
	[]string{"", "core", "toolkit", "demonstration"},
	enum.Alias[Kind]{Name: "training", Value: Demonstration})

// Change says whether an on-premises change deploys licences or removes
// them. The zero value is unknown.
type Change int

// The changes.
const (
	Deploy Change = iota + 1 // licences deployed
	Remove                   // licences removed (uninstalled)
)

var changeText = enum.New[Change]("Change", "change", invalidMsg, []string{"", "deploy", "remove"})

// The text form of the enumerations, method by method.

// String returns "action-pack" or "competency", or "Program(N)".
func (p Program) String() string { return programText.String(p) }

// String returns "enterprise", "kiosk" or "other", or "SKU(N)".
func (s SKU) String() string { return skuText.String(s) }

// String returns "core", "toolkit" or "demonstration", or "Kind(N)".
func (k Kind) String() string { return kindText.String(k) }

// String returns "deploy" or "remove", or "Change(N)".
func (c Change) String() string { return changeText.String(c) }

// Valid reports whether p is one of the programs.
func (p Program) Valid() bool { return programText.Valid(p) }

// Valid reports whether s is one of the classes.
func (s SKU) Valid() bool { return skuText.Valid(s) }

// Valid reports whether k is one of the kinds.
func (k Kind) Valid() bool { return kindText.Valid(k) }

// Valid reports whether c is one of the changes.
func (c Change) Valid() bool { return changeText.Valid(c) }

// Bound reports whether grants of kind k count toward the country and
// worldwide maximums (R15): core and toolkit grants do, demonstration and
// training grants do not.
func (k Kind) Bound() bool { return k == Core || k == Toolkit }

// ParseProgram parses the names [Program.String] returns, in any ASCII
// case, nothing trimmed. Any other text is an error wrapping [ErrInvalid]
// that does not repeat the text.
func ParseProgram(s string) (Program, error) { return programText.Parse(s) }

// ParseSKU parses the names [SKU.String] returns, or "e" and "k", in any
// ASCII case, nothing trimmed. Any other text is an error wrapping
// [ErrInvalid] that does not repeat the text.
func ParseSKU(s string) (SKU, error) { return skuText.Parse(s) }

// ParseKind parses the names [Kind.String] returns, or "training", in any
// ASCII case, nothing trimmed. Any other text is an error wrapping
// [ErrInvalid] that does not repeat the text.
func ParseKind(s string) (Kind, error) { return kindText.Parse(s) }

// ParseChange parses "deploy" or "remove" in any ASCII case, nothing
// trimmed. Any other text is an error wrapping [ErrInvalid] that does not
// repeat the text.
func ParseChange(s string) (Change, error) { return changeText.Parse(s) }

// MarshalText implements [encoding.TextMarshaler]; a program that is not
// valid is an error wrapping [ErrInvalid].
func (p Program) MarshalText() ([]byte, error) { return programText.MarshalText(p) }

// MarshalText implements [encoding.TextMarshaler]; a class that is not
// valid is an error wrapping [ErrInvalid].
func (s SKU) MarshalText() ([]byte, error) { return skuText.MarshalText(s) }

// MarshalText implements [encoding.TextMarshaler]; a kind that is not valid
// is an error wrapping [ErrInvalid].
func (k Kind) MarshalText() ([]byte, error) { return kindText.MarshalText(k) }

// MarshalText implements [encoding.TextMarshaler]; a change that is not
// valid is an error wrapping [ErrInvalid].
func (c Change) MarshalText() ([]byte, error) { return changeText.MarshalText(c) }

// UnmarshalText implements [encoding.TextUnmarshaler] with [ParseProgram];
// on error p is unchanged.
func (p *Program) UnmarshalText(b []byte) error { return programText.UnmarshalText(p, b) }

// UnmarshalText implements [encoding.TextUnmarshaler] with [ParseSKU]; on
// error s is unchanged.
func (s *SKU) UnmarshalText(b []byte) error { return skuText.UnmarshalText(s, b) }

// UnmarshalText implements [encoding.TextUnmarshaler] with [ParseKind]; on
// error k is unchanged.
func (k *Kind) UnmarshalText(b []byte) error { return kindText.UnmarshalText(k, b) }

// UnmarshalText implements [encoding.TextUnmarshaler] with [ParseChange];
// on error c is unchanged.
func (c *Change) UnmarshalText(b []byte) error { return changeText.UnmarshalText(c, b) }

// Rule is the id of a rule of the package documentation's table, R14 … R21.
type Rule int

// The rules a [Finding] cites.
const (
	R14 Rule = 14 + iota // online and on-premises use together within the grant
	R15                  // country and worldwide maximums
	R16                  // Action Pack licences within their country
	R17                  // competency licences within one organisation
	R18                  // a toolkit at an associated location with a competency
	R19                  // on one tenant, other seats only of E or K SKUs
	R20                  // use rights end with the program year
	R21                  // tokens per program year, activate-by, entered in time
)

// String returns "R14" … "R21", or "Rule(N)" for any other value.
func (r Rule) String() string {
	if r >= R14 && r <= R21 {
		return "R" + strconv.Itoa(int(r))
	}
	return "Rule(" + strconv.Itoa(int(r)) + ")"
}
