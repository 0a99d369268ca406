package proration

import "github.com/coterm/coterm/internal/enum"

// The text forms of the enumerations [Rounding], [Convention], [CapRule] and
// [SwitchRule]. They follow the module's one rule for names: String gives the
// canonical name ("half-even") or "Rounding(7)" for a value that is not
// defined; parsing accepts the whole string as a canonical name in any ASCII
// case, nothing trimmed and no Unicode case folding; a refusal wraps
// [ErrInput], lists the names and does not repeat its input; MarshalText
// refuses a value that is not defined.
var (
	roundingText   = enum.New[Rounding]("Rounding", "rounding", inputMsg, []string{"half-even", "half-up", "down", "up"})
	conventionText = enum.New[Convention]("Convention", "convention", inputMsg, []string{"calendar-months", "exact-seat-days"})
	capRuleText    = enum.New[CapRule]("CapRule", "cap rule", inputMsg, []string{"per-key", "end-limit"})
	switchRuleText = enum.New[SwitchRule]("SwitchRule", "switch rule", inputMsg, []string{SwitchFirstMonth: "first-month", SwitchPenalty: "penalty"})
)

// inputMsg returns an error wrapping [ErrInput] with the message msg.
func inputMsg(msg string) error { return inputErr("%s", msg) }
