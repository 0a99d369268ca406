package activation

import "github.com/coterm/coterm/internal/enum"

// Service is what a subscription still gives in a lifecycle state (R8, R22),
// in the words of Microsoft Learn, "What happens to my data and access when
// my Microsoft 365 for business subscription ends?". The zero value is
// unknown; in a [Policy] field it means the state's R8 default (see
// [Policy.Service]).
type Service int

// The services, from the most to the least.
const (
	// FullService: "Users have normal access to Microsoft 365, files, and
	// apps" — Active, and Expired under most channels (R8: "fully
	// functional").
	FullService Service = iota + 1
	// ReadOnlyService: "Data is accessible to admins only": users cannot use
	// the apps, which turn read-only; admins can still back the data up —
	// Disabled (R8: "read-only").
	ReadOnlyService
	// NoService: nothing is served. Deleted ("Data is deleted"), None (no
	// subscription), and Expired under volume licensing ("Services
	// immediately become unavailable when the Expired status starts", R22).
	NoService
)

var serviceText = enum.New[Service]("Service", "service", invalidMsg,
	[]string{"", "full", "read-only", "none"})

// String returns "full", "read-only" or "none", or "Service(N)" for any other
// value.
func (sv Service) String() string { return serviceText.String(sv) }

// Valid reports whether sv is one of the three services.
func (sv Service) Valid() bool { return sv >= FullService && sv <= NoService }

// ParseService parses the names [Service.String] returns, in any ASCII case
// (the package's rule for names). Any other text is an error wrapping
// [ErrInvalid] that lists the names and does not repeat the text.
func ParseService(s string) (Service, error) { return serviceText.Parse(s) }

// MarshalText implements [encoding.TextMarshaler]. A service that is not
// valid is an error wrapping [ErrInvalid].
func (sv Service) MarshalText() ([]byte, error) { return serviceText.MarshalText(sv) }

// UnmarshalText implements [encoding.TextUnmarshaler] with [ParseService]; on
// error sv is unchanged.
func (sv *Service) UnmarshalText(b []byte) error { return serviceText.UnmarshalText(sv, b) }

// Service returns the service a subscription gives in state st under p (R8,
// R22): [FullService] while Active; p.ExpiredService while Expired and
// p.DisabledService while Disabled, where zero means R8's default
// ([FullService] and [ReadOnlyService]); [NoService] once Deleted and for
// None. It is the one place the policy's service is read: [Policy.Timeline],
// the planner's lost days and the pictures' legend all ask it. It returns
// the unknown zero Service for a state that is not valid.
func (p Policy) Service(st State) Service {
	switch st {
	case Active:
		return FullService
	case Expired:
		if p.ExpiredService == 0 {
			return FullService
		}
		return p.ExpiredService
	case Disabled:
		if p.DisabledService == 0 {
			return ReadOnlyService
		}
		return p.DisabledService
	case Deleted, None:
		return NoService
	}
	return 0
}
