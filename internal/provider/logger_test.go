package provider

import "testing"

func TestMaskedLoggerIgnoresEmptySecrets(t *testing.T) {
	l := newMaskedLogger("", "api-key", "")
	if len(l.secrets) != 1 || l.secrets[0] != "api-key" {
		t.Errorf("secrets %q, want only the non-empty one", l.secrets)
	}
}

func TestMaskedLoggerIsOffAtLevelOff(t *testing.T) {
	t.Setenv(EnvProviderLogLevel, "OFF")
	if l := newMaskedLogger("secret"); !l.off {
		t.Errorf("%s=OFF: logger not off", EnvProviderLogLevel)
	}
	t.Setenv(EnvProviderLogLevel, "")
	if l := newMaskedLogger("secret"); l.off {
		t.Errorf("%s unset: logger off", EnvProviderLogLevel)
	}
}
