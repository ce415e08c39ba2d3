package serve

import "strings"

// LogLevelEnv is the environment variable that sets the level of the log
// lines of a provider of type providerType, as terraform-plugin-go reads it.
func LogLevelEnv(providerType string) string {
	return "TF_LOG_PROVIDER_" + strings.ToUpper(strings.ReplaceAll(providerType, "-", "_"))
}

// The levels terraform-plugin-go and the plugin framework read for their own
// log lines; unset, each is TRACE.
var sdkLogLevels = []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK"}

// SilenceLogsTerraformDiscards turns the provider's logging off when
// Terraform would discard every line of it, and leaves it as it is
// otherwise.
//
// Terraform and OpenTofu show a provider's log at the level TF_LOG_PROVIDER
// gives, or else TF_LOG, and none when that is unset or "off". Unless told
// otherwise, the provider's loggers still write every line at TRACE to the
// pipe Terraform reads, several per call, for Terraform to read and drop
// (older ones decode each line first): a cost to both processes that grows
// with the number of resources. Levels the user set are kept. Call it before
// serving, and only when Terraform started the process (not under -debug,
// where the log goes to the user's terminal).
func SilenceLogsTerraformDiscards(providerType string, lookupEnv func(string) (string, bool), setEnv func(key, value string) error) error {
	shown, _ := lookupEnv("TF_LOG_PROVIDER")
	if strings.TrimSpace(shown) == "" {
		shown, _ = lookupEnv("TF_LOG")
	}
	if shown = strings.TrimSpace(shown); shown != "" && !strings.EqualFold(shown, "off") {
		return nil
	}
	for _, level := range append([]string{LogLevelEnv(providerType)}, sdkLogLevels...) {
		if v, _ := lookupEnv(level); strings.TrimSpace(v) != "" {
			continue
		}
		if err := setEnv(level, "off"); err != nil {
			return err
		}
	}
	return nil
}
