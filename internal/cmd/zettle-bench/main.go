//go:build unix

// Command zettle-bench measures, through the real Terraform CLI, what
// terraform apply, plan and destroy of N zettle_inventory_tracking resources
// cost: API requests, wall time and the provider's peak memory, with the
// provider's request batching on and off, at several sandbox latencies.
// Every case runs against a fresh in-process sandbox.
//
//	go build -o bin/terraform-provider-zettle .
//	go run ./internal/cmd/zettle-bench -provider $PWD/bin/terraform-provider-zettle -out README.md
//
// Progress goes to stderr, the results table to stdout and, with -out,
// between the lines <!-- bench:begin --> and <!-- bench:end --> of a
// markdown file.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/zettle-community/terraform-provider-zettle/internal/sandbox"
	"github.com/zettle-community/terraform-provider-zettle/internal/scenario"
	"github.com/zettle-community/terraform-provider-zettle/internal/tfdriver"
)

// markers name the lines that enclose a results block in the -out file;
// with -section, its name is part of them.
func markers(section string) (begin, end string) {
	if section != "" {
		section += ":"
	}
	return "<!-- bench:" + section + "begin -->", "<!-- bench:" + section + "end -->"
}

type options struct {
	tools
	counts      []int
	latencies   []time.Duration
	batching    []string
	parallelism []int
	apis        []string
	out         string
	section     string
	// repeat is how many times each case runs; the table shows the median
	// and the range.
	repeat int
	// command is the flags that chose the cases, for the reader to run again.
	command string
}

func main() {
	// Terraform starts this binary as the provider with its own arguments,
	// which the flags below would refuse.
	if code, wrapped := tfdriver.ServeWrapper(); wrapped {
		os.Exit(code)
	}
	opts, err := parseFlags()
	if err != nil {
		fmt.Fprintln(os.Stderr, "zettle-bench:", err)
		os.Exit(2)
	}
	if err := run(opts); err != nil {
		fmt.Fprintln(os.Stderr, "zettle-bench:", err)
		os.Exit(1)
	}
}

