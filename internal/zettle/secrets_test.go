package zettle_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/zettle-community/terraform-provider-zettle/internal/sandbox"
	"github.com/zettle-community/terraform-provider-zettle/internal/zettle"
)

// Errors name what failed, never the credential that failed.
func TestErrorsNeverHoldSecrets(t *testing.T) {
	sb := sandbox.New()
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	org := sb.AddOrganization(sandbox.OrgSpec{})
	key := org.AddAPIKey()
	org.RevokeAPIKey(key.Key)
	ctx := context.Background()

	tokens, err := zettle.NewAPIKeyTokens(zettle.APIKeyConfig{OAuthURL: srv.URL, APIKey: key.Key})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tokens.Token(ctx); err == nil || strings.Contains(err.Error(), key.Key) {
		t.Errorf("revoked key: error %v", err)
	}

	const token = "not-a-token-the-sandbox-knows"
	c, err := zettle.New(zettle.Config{InventoryURL: srv.URL, Tokens: zettle.StaticToken(token)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Locations(ctx); zettle.StatusOf(err) != 401 || strings.Contains(err.Error(), token) {
		t.Errorf("unknown token: error %v", err)
	}
}
