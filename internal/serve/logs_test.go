package serve

import (
	"maps"
	"testing"
)

func TestSilenceLogsTerraformDiscards(t *testing.T) {
	const level = "TF_LOG_PROVIDER_ZETTLE"
	all := append([]string{level}, sdkLogLevels...)
	for _, c := range []struct {
		name string
		env  map[string]string
		want map[string]string
	}{
		{
			name: "nothing shown: every level off",
			env:  map[string]string{},
			want: map[string]string{level: "off", "TF_LOG_SDK": "off", "TF_LOG_SDK_PROTO": "off", "TF_LOG_SDK_FRAMEWORK": "off"},
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
			name: "TF_LOG_PROVIDER off: every level off",
			env:  map[string]string{"TF_LOG": "DEBUG", "TF_LOG_PROVIDER": "OFF"},
			want: map[string]string{"TF_LOG": "DEBUG", "TF_LOG_PROVIDER": "OFF", level: "off", "TF_LOG_SDK": "off", "TF_LOG_SDK_PROTO": "off", "TF_LOG_SDK_FRAMEWORK": "off"},
		},
		{
			name: "TF_LOG_PROVIDER empty: TF_LOG decides",
			env:  map[string]string{"TF_LOG": "trace", "TF_LOG_PROVIDER": ""},
			want: map[string]string{"TF_LOG": "trace", "TF_LOG_PROVIDER": ""},
		},
		{
			name: "an empty level counts as unset",
			env:  map[string]string{"TF_LOG_SDK": ""},
			want: map[string]string{level: "off", "TF_LOG_SDK": "off", "TF_LOG_SDK_PROTO": "off", "TF_LOG_SDK_FRAMEWORK": "off"},
		},
		{
			name: "a level the user set is kept",
			env:  map[string]string{"TF_LOG": "", "TF_LOG_SDK_FRAMEWORK": "DEBUG"},
			want: map[string]string{"TF_LOG": "", level: "off", "TF_LOG_SDK": "off", "TF_LOG_SDK_PROTO": "off", "TF_LOG_SDK_FRAMEWORK": "DEBUG"},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			env := maps.Clone(c.env)
			err := SilenceLogsTerraformDiscards("zettle",
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

func TestLogLevelEnv(t *testing.T) {
	if got := LogLevelEnv("zettle-inventory"); got != "TF_LOG_PROVIDER_ZETTLE_INVENTORY" {
		t.Errorf("LogLevelEnv: %s", got)
	}
}
