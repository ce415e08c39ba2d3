//go:build unix

package tfdriver

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestEnvIsNeutral(t *testing.T) {
	t.Setenv("TF_LOG", "DEBUG")
	t.Setenv("TF_LOG_PROVIDER", "TRACE")
	t.Setenv("TF_CLI_ARGS_apply", "-parallelism=1")
	t.Setenv("ZETTLE_LOCATION_UUID", "x")
	t.Setenv("TFDRIVER_TEST_KEPT", "1")
	env := Env()
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		if name == "TF_LOG" || strings.HasPrefix(name, "TF_LOG_") || strings.HasPrefix(name, "TF_CLI_ARGS") || strings.HasPrefix(name, "ZETTLE_") {
			t.Errorf("Env keeps %s", kv)
		}
	}
	for _, want := range []string{"TFDRIVER_TEST_KEPT=1", "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1"} {
		if !slices.Contains(env, want) {
			t.Errorf("Env lacks %s", want)
		}
	}
}

// fakeTerraform writes a shell script that stands in for terraform: it prints
// its arguments, the variables the workspace sets and the CLI configuration,
// then exits with 2 when asked for -detailed-exitcode.
func fakeTerraform(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "terraform")
	script := `#!/bin/sh
echo "args: $*"
echo "pwd: $(pwd)"
echo "automation: $TF_IN_AUTOMATION"
echo "wrap: $` + envWrapProvider + `"
echo "rss: $` + envRSSDir + `"
echo "zettle: $ZETTLE_ACCESS_TOKEN"
cat "$TF_CLI_CONFIG_FILE"
case "$*" in *-detailed-exitcode*) exit 2;; esac
`
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestWorkspaceRun(t *testing.T) {
	terraform := fakeTerraform(t)
	provider := filepath.Join(t.TempDir(), "provider")
	if err := os.WriteFile(provider, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("ZETTLE_ACCESS_TOKEN", "secret")

	ws, err := NewWorkspace(Options{Terraform: terraform, Provider: provider, Pattern: "tfdriver-test-"})
	if err != nil {
		t.Fatal(err)
	}
	dir := ws.Dir()
	if !strings.HasPrefix(filepath.Base(dir), "tfdriver-test-") {
		t.Errorf("work dir %s does not follow the pattern", dir)
	}
	if target, err := os.Readlink(filepath.Join(dir, "plugins", "terraform-provider-zettle")); err != nil || target != provider {
		t.Errorf("provider link: %q, %v; want %s", target, err, provider)
	}
	if err := ws.WriteFile("main.tf", []byte("# empty\n")); err != nil {
		t.Fatal(err)
	}

	res, err := ws.Run(context.Background(), "first", "plan", "-no-color")
	if err != nil {
		t.Fatal(err)
	}
	out, err := res.Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"args: plan -no-color", "pwd: " + dir, "automation: 1", "wrap: \n", "rss: \n", "zettle: \n",
		`"registry.terraform.io/zettle-community/zettle" = "` + filepath.Join(dir, "plugins") + `"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if res.ExitCode != 0 || res.LogPath != filepath.Join(dir, "first.log") {
		t.Errorf("result %+v", res)
	}
	if _, err := res.PeakRSSKiB(); err == nil {
		t.Error("PeakRSSKiB without a wrapper succeeded")
	}

	res, err = ws.Run(context.Background(), "second", "plan", "-detailed-exitcode")
	var exit *exec.ExitError
	if !errors.As(err, &exit) || res.ExitCode != 2 {
		t.Errorf("exit 2: error %v, result %+v", err, res)
	}
	if got := res.Tail(1); got != "}" {
		t.Errorf("tail %q", got)
	}

	if err := ws.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("work dir left behind: %v", err)
	}
}

func TestWrappedWorkspaceSetsTheWrapperUp(t *testing.T) {
	terraform := fakeTerraform(t)
	ws, err := NewWorkspace(Options{Terraform: terraform, Provider: "/real/provider", Wrapper: "/the/wrapper", Source: "example.com/acme/thing"})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	if target, _ := os.Readlink(filepath.Join(ws.Dir(), "plugins", "terraform-provider-thing")); target != "/the/wrapper" {
		t.Errorf("provider link to %q, want the wrapper", target)
	}
	res, err := ws.Run(context.Background(), "apply", "apply")
	if err != nil {
		t.Fatal(err)
	}
	out, _ := res.Output()
	if !strings.Contains(out, "wrap: /real/provider\n") || !strings.Contains(out, "rss: "+filepath.Join(ws.Dir(), "rss-apply-")) {
		t.Errorf("wrapper variables missing:\n%s", out)
	}
	// The fake ran no wrapper: no record.
	if _, err := res.PeakRSSKiB(); err == nil || !strings.Contains(err.Error(), "did Terraform run the wrapper?") {
		t.Errorf("PeakRSSKiB: %v", err)
	}
	if err := os.WriteFile(filepath.Join(res.rssDir, "a.kib"), []byte("100"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(res.rssDir, "b.kib"), []byte("250"), 0o644); err != nil {
		t.Fatal(err)
	}
	if kib, err := res.PeakRSSKiB(); err != nil || kib != 250 {
		t.Errorf("PeakRSSKiB: %d, %v; want 250", kib, err)
	}
}

func TestRunInterruptsOnCancel(t *testing.T) {
	path := filepath.Join(t.TempDir(), "terraform")
	// Like Terraform, it stops gracefully on an interrupt.
	script := "#!/bin/sh\ntrap 'echo interrupted; exit 1' INT\necho started\nwhile :; do sleep 0.05; done\n"
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	ws, err := NewWorkspace(Options{Terraform: path, Provider: path})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	start := time.Now()
	res, err := ws.Run(ctx, "apply", "apply")
	if err == nil {
		t.Fatal("an interrupted command succeeded")
	}
	if time.Since(start) > 10*time.Second {
		t.Errorf("took %s to stop", time.Since(start))
	}
	if out, _ := res.Output(); !strings.Contains(out, "interrupted") {
		t.Errorf("not interrupted gracefully: %q", out)
	}
}

// toolFiles makes a temporary dir holding an executable file, exe, and a
// file that is not executable, plain.
func toolFiles(t *testing.T) (dir, exe, plain string) {
	t.Helper()
	dir = t.TempDir()
	exe = filepath.Join(dir, "exe")
	plain = filepath.Join(dir, "plain")
	if err := os.WriteFile(exe, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(plain, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, exe, plain
}

func TestCheckProviderAndLookTerraform(t *testing.T) {
	dir, exe, plain := toolFiles(t)
	if got, err := CheckProvider(exe); err != nil || got != exe {
		t.Errorf("CheckProvider(exe): %q, %v", got, err)
	}
	for _, bad := range []string{plain, dir, filepath.Join(dir, "missing")} {
		if _, err := CheckProvider(bad); err == nil {
			t.Errorf("CheckProvider(%s) succeeded", bad)
		}
	}
	t.Chdir(dir)
	if got, err := LookTerraform("./exe"); err != nil || got != exe {
		t.Errorf("LookTerraform(./exe): %q, %v; want the absolute path", got, err)
	}
}

func TestResolveTools(t *testing.T) {
	dir, exe, plain := toolFiles(t)
	t.Chdir(dir)
	if provider, terraform, err := ResolveTools("exe", "./exe"); err != nil || provider != exe || terraform != exe {
		t.Errorf("ResolveTools(exe, ./exe): %q, %q, %v; want both %s", provider, terraform, err, exe)
	}
	for _, c := range []struct{ provider, terraform, want string }{
		{"", "./exe", "-provider is required"},
		{"plain", "./exe", "-provider: " + plain + " is not an executable file"},
		{"exe", "./missing", "-terraform: "},
	} {
		_, _, err := ResolveTools(c.provider, c.terraform)
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("ResolveTools(%q, %q): error %v, want it to begin %q", c.provider, c.terraform, err, c.want)
		}
	}
}

func TestErrorDiagnostics(t *testing.T) {
	// Terraform 1.11 with -no-color: errors unboxed, some warnings boxed.
	output := `zettle_inventory_tracking.p["a"]: Creating...
╷
│ Warning: Provider development overrides are in effect
│
│ The following provider development overrides are set in the CLI
╵

Error: Tracking of product a may have started without reaching initial_balances

  with zettle_inventory_tracking.p["a"],
  on main.tf line 12, in resource "zettle_inventory_tracking" "p":
  12: resource "zettle_inventory_tracking" "p" {

move stock: HTTP 500 (tracking of product a
may have started)

Error: Could not read the inventory of product b

read: HTTP 503 (after 5 attempts)
╷
│ Error: Boxed one
│
│ its detail
╵
after the box
`
	var got []string
	for _, d := range ErrorDiagnostics(output) {
		got = append(got, d.String())
	}
	want := []string{
		`Error: Tracking of product a may have started without reaching initial_balances / with zettle_inventory_tracking.p["a"], on main.tf line 12, in resource "zettle_inventory_tracking" "p": 12: resource "zettle_inventory_tracking" "p" { / move stock: HTTP 500 (tracking of product a may have started)`,
		"Error: Could not read the inventory of product b / read: HTTP 503 (after 5 attempts)",
		"Error: Boxed one / its detail",
	}
	if !slices.Equal(got, want) {
		t.Errorf("ErrorDiagnostics:\n%q\nwant\n%q", got, want)
	}
	if got := ErrorDiagnostics("Apply complete!\n"); got != nil {
		t.Errorf("no errors: %q", got)
	}
}

func TestTail(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	_ = os.WriteFile(path, []byte("1\n2\n3\n"), 0o644)
	if got := Tail(path, 2); got != "2\n3" {
		t.Errorf("Tail 2: %q", got)
	}
	if got := Tail(path, 10); got != "1\n2\n3" {
		t.Errorf("Tail 10: %q", got)
	}
}
