package serve

import (
	"context"
	"runtime"
	"testing"
	"weak"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// bareProvider is a provider with nothing in it.
type bareProvider struct{}

func (bareProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "bare"
}
func (bareProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}
func (bareProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}
func (bareProvider) Resources(context.Context) []func() resource.Resource       { return nil }
func (bareProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

func TestServerKeepsOptionalServices(t *testing.T) {
	s := Server(func() provider.Provider { return bareProvider{} })()
	if _, wrapped := s.(*releasingServer); !wrapped {
		t.Error("the framework's server is not wrapped")
	}
	for name, ok := range map[string]bool{
		"list resources": func() bool { _, ok := s.(tfprotov6.ProviderServerWithListResource); return ok }(), //nolint:staticcheck // terraform-plugin-go still finds list resources by this interface
		"actions":        func() bool { _, ok := s.(tfprotov6.ProviderServerWithActions); return ok }(),      //nolint:staticcheck // and actions by this one
		"state stores":   func() bool { _, ok := s.(tfprotov6.ProviderServerWithStateStores); return ok }(),  //nolint:staticcheck // and state stores by this one
	} {
		if !ok {
			t.Errorf("the server lost the framework's %s", name)
		}
	}
}

// keepingServer keeps every context it is called with, as the framework does
// until StopProvider.
type keepingServer struct {
	frameworkServer
	kept []context.Context
	call func(ctx context.Context)
}

func (s *keepingServer) ReadResource(ctx context.Context, _ *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	ctx, cancel := context.WithCancel(ctx)
	_ = cancel
	s.kept = append(s.kept, ctx)
	if s.call != nil {
		s.call(ctx)
	}
	return &tfprotov6.ReadResourceResponse{}, nil
}

type payloadKey struct{}

func TestReleasingServerReleasesTheRPCContext(t *testing.T) {
	fw := &keepingServer{}
	s := &releasingServer{frameworkServer: fw}

	// The RPC: its context holds a payload, which only a weak pointer
	// outlives.
	gone := func() weak.Pointer[[1 << 20]byte] {
		payload := new([1 << 20]byte)
		rpcCtx, cancelRPC := context.WithCancel(context.WithValue(context.Background(), payloadKey{}, payload))
		fw.call = func(ctx context.Context) {
			if ctx.Value(payloadKey{}) == nil {
				t.Error("the call does not see the RPC's values")
			}
			if ctx.Err() != nil {
				t.Error("the call's context is done before the RPC is")
			}
		}
		if _, err := s.ReadResource(rpcCtx, &tfprotov6.ReadResourceRequest{}); err != nil {
			t.Fatal(err)
		}
		cancelRPC() // gRPC cancels the stream's context once the RPC returns
		return weak.Make(payload)
	}()
	if fw.kept[0].Err() == nil {
		t.Error("the kept context is not done after the RPC")
	}
	if fw.kept[0].Value(payloadKey{}) != nil {
		t.Error("the kept context still holds the RPC's values")
	}

	runtime.GC()
	if gone.Value() != nil {
		t.Error("the RPC's context chain is still reachable from the kept context")
	}
	runtime.KeepAlive(fw)
}

func TestReleasingServerPassesCancellation(t *testing.T) {
	fw := &keepingServer{}
	s := &releasingServer{frameworkServer: fw}
	rpcCtx, cancelRPC := context.WithCancel(context.Background())
	fw.call = func(ctx context.Context) {
		cancelRPC() // Terraform's StopProvider, or a lost connection
		select {
		case <-ctx.Done():
		default:
			t.Error("cancelling the RPC does not cancel the call")
		}
	}
	if _, err := s.ReadResource(rpcCtx, &tfprotov6.ReadResourceRequest{}); err != nil {
		t.Fatal(err)
	}
}
