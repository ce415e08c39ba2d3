package zettle_test

import (
	"testing"

	"github.com/zettle-community/terraform-provider-zettle/internal/sandbox"
	"github.com/zettle-community/terraform-provider-zettle/internal/zettle"
	"github.com/zettle-community/terraform-provider-zettle/internal/zettle/zettletest"
)

// newSandboxClient returns a client without batching, and its sandbox.
func newSandboxClient(t *testing.T) (*zettle.Client, *sandbox.Server, *sandbox.Org) {
	t.Helper()
	return newBatchingSandboxClient(t, zettle.Batching{})
}

func newBatchingSandboxClient(t *testing.T, batching zettle.Batching) (*zettle.Client, *sandbox.Server, *sandbox.Org) {
	t.Helper()
	return zettletest.NewClient(t, zettle.Config{Batching: batching}, sandbox.OrgSpec{})
}

func newRetryingSandboxClient(t *testing.T) (*zettle.Client, *sandbox.Server, *sandbox.Org) {
	t.Helper()
	return zettletest.NewClient(t, zettle.Config{Retries: zettletest.FastRetries}, sandbox.OrgSpec{})
}
