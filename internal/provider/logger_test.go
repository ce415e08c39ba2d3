package provider

import (
	"maps"
	"testing"
)

func TestMaskedLoggerIgnoresEmptySecrets(t *testing.T) {
	l := newMaskedLogger("", "api-key", "")
	if len(l.secrets) != 1 || l.secrets[0] != "api-key" {
		t.Errorf("secrets %q, want only the non-empty one", l.secrets)
	}
}

func TestSilenceLogsTerraformDiscards(t *testing.T) {
	all := append([]string{EnvProviderLogLevel}, sdkLogLevels...)
	for _, c := range []struct {
		name string
		env  map[string]string
		want map[string]string
	}{
		{
			name: "nothing shown: every level off",
			env:  map[string]string{},
			want: map[string]string{EnvProviderLogLevel: "off", "TF_LOG_SDK": "off", "TF_LOG_SDK_PROTO": "off", "TF_LOG_SDK_FRAMEWORK": "off"},
		},
		{
			name: "TF_LOG shown: untouched",
			env:  map[string]string{"TF_LOG": "DEBUG"},
			want: map[string]string{"TF_LOG": "DEBUG"},
		},
		{
			name: "TF_LOG_PROVIDER shown: untouched",
			env:  map[string]string{"TF_LOG_PROVIDER": "TRACE"},
			want: map[string]string{"TF_LOG_PROVIDER": "TRACE"},
		},
		{
			name: "a level the user set is kept",
			env:  map[string]string{"TF_LOG": "", "TF_LOG_SDK_FRAMEWORK": "DEBUG"},
			want: map[string]string{"TF_LOG": "", EnvProviderLogLevel: "off", "TF_LOG_SDK": "off", "TF_LOG_SDK_PROTO": "off", "TF_LOG_SDK_FRAMEWORK": "DEBUG"},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			env := maps.Clone(c.env)
			err := SilenceLogsTerraformDiscards(
				func(k string) (string, bool) { v, ok := env[k]; return v, ok },
				func(k, v string) error { env[k] = v; return nil })
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(env, c.want) {
				t.Errorf("environment %v, want %v (levels %v)", env, c.want, all)
			}
		})
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
