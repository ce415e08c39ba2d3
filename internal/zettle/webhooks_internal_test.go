package zettle

import "testing"

func TestRedactSecretsHidesSigningKeys(t *testing.T) {
	for body, want := range map[string]string{
		`{"uuid":"u","signingKey":"s3cr3t","status":"ACTIVE"}`: `{"uuid":"u","signingKey":"***","status":"ACTIVE"}`,
		`[{"signingKey" : "a\"b"},{"signingKey":"c"}]`:         `[{"signingKey" : "***"},{"signingKey":"***"}]`,
		`{"uuid":"u","signingKey":"cut in the mid`:             `{"uuid":"u","signingKey":"***`,
		`{"uuid":"u","signingKey":"cut after a backslash\`:     `{"uuid":"u","signingKey":"***`,
		`{"developerMessage":"no key here"}`:                   `{"developerMessage":"no key here"}`,
	} {
		if got := redactSecrets(body); got != want {
			t.Errorf("redactSecrets(%s) = %s, want %s", body, got, want)
		}
	}
}
