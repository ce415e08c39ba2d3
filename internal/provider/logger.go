package provider

import (
	"context"
	"os"
	"slices"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// maskedLogger writes the client's request log to tflog, with every secret
// masked in messages and field values: the configured credentials, and the
// access tokens an API key is exchanged for, as they are issued.
type maskedLogger struct {
	mu      sync.Mutex
	secrets []string
	// off drops every line unread: the provider's log level is OFF, so
	// masking and formatting them would be work for nothing.
	off bool
}

// newMaskedLogger masks the given secrets.
func newMaskedLogger(secrets ...string) *maskedLogger {
	l := &maskedLogger{off: strings.EqualFold(os.Getenv(EnvProviderLogLevel), "off")}
	for _, s := range secrets {
		l.MaskSecret(s)
	}
	return l
}

// MaskSecret adds a secret to mask from now on. Empty ones are ignored:
// masking "" would garble every line.
func (l *maskedLogger) MaskSecret(secret string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if secret != "" && !slices.Contains(l.secrets, secret) {
		l.secrets = append(l.secrets, secret)
	}
}

func (l *maskedLogger) masked(ctx context.Context) context.Context {
	l.mu.Lock()
	secrets := slices.Clone(l.secrets)
	l.mu.Unlock()
	ctx = tflog.MaskAllFieldValuesStrings(ctx, secrets...)
	return tflog.MaskMessageStrings(ctx, secrets...)
}

func (l *maskedLogger) Debug(ctx context.Context, msg string, fields map[string]any) {
	if l.off {
		return
	}
	tflog.Debug(l.masked(ctx), msg, fields)
}

// EnvProviderLogLevel sets the level of the provider's own log lines, as
// terraform-plugin-go reads it for a provider of type zettle.
const EnvProviderLogLevel = "TF_LOG_PROVIDER_ZETTLE"

// The levels terraform-plugin-go and the plugin framework read for their own
// log lines; unset, each is TRACE.
var sdkLogLevels = []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK"}

// SilenceLogsTerraformDiscards turns the provider's logging off when
// Terraform would discard every line of it, and leaves it as it is
// otherwise.
//
// Terraform and OpenTofu show a provider's log only when TF_LOG or
// TF_LOG_PROVIDER is set. Unless told otherwise, the provider's loggers
// still write every line at TRACE to the pipe Terraform reads, several per
// call: Terraform decodes each and throws it away, at a cost to both
// processes that grows with the number of resources. Levels the user set are
// kept. Call it before serving, and only when Terraform started the
// process (not under -debug, where the log goes to the user's terminal).
func SilenceLogsTerraformDiscards(lookupEnv func(string) (string, bool), setEnv func(key, value string) error) error {
	for _, shown := range []string{"TF_LOG", "TF_LOG_PROVIDER"} {
		if v, set := lookupEnv(shown); set && v != "" {
			return nil
		}
	}
	for _, level := range append([]string{EnvProviderLogLevel}, sdkLogLevels...) {
		if _, set := lookupEnv(level); set {
			continue
		}
		if err := setEnv(level, "off"); err != nil {
			return err
		}
	}
	return nil
}