func parseFlags() (options, error) {
	provider := flag.String("provider", "", "`path` of the built provider binary (required)")
	terraform := flag.String("terraform", "terraform", "`path` or name of the Terraform CLI")
	counts := flag.String("n", "10,100,1000", "comma-separated product `counts`")
	latencies := flag.String("latency", "0s,100ms", "comma-separated sandbox `latencies`")
	batching := flag.String("batching", "on,off", "comma-separated batching `modes`: on, off, on/<max_wait> such as on/150ms, or default (no batching block)")
	parallelism := flag.String("parallelism", "0", "comma-separated terraform -parallelism `values`; 0 leaves Terraform's default")
	begin, end := markers("")
	out := flag.String("out", "", "markdown `file` whose text between the lines "+begin+" and "+end+" is replaced by the results")
	section := flag.String("section", "", "`name` of the results block in the -out file: its markers are <!-- bench:<name>:begin --> and <!-- bench:<name>:end -->")
	rateLimit := flag.Float64("rate-limit", 0, "requests `per second` the sandbox enforces, refusing the others with 429, as Zettle does (4 for v3); "+
		"the provider then runs at its default rate limit. 0 enforces none, and the provider sends at once")
	api := flag.String("api", "v2", "comma-separated Inventory API `versions` the sandbox serves, a case each: v2, v3 or both (the provider speaks v3 then)")
	repeat := flag.Int("repeat", 1, "how many `times` each case runs; the table shows the median of the runs and, beyond one, their range")
	applyOnly := flag.Bool("apply-only", false, "measure apply only, for cases too slow to measure whole (batching off at the rate limit)")
	floor := flag.Bool("floor", true, "also run each case's commands over N terraform_data resources (and bare provider resources, with -bare), the floors that the table's ratios compare with")
	workload := flag.String("workload", workloadTracking, "what the configuration declares: `tracking` (N products of the library tracked, with stock) or catalogue (N products of 3 variants created with zettle_product)")
	bare := flag.String("bare", "", "`path` of the built bare-provider (go build ./internal/cmd/bare-provider), a second floor: a provider on the same framework, with the same resource schema, that calls no API")
	flag.Parse()
	if flag.NArg() > 0 {
		return options{}, fmt.Errorf("unexpected arguments: %s", strings.Join(flag.Args(), " "))
	}

	opts := options{out: *out, section: *section, repeat: *repeat, command: caseFlags(os.Args[1:])}
	opts.applyOnly, opts.floor, opts.bare, opts.workload = *applyOnly, *floor, *bare, *workload
	if opts.workload != workloadTracking && opts.workload != workloadCatalogue {
		return opts, fmt.Errorf("-workload %q: use %s or %s", opts.workload, workloadTracking, workloadCatalogue)
	}
	if opts.repeat < 1 {
		return opts, fmt.Errorf("-repeat %d: must be at least 1", opts.repeat)
	}
	if opts.rateLimit = *rateLimit; opts.rateLimit < 0 {
		return opts, fmt.Errorf("-rate-limit %g: must not be negative", opts.rateLimit)
	}
	var err error
	if opts.apis, err = parseList("-api", *api, func(s string) (string, error) {
		if _, _, ok := sandbox.ParseAPIVersions(s); !ok {
			return "", fmt.Errorf("%q is none of v2, v3, both", s)
		}
		return s, nil
	}); err != nil {
		return opts, err
	}
	if opts.provider, opts.terraform, err = tfdriver.ResolveTools(*provider, *terraform); err != nil {
		return opts, err
	}
	if opts.counts, err = parseList("-n", *counts, func(s string) (int, error) {
		n, err := strconv.Atoi(s)
		if err == nil && n < 1 {
			err = fmt.Errorf("%d is not a positive count", n)
		}
		return n, err
	}); err != nil {
		return opts, err
	}
	if opts.latencies, err = parseList("-latency", *latencies, func(s string) (time.Duration, error) {
		d, err := time.ParseDuration(s)
		if err == nil && d < 0 {
			err = fmt.Errorf("%s is negative", d)
		}
		return d, err
	}); err != nil {
		return opts, err
	}
	if opts.batching, err = parseList("-batching", *batching, func(s string) (string, error) {
		mode, maxWait, withWait := strings.Cut(s, maxWaitSeparator)
		if withWait {
			if d, err := time.ParseDuration(maxWait); mode != batchingOn || err != nil || d < 0 {
				return "", fmt.Errorf("%q is not on/<max_wait> with a duration such as 150ms", s)
			}
		} else if !slices.Contains([]string{batchingOn, batchingOff, batchingDefault}, s) {
			return "", fmt.Errorf("%q is none of on, off, on/<max_wait>, default", s)
		}
		return s, nil
	}); err != nil {
		return opts, err
	}
	if opts.parallelism, err = parseList("-parallelism", *parallelism, func(s string) (int, error) {
		n, err := strconv.Atoi(s)
		if err == nil && n < 0 {
			err = fmt.Errorf("%d is negative", n)
		}
		return n, err
	}); err != nil {
		return opts, err
	}
	if opts.self, err = os.Executable(); err != nil {
		return opts, fmt.Errorf("finding this binary, which wraps the provider: %w", err)
	}
	return opts, nil
}

// parseList parses a comma-separated flag value.
func parseList[T any](name, value string, parse func(string) (T, error)) ([]T, error) {
	var list []T
	for _, s := range strings.Split(value, ",") {
		v, err := parse(strings.TrimSpace(s))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		list = append(list, v)
	}
	return list, nil
}

