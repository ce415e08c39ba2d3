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
	l := &maskedLogger{off: strings.EqualFold(strings.TrimSpace(os.Getenv(EnvProviderLogLevel)), "off")}
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
// terraform-plugin-go reads it for a provider of type zettle
// (serve.LogLevelEnv).
const EnvProviderLogLevel = "TF_LOG_PROVIDER_ZETTLE"
