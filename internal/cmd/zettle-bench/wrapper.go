//go:build unix

package main

import (
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"syscall"
)

// Terraform starts this binary, under the provider's name, in place of the
// provider; these variables turn it into a wrapper that measures the real
// provider's peak memory.
const (
	// envWrapProvider is the path of the real provider binary.
	envWrapProvider = "ZETTLE_BENCH_WRAP_PROVIDER"
	// envRSSDir is the directory in which each provider run leaves a file
	// with its peak RSS in KiB.
	envRSSDir = "ZETTLE_BENCH_RSS_DIR"
)

// wrapProvider runs the real provider with this process's arguments,
// environment and standard streams (go-plugin reads the handshake from
// stdout), records its peak RSS in rssDir, and returns its exit code.
func wrapProvider(provider, rssDir string) int {
	cmd := exec.Command(provider, os.Args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = withoutWrapperEnv(os.Environ())

	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(os.Stderr, "zettle-bench wrapper: %v\n", err)
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
		// Terraform only logs the provider's stderr; the bench notices the
		// missing file.
		fmt.Fprintf(os.Stderr, "zettle-bench wrapper: %v\n", err)
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
	kib := int64(usage.Maxrss)
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
