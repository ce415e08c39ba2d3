package provider

import (
	"os"
	"testing"
)

// TestMain runs the tests without the client's rate limit unless the
// environment sets one: their sandboxes enforce none, and pacing them at
// Zettle's rate would only slow them down. The tests of the rate limit
// (ratelimit_acc_test.go) unset it, and run at the defaults.
func TestMain(m *testing.M) {
	if _, set := os.LookupEnv(EnvRequestsPerSecond); !set {
		os.Setenv(EnvRequestsPerSecond, "0")
	}
	os.Exit(m.Run())
}