func run(opts options) error {
	// Check -out before the run, which can take long, rather than after.
	if opts.out != "" {
		doc, err := os.ReadFile(opts.out)
		if err != nil {
			return fmt.Errorf("-out: %w", err)
		}
		if _, err := splice(string(doc), opts.section, ""); err != nil {
			return fmt.Errorf("-out %s: %w", opts.out, err)
		}
	}
	version, err := tfdriver.Version(opts.terraform)
	if err != nil {
		return err
	}
	// An interrupt stops the running terraform command; the case then fails
	// and cleans up after itself.
	ctx, stop := tfdriver.InterruptContext(context.Background())
	defer stop()

	// Related rows sit side by side: for each N, each latency, each
	// parallelism, each mode, for each API.
	var cases []benchCase
	for _, api := range opts.apis {
		for _, n := range opts.counts {
			for _, latency := range opts.latencies {
				for _, parallelism := range opts.parallelism {
					for _, batching := range opts.batching {
						cases = append(cases, benchCase{n: n, latency: latency, batching: batching, parallelism: parallelism, api: api})
					}
				}
			}
		}
	}
	var rows []caseRuns
	for i, c := range cases {
		var runs caseRuns
		for r := range opts.repeat {
			fmt.Fprintf(os.Stderr, "[%d/%d] %s, run %d of %d\n", i+1, len(cases), c, r+1, opts.repeat)
			res, err := runCase(ctx, opts.tools, c, os.Stderr)
			if err != nil {
				return fmt.Errorf("%s: %w", c, err)
			}
			runs = append(runs, res)
		}
		rows = append(rows, runs)
	}

	block := report(version, opts, rows)
	fmt.Print(block)
	if opts.out != "" {
		return writeOut(opts.out, opts.section, block)
	}
	return nil
}

// report is the results block: the setup, the table, how to reproduce it.
func report(terraformVersion string, opts options, rows []caseRuns) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s, %s/%s, %d CPUs, %s.", terraformVersion, runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), time.Now().Format(time.DateOnly))
	if opts.workload == workloadCatalogue {
		fmt.Fprintf(&b, " Workload: N products of %d variants each created with `zettle_product` in an empty Product Library, then planned and destroyed.", scenario.CatalogueVariants)
	}
	if opts.repeat > 1 {
		fmt.Fprintf(&b, " Each case ran %d times: the median, and in brackets the range.", opts.repeat)
	}
	ratios := ""
	if opts.floor {
		var names []string
		for _, kind := range opts.floorKinds() {
			names = append(names, "÷ "+kind.name)
		}
		ratios = " (" + strings.Join(names, ", ") + ")"
	}
	fmt.Fprintf(&b, "\n\n| API | N | latency | rate limit | batching | parallelism | apply requests | apply time%[1]s | plan requests | plan time%[1]s | destroy requests | destroy time%[1]s | 429s | peak provider RSS |\n", ratios)
	b.WriteString("|:--|--:|--:|--:|:--|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, runs := range rows {
		c := runs[0].benchCase
		fmt.Fprintf(&b, "| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
			c.api, c.n, c.latency, opts.rateLimitSetting(), c.batchingSetting(), c.parallelismSetting(),
			runs.command(func(r caseResult) commandCost { return r.apply }, func(f floorCost) time.Duration { return f.apply }),
			runs.command(func(r caseResult) commandCost { return r.plan }, func(f floorCost) time.Duration { return f.plan }),
			runs.command(func(r caseResult) commandCost { return r.destroy }, func(f floorCost) time.Duration { return f.destroy }),
			runs.spread(func(r caseResult) float64 { return float64(r.apply.refused + r.plan.refused + r.destroy.refused) }, "%.0f"),
			runs.spread(func(r caseResult) float64 { return float64(r.peakRSSKiB()) / 1024 }, "%.0f MiB"))
	}
	if opts.floor {
		b.WriteString("\nThe floors are the same commands over N resources that call no API, in the same for_each, with the same CLI and parallelism")
		var all caseRuns
		for _, runs := range rows {
			all = append(all, runs...)
		}
		for i, kind := range opts.floorKinds() {
			fmt.Fprintf(&b, "; %s: %s (apply %s, plan %s, destroy %s)", kind.name, kind.about,
				all.spread(func(r caseResult) float64 { return r.floors[i].apply.Seconds() }, "%.1f s"),
				all.spread(func(r caseResult) float64 { return r.floors[i].plan.Seconds() }, "%.1f s"),
				all.spread(func(r caseResult) float64 { return r.floors[i].destroy.Seconds() }, "%.1f s"))
		}
		b.WriteString(".\n")
	}
	if opts.applyOnly {
		b.WriteString("\nOnly apply was measured.\n")
	}
	fmt.Fprintf(&b, "\nReproduce with `make bench`, which runs `%s`.\n", opts.command)
	return b.String()
}

