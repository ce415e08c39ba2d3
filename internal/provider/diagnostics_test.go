package provider

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/zettle-community/terraform-provider-zettle/internal/serve"
)

// recordedDiagnostic is one diagnostic the provider returned to Terraform.
type recordedDiagnostic struct {
	// RPC names the call that returned it, e.g. "PlanResourceChange".
	RPC      string
	Severity tfprotov6.DiagnosticSeverity
	Summary  string
	Detail   string
}

func (d recordedDiagnostic) String() string {
	return fmt.Sprintf("%s %s: %s", d.RPC, d.Severity, d.Summary)
}

// diagnosticsRecorder keeps every diagnostic the provider returned, across
// the provider processes of a test: terraform-plugin-testing shows errors
// only, and a test must also see the warnings a plan carries.
type diagnosticsRecorder struct {
	mu    sync.Mutex
	diags []recordedDiagnostic
}

func (r *diagnosticsRecorder) add(rpc string, diags []*tfprotov6.Diagnostic) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, d := range diags {
		r.diags = append(r.diags, recordedDiagnostic{RPC: rpc, Severity: d.Severity, Summary: d.Summary, Detail: d.Detail})
	}
}

// all returns the diagnostics of the given severity returned so far.
func (r *diagnosticsRecorder) all(severity tfprotov6.DiagnosticSeverity) []recordedDiagnostic {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []recordedDiagnostic
	for _, d := range r.diags {
		if d.Severity == severity {
			out = append(out, d)
		}
	}
	return out
}

// expectWarning asserts that some warning returned by rpc has a summary and
// detail holding every part.
func (r *diagnosticsRecorder) expectWarning(rpc string, parts ...string) func() error {
	return func() error {
		severity := tfprotov6.DiagnosticSeverityWarning
		all := r.all(severity)
		for _, d := range all {
			text := d.Summary + "\n" + d.Detail
			if d.RPC == rpc && containsAll(text, parts) {
				return nil
			}
		}
		return fmt.Errorf("no %s diagnostic from %s holds %q; got %v", severity, rpc, parts, all)
	}
}

func containsAll(text string, parts []string) bool {
	for _, p := range parts {
		if !strings.Contains(text, p) {
			return false
		}
	}
	return true
}

// recordingServer is the provider, with the diagnostics of its answers
// recorded.
type recordingServer struct {
	tfprotov6.ProviderServer
	rec *diagnosticsRecorder
}

// providers returns provider factories whose diagnostics e.diags records.
func (e *testEnv) providers() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"zettle": func() (tfprotov6.ProviderServer, error) {
			return &recordingServer{ProviderServer: serve.Server(New("test"))(), rec: e.diags}, nil
		},
	}
}

func (s *recordingServer) ConfigureProvider(ctx context.Context, req *tfprotov6.ConfigureProviderRequest) (*tfprotov6.ConfigureProviderResponse, error) {
	resp, err := s.ProviderServer.ConfigureProvider(ctx, req)
	if resp != nil {
		s.rec.add("ConfigureProvider", resp.Diagnostics)
	}
	return resp, err
}

func (s *recordingServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	resp, err := s.ProviderServer.ReadResource(ctx, req)
	if resp != nil {
		s.rec.add("ReadResource", resp.Diagnostics)
	}
	return resp, err
}

func (s *recordingServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	resp, err := s.ProviderServer.PlanResourceChange(ctx, req)
	if resp != nil {
		s.rec.add("PlanResourceChange", resp.Diagnostics)
	}
	return resp, err
}

func (s *recordingServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	resp, err := s.ProviderServer.ApplyResourceChange(ctx, req)
	if resp != nil {
		s.rec.add("ApplyResourceChange", resp.Diagnostics)
	}
	return resp, err
}

func (s *recordingServer) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	resp, err := s.ProviderServer.ImportResourceState(ctx, req)
	if resp != nil {
		s.rec.add("ImportResourceState", resp.Diagnostics)
	}
	return resp, err
}

func (s *recordingServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	resp, err := s.ProviderServer.ReadDataSource(ctx, req)
	if resp != nil {
		s.rec.add("ReadDataSource", resp.Diagnostics)
	}
	return resp, err
}
