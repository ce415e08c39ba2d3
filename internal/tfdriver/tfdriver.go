//go:build unix

// Package tfdriver runs the real Terraform CLI against a locally built
// provider, for the commands that exercise the provider end to end
// (zettle-bench, zettle-soak).
//
// A Workspace is a temporary work dir whose CLI configuration installs the
// provider through dev_overrides, so no terraform init is needed. Commands run
// there with a neutral environment (Env), each with its output captured in a
// log file, in a process group of their own: cancelling the context
// interrupts Terraform once, and it stops gracefully.
//
// Optionally the provider runs under a wrapper, the calling binary itself,
// which records the provider's peak memory per command (Result.PeakRSSKiB).
// A binary that uses the wrapper calls ServeWrapper first thing in main.
package tfdriver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

// DefaultSource is the provider's source address, which dev_overrides maps to
// the workspace's plugin dir.
const DefaultSource = "registry.terraform.io/zettle-community/zettle"

// StopGrace is how long an interrupted terraform command may take to stop
// before it is killed.
const StopGrace = 30 * time.Second

// Options describe a Workspace.
type Options struct {
	// Terraform is the absolute path of the Terraform CLI (see
	// LookTerraform): the commands run in the work dir.
	Terraform string
	// Provider is the absolute path of the provider binary (see
	// CheckProvider).
	Provider string
	// Wrapper, when set, is the absolute path of the calling binary, which
	// Terraform then runs in place of the provider to measure it: the binary
	// must call ServeWrapper first thing in main.
	Wrapper string
	// Source is the provider's source address; empty is DefaultSource.
	Source string
	// Pattern names the temporary work dir, as os.MkdirTemp's pattern does;
	// empty is "tfdriver-".
	Pattern string
}

// Workspace is a work dir prepared for running Terraform with the provider.
type Workspace struct {
	dir       string
	terraform string
	wrapped   bool
	env       []string
}

// NewWorkspace creates the work dir with its CLI configuration. The caller
// writes the Terraform configuration (WriteFile) and removes the work dir
// (Close).
func NewWorkspace(opts Options) (_ *Workspace, err error) {
	pattern := cmpOr(opts.Pattern, "tfdriver-")
	dir, err := os.MkdirTemp("", pattern)
	if err != nil {
		return nil, fmt.Errorf("creating the work dir: %w", err)
	}
	defer func() {
		if err != nil {
			_ = os.RemoveAll(dir)
		}
	}()

	// dev_overrides lets Terraform run the provider from pluginDir without
	// terraform init.
	pluginDir := filepath.Join(dir, "plugins")
	if err := os.Mkdir(pluginDir, 0o755); err != nil {
		return nil, fmt.Errorf("creating the provider dir: %w", err)
	}
	source := cmpOr(opts.Source, DefaultSource)
	executable := opts.Provider
	if opts.Wrapper != "" {
		executable = opts.Wrapper
	}
	// Terraform looks for terraform-provider-<type> in the dir.
	name := "terraform-provider-" + source[strings.LastIndex(source, "/")+1:]
	if err := os.Symlink(executable, filepath.Join(pluginDir, name)); err != nil {
		return nil, fmt.Errorf("linking the provider: %w", err)
	}
	cliConfig := filepath.Join(dir, "terraform.rc")
	rc := fmt.Sprintf(`provider_installation {
  dev_overrides {
    %q = %q
  }
  direct {}
}
`, source, pluginDir)
	if err := os.WriteFile(cliConfig, []byte(rc), 0o644); err != nil {
		return nil, fmt.Errorf("writing the CLI configuration: %w", err)
	}

	w := &Workspace{dir: dir, terraform: opts.Terraform, wrapped: opts.Wrapper != ""}
	w.env = append(Env(), "TF_CLI_CONFIG_FILE="+cliConfig)
	if w.wrapped {
		w.env = append(w.env, envWrapProvider+"="+opts.Provider)
	}
	return w, nil
}

// Dir is the work dir.
func (w *Workspace) Dir() string { return w.dir }

