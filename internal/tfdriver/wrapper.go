//go:build unix

package tfdriver

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
)

// With Options.Wrapper, Terraform starts the calling binary, under the
// provider's name, in place of the provider; these variables turn it into a
// wrapper that measures the real provider's peak memory. Being ZETTLE_*
// variables, Env drops any that the caller's own environment holds.
const (
	// envWrapProvider is the path of the real provider binary.
	envWrapProvider = "ZETTLE_TFDRIVER_WRAP_PROVIDER"
	// envRSSDir is the directory in which each provider run leaves a file
	// with its peak RSS in KiB.
	envRSSDir = "ZETTLE_TFDRIVER_RSS_DIR"
)

// ServeWrapper, when Terraform started this binary as the provider wrapper,
// runs the real provider with this process's arguments, environment and
// standard streams (go-plugin reads the handshake from stdout), records its
// peak RSS, and returns its exit code with wrapped true; the caller exits with
// that code. Otherwise it returns at once with wrapped false.
//
// A binary that uses Options.Wrapper calls it first thing in main, before
// parsing flags: Terraform passes the provider its own arguments.
func ServeWrapper() (code int, wrapped bool) {
	provider := os.Getenv(envWrapProvider)
	if provider == "" {
		return 0, false
	}
	return wrapProvider(provider, os.Getenv(envRSSDir)), true
}

func wrapProvider(provider, rssDir string) int {
	cmd := exec.Command(provider, os.Args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = withoutWrapperEnv(os.Environ())

	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(os.Stderr, "provider wrapper: %v\n", err)
		return 1
	}
	go func() {
		for s := range signals {
			_ = cmd.Process.Signal(s)
		}
	}()
	_ = cmd.Wait() // the exit status is in cmd.ProcessState
	signal.Stop(signals)

	if err := recordPeakRSS(rssDir, cmd.ProcessState); err != nil {
		// Terraform only logs the provider's stderr; Result.PeakRSSKiB
		// notices the missing file.
		fmt.Fprintf(os.Stderr, "provider wrapper: %v\n", err)
	}
	if code := cmd.ProcessState.ExitCode(); code >= 0 {
		return code
	}
	return 1 // killed by a signal
}

// withoutWrapperEnv drops the wrapper's own variables, so that the provider
// sees the environment Terraform meant for it.
func withoutWrapperEnv(env []string) []string {
	var kept []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, envWrapProvider+"=") && !strings.HasPrefix(kv, envRSSDir+"=") {
			kept = append(kept, kv)
		}
	}
	return kept
}

// recordPeakRSS writes the process's peak RSS in KiB to a new file in dir:
// Terraform may start the provider more than once per command.
func recordPeakRSS(dir string, state *os.ProcessState) error {
	usage, ok := state.SysUsage().(*syscall.Rusage)
	if !ok {
		return fmt.Errorf("no resource usage for the provider process")
	}
	kib := usage.Maxrss
	if runtime.GOOS == "darwin" {
		kib /= 1024 // macOS reports bytes, Linux KiB
	}
	f, err := os.CreateTemp(dir, "provider-*.kib")
	if err != nil {
		return fmt.Errorf("recording the provider's peak RSS: %w", err)
	}
	_, err = f.WriteString(strconv.FormatInt(kib, 10))
	if closeErr := f.Close(); err == nil {
		err = closeErr
	}
	if err != nil {
		return fmt.Errorf("recording the provider's peak RSS: %w", err)
	}
	return nil
}

// PeakRSSKiB is the provider's peak RSS during the command, the largest over
// the provider processes Terraform started for it. It needs a workspace with
// Options.Wrapper.
func (r Result) PeakRSSKiB() (int64, error) {
	if r.rssDir == "" {
		return 0, errors.New("the provider's RSS is recorded only with Options.Wrapper")
	}
	return peakRSS(r.rssDir)
}

// peakRSS is the largest peak RSS that the provider wrapper recorded in dir.
func peakRSS(dir string) (int64, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, fmt.Errorf("reading the provider's RSS records: %w", err)
	}
	if len(entries) == 0 {
		return 0, fmt.Errorf("no provider RSS recorded in %s: did Terraform run the wrapper?", dir)
	}
	var peak int64
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return 0, fmt.Errorf("reading the provider's RSS record: %w", err)
		}
		kib, err := strconv.ParseInt(string(data), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("provider RSS record %s: %w", e.Name(), err)
		}
		peak = max(peak, kib)
	}
	return peak, nil
}