// caseFlags is the command line as given, without the paths of this
// machine's binaries and files.
func caseFlags(args []string) string {
	words := []string{"zettle-bench"}
	for i := 0; i < len(args); i++ {
		name, _, inline := strings.Cut(strings.TrimLeft(args[i], "-"), "=")
		switch name {
		case "provider", "terraform", "out", "bare":
			if !inline {
				i++ // the value follows
			}
			if name == "bare" {
				words = append(words, "-bare", "bin/bare-provider")
			}
			continue
		}
		words = append(words, args[i])
	}
	return strings.Join(words, " ")
}

// numberVerb is the verb of a spread's format.
var numberVerb = regexp.MustCompile(`%\.\d+f`)

// caseRuns are the results of one case's runs.
type caseRuns []caseResult

// command is the table's cells for one command: requests, and time with
// its ratio to each floor.
func (runs caseRuns) command(of func(caseResult) commandCost, floorOf func(floorCost) time.Duration) string {
	if of(runs[0]).skipped {
		return "– | –"
	}
	requests := runs.spread(func(r caseResult) float64 { return float64(of(r).requests) }, "%.0f")
	wall := runs.spread(func(r caseResult) float64 { return of(r).wall.Seconds() }, "%.1f s")
	var ratios []string
	for i, floor := range runs[0].floors {
		if floorOf(floor) <= 0 {
			continue
		}
		ratios = append(ratios, runs.spread(func(r caseResult) float64 { return of(r).wall.Seconds() / floorOf(r.floors[i]).Seconds() }, "×%.2f"))
	}
	if len(ratios) == 0 {
		return requests + " | " + wall
	}
	return requests + " | " + wall + " (" + strings.Join(ratios, ", ") + ")"
}

// spread formats the median of a value over the runs, and its range when
// the runs differ.
func (runs caseRuns) spread(value func(caseResult) float64, format string) string {
	values := make([]float64, len(runs))
	for i, r := range runs {
		values[i] = value(r)
	}
	slices.Sort(values)
	median := values[len(values)/2]
	if len(values)%2 == 0 {
		median = (values[len(values)/2-1] + values[len(values)/2]) / 2
	}
	out := fmt.Sprintf(format, median)
	// The range is given in numbers alone: "5.1 s [4.9–5.6]".
	verb := numberVerb.FindString(format)
	if low, high := fmt.Sprintf(verb, values[0]), fmt.Sprintf(verb, values[len(values)-1]); low != high {
		out += " [" + low + "–" + high + "]"
	}
	return out
}

func formatRSS(kib int64) string { return fmt.Sprintf("%.0f MiB", float64(kib)/1024) }

// writeOut replaces the results block in the markdown file at path.
func writeOut(path, section, block string) error {
	info, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("-out: %w", err)
	}
	doc, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("-out: %w", err)
	}
	updated, err := splice(string(doc), section, block)
	if err != nil {
		return fmt.Errorf("-out %s: %w", path, err)
	}
	if err := os.WriteFile(path, []byte(updated), info.Mode().Perm()); err != nil {
		return fmt.Errorf("-out: %w", err)
	}
	return nil
}

// splice replaces the lines between the marker lines of section in doc with
// block, keeping the markers.
func splice(doc, section, block string) (string, error) {
	beginMarker, endMarker := markers(section)
	lines := strings.SplitAfter(doc, "\n")
	begin := slices.IndexFunc(lines, func(l string) bool { return strings.TrimSpace(l) == beginMarker })
	if begin < 0 {
		return "", fmt.Errorf("no line %s", beginMarker)
	}
	end := slices.IndexFunc(lines[begin+1:], func(l string) bool { return strings.TrimSpace(l) == endMarker })
	if end < 0 {
		return "", fmt.Errorf("no line %s after the line %s", endMarker, beginMarker)
	}
	end += begin + 1
	return strings.Join(lines[:begin+1], "") + block + strings.Join(lines[end:], ""), nil
}