// WriteFile writes a file, main.tf say, into the work dir.
func (w *Workspace) WriteFile(name string, data []byte) error {
	if err := os.WriteFile(filepath.Join(w.dir, name), data, 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	return nil
}

// Close removes the work dir.
func (w *Workspace) Close() error { return os.RemoveAll(w.dir) }

// Result is what one terraform command did.
type Result struct {
	// ExitCode is the command's exit code; -1 when it did not exit by
	// itself (it could not start, or a signal killed it).
	ExitCode int
	Wall     time.Duration
	// LogPath is the file that holds the command's stdout and stderr.
	LogPath string
	// rssDir holds the wrapper's records; empty when not wrapped.
	rssDir string
}

// Run runs terraform with args in the work dir, its output going to the log
// file <name>.log there (replacing one of the same name). Cancelling ctx
// interrupts the command, which then has StopGrace to stop before it is
// killed.
//
// The error is the command's own, as exec.Cmd.Run returns it: an
// *exec.ExitError for a non-zero exit code. The Result is filled in either
// way, so that the log can be read.
func (w *Workspace) Run(ctx context.Context, name string, args ...string) (Result, error) {
	res := Result{ExitCode: -1, LogPath: filepath.Join(w.dir, name+".log")}
	env := slices.Clip(w.env)
	if w.wrapped {
		dir, err := os.MkdirTemp(w.dir, "rss-"+name+"-")
		if err != nil {
			return res, fmt.Errorf("creating the RSS dir: %w", err)
		}
		res.rssDir = dir
		env = append(env, envRSSDir+"="+dir)
	}
	logFile, err := os.Create(res.LogPath)
	if err != nil {
		return res, fmt.Errorf("creating the log of terraform %s: %w", name, err)
	}
	defer logFile.Close()

	cmd := exec.CommandContext(ctx, w.terraform, args...)
	cmd.Dir = w.dir
	// In a process group of its own, Terraform hears of an interrupt once,
	// from here, and stops gracefully while the API it talks to still
	// answers.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = StopGrace
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = logFile, logFile

	start := time.Now()
	err = cmd.Run()
	res.Wall = time.Since(start)
	if cmd.ProcessState != nil {
		res.ExitCode = cmd.ProcessState.ExitCode()
	}
	return res, err
}

// Tail returns the last n lines of the command's log.
func (r Result) Tail(n int) string { return Tail(r.LogPath, n) }

// Output returns the command's log.
func (r Result) Output() (string, error) {
	data, err := os.ReadFile(r.LogPath)
	return string(data), err
}

// InterruptContext returns a context that an interrupt or SIGTERM cancels, so
// that the running terraform command stops gracefully; stop releases it.
func InterruptContext(parent context.Context) (ctx context.Context, stop context.CancelFunc) {
	return signal.NotifyContext(parent, os.Interrupt, syscall.SIGTERM)
}

// Env is this process's environment made neutral for Terraform.
func Env() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		// Logging slows Terraform and the provider down, extra CLI
		// arguments change the commands run, and ZETTLE_* settings would
		// change the provider's configuration (a location UUID, for one,
		// saves the lookup).
		switch {
		case name == "TF_LOG", strings.HasPrefix(name, "TF_LOG_"),
			name == "TF_CLI_ARGS", strings.HasPrefix(name, "TF_CLI_ARGS_"),
			strings.HasPrefix(name, "ZETTLE_"):
		default:
			env = append(env, kv)
		}
	}
	return append(env, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")
}

// Version is the first line of terraform version, such as "Terraform v1.11.4".
func Version(terraform string) (string, error) {
	cmd := exec.Command(terraform, "version")
	cmd.Env = Env()
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("terraform version: %w", err)
	}
	first, _, _ := strings.Cut(string(out), "\n")
	return strings.TrimSpace(first), nil
}

// ResolveTools checks the values of a command's -provider and -terraform
// flags (see CheckProvider and LookTerraform) and returns the absolute paths
// of the provider binary and the Terraform CLI. Its errors name the flag at
// fault; -provider is required.
func ResolveTools(provider, terraform string) (providerPath, terraformPath string, err error) {
	if provider == "" {
		return "", "", errors.New("-provider is required")
	}
	if providerPath, err = CheckProvider(provider); err != nil {
		return "", "", fmt.Errorf("-provider: %w", err)
	}
	if terraformPath, err = LookTerraform(terraform); err != nil {
		return "", "", fmt.Errorf("-terraform: %w", err)
	}
	return providerPath, terraformPath, nil
}

// LookTerraform finds the Terraform CLI by path or name and makes its path
// absolute: the commands run in a work dir, where a relative path would not
// resolve.
func LookTerraform(nameOrPath string) (string, error) {
	path, err := exec.LookPath(nameOrPath)
	if err != nil {
		return "", err
	}
	return filepath.Abs(path)
}

// CheckProvider makes the provider binary's path absolute and checks that it
// is an executable file.
func CheckProvider(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	if info, err := os.Stat(abs); err != nil {
		return "", err
	} else if info.IsDir() || info.Mode()&0o111 == 0 {
		return "", fmt.Errorf("%s is not an executable file", abs)
	}
	return abs, nil
}

// Tail returns the last n lines of the file at path.
func Tail(path string, n int) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Sprintf("(could not read %s: %v)", path, err)
	}
	lines := bytes.Split(bytes.TrimRight(data, "\n"), []byte("\n"))
	return string(bytes.Join(lines[max(0, len(lines)-n):], []byte("\n")))
}

// Diagnostic is an error diagnostic as terraform printed it.
type Diagnostic struct {
	// Summary is its first line, without "Error: ".
	Summary string
	// Paragraphs are the blocks of text that follow, each with its lines
	// joined by spaces: where it arose ("with <address>, on <file> line
	// <n>..."), then the detail.
	Paragraphs []string
}

// String is the diagnostic on one line: "Error: <summary> / <paragraph> / ...".
func (d Diagnostic) String() string {
	return strings.Join(append([]string{"Error: " + d.Summary}, d.Paragraphs...), " / ")
}

// ErrorDiagnostics returns the error diagnostics in terraform output printed
// with -no-color, boxed or not: each runs from its "Error: ..." line to the
// next diagnostic, the end of a box, or the end of the output.
func ErrorDiagnostics(output string) []Diagnostic {
	var diags []Diagnostic
	var cur *Diagnostic
	var para []string
	endParagraph := func() {
		if cur != nil && len(para) > 0 {
			cur.Paragraphs = append(cur.Paragraphs, strings.Join(para, " "))
		}
		para = nil
	}
	end := func() {
		endParagraph()
		if cur != nil {
			diags = append(diags, *cur)
		}
		cur = nil
	}
	for _, line := range strings.Split(output, "\n") {
		trimmed := strings.TrimSpace(line)
		body, _ := strings.CutPrefix(trimmed, "│")
		body = strings.TrimSpace(body)
		switch {
		case strings.HasPrefix(body, "Error: "):
			end()
			cur = &Diagnostic{Summary: strings.TrimPrefix(body, "Error: ")}
		case trimmed == "╵", trimmed == "╷", strings.HasPrefix(body, "Warning: "):
			end()
		case cur == nil:
		case body == "":
			endParagraph()
		default:
			para = append(para, body)
		}
	}
	end()
	return diags
}

func cmpOr(s, fallback string) string {
	if s != "" {
		return s
	}
	return fallback
}
