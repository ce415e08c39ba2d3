package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// maskedLogger writes the client's request log to tflog, with every secret
// masked in messages and field values.
type maskedLogger struct {
	secrets []string
}

// newMaskedLogger masks the non-empty secrets: masking "" would garble every
// line.
func newMaskedLogger(secrets ...string) maskedLogger {
	var l maskedLogger
	for _, s := range secrets {
		if s != "" {
			l.secrets = append(l.secrets, s)
		}
	}
	return l
}

func (l maskedLogger) mask(ctx context.Context) context.Context {
	ctx = tflog.MaskAllFieldValuesStrings(ctx, l.secrets...)
	return tflog.MaskMessageStrings(ctx, l.secrets...)
}

func (l maskedLogger) Debug(ctx context.Context, msg string, fields map[string]any) {
	tflog.Debug(l.mask(ctx), msg, fields)
}
