package provider

import (
	"context"
	"fmt"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/zettle-community/terraform-provider-zettle/internal/zettle"
)

// Zettle takes UUIDs in any case and answers them in lower case. One written
// in upper case would never equal what reads return, and every plan would
// replace the resource: only the lower-case form is accepted.
var (
	anyCaseUUID = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
)

func isUUID(s string) bool { return uuidPattern.MatchString(s) }

// checkUUID explains why s is not a UUID the provider takes; nil when it is.
func checkUUID(s string) error {
	switch {
	case isUUID(s):
		return nil
	case anyCaseUUID.MatchString(s):
		return fmt.Errorf("%q has upper-case letters: write it in lower case, %q, as Zettle answers it", s, strings.ToLower(s))
	default:
		return fmt.Errorf("%q must be a UUID such as fd4a39a0-e2ef-11e6-ba64-85247ae2a737", s)
	}
}

func uuidValidator() validator.String { return lowerUUIDValidator{} }

// lowerUUIDValidator checks, at plan time, that an attribute is a UUID in
// lower case.
type lowerUUIDValidator struct{}

func (lowerUUIDValidator) Description(context.Context) string {
	return "must be a UUID in lower case, such as fd4a39a0-e2ef-11e6-ba64-85247ae2a737"
}

func (v lowerUUIDValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (lowerUUIDValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := checkUUID(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid UUID", req.Path.String()+": "+err.Error()+".")
	}
}

// notBlank refuses a name of only white space, which the Product Library
// refuses.
func notBlank() validator.String {
	return stringvalidator.RegexMatches(regexp.MustCompile(`\S`), "must not be blank")
}

func pathOf(name string) path.Path { return path.Root(name) }

// baseURLValidator checks, at plan time, that an attribute is an absolute
// http(s) URL as zettle.ParseBaseURL requires.
type baseURLValidator struct{}

func (baseURLValidator) Description(context.Context) string {
	return "must be an absolute http:// or https:// URL"
}

func (v baseURLValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (baseURLValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := zettle.ParseBaseURL(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid URL", err.Error())
	}
}

// durationValidator checks, at plan time, that an attribute is a Go duration
// ("20ms", "1s") between min and max.
type durationValidator struct{ min, max time.Duration }

func (v durationValidator) Description(context.Context) string {
	return fmt.Sprintf("must be a duration such as \"20ms\", between %s and %s", v.min, v.max)
}

func (v durationValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v durationValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	d, err := time.ParseDuration(req.ConfigValue.ValueString())
	if err != nil || d < v.min || d > v.max {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration",
			fmt.Sprintf("%q %s.", req.ConfigValue.ValueString(), v.Description(ctx)))
	}
}

// maxContactEmail is the longest contact email Pusher takes.
const maxContactEmail = 512

// httpsURLValidator checks, at plan time, that an attribute is an https://
// URL with a host.
type httpsURLValidator struct{}

func (httpsURLValidator) Description(context.Context) string {
	return "must be an https:// URL with a host"
}

func (v httpsURLValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (httpsURLValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	raw := req.ConfigValue.ValueString()
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid destination",
			fmt.Sprintf("%q is not an https:// URL with a host: Zettle posts events only to HTTPS destinations.", raw))
	}
}

// emailValidator checks, at plan time, that an attribute is one email
// address of at most maxContactEmail characters.
type emailValidator struct{}

func (emailValidator) Description(context.Context) string {
	return fmt.Sprintf("must be an email address of at most %d characters", maxContactEmail)
}

func (v emailValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (emailValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	raw := req.ConfigValue.ValueString()
	addr, err := mail.ParseAddress(raw)
	switch {
	case err != nil || addr.Address != raw:
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid contact_email", fmt.Sprintf("%q is not an email address such as ops@example.com.", raw))
	case utf8.RuneCountInString(raw) > maxContactEmail:
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid contact_email",
			fmt.Sprintf("The address has %d characters; Zettle takes at most %d.", utf8.RuneCountInString(raw), maxContactEmail))
	}
}
