package provider

import "testing"

func TestMaskedLoggerIgnoresEmptySecrets(t *testing.T) {
	l := newMaskedLogger("", "api-key", "")
	if len(l.secrets) != 1 || l.secrets[0] != "api-key" {
		t.Errorf("secrets %q, want only the non-empty one", l.secrets)
	}
}
