// Package serve serves a terraform-plugin-framework provider to Terraform
// the way this project's providers are served: with each call's context
// released once the call returns, and logging off when Terraform would
// discard it.
package serve

import (
	"context"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
)

// Serve serves the provider at address (such as
// registry.terraform.io/zettle-community/zettle) until Terraform stops it.
// With debug, it serves for a debugger, as -debug asks (terraform-plugin-go's
// managed debug mode), and the log stays as the environment sets it: it goes
// to the user's terminal then.
func Serve(address string, p func() provider.Provider, debug bool) error {
	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	} else if err := SilenceLogsTerraformDiscards(address[strings.LastIndex(address, "/")+1:], os.LookupEnv, os.Setenv); err != nil {
		return err
	}
	return tf6server.Serve(address, Server(p), opts...)
}

// Server returns the factory of p's protocol 6 server: the framework's, with
// each RPC's context released once the RPC has returned.
//
// terraform-plugin-framework (internal/proto6server.Server.registerContext,
// up to v1.19.0 at least) wraps the context of every RPC in a
// context.WithCancel and appends its cancel function to a slice that only
// StopProvider empties, which Terraform sends on interrupt only. Each cancel
// function keeps its context reachable, and with it the RPC's whole context
// chain: the loggers terraform-plugin-go and terraform-plugin-log put in it
// and the gRPC stream, 5 to 11 KB an RPC, for the life of the process. What
// the framework gets here instead is a releasableContext, which drops that
// chain when the RPC returns: the framework keeps only its own small
// cancelCtx and this shell. A framework server without the optional services
// below is served as it is, unwrapped.
func Server(p func() provider.Provider) func() tfprotov6.ProviderServer {
	return func() tfprotov6.ProviderServer {
		framework := providerserver.NewProtocol6(p())()
		if full, ok := framework.(frameworkServer); ok {
			return &releasingServer{frameworkServer: full}
		}
		return framework
	}
}

// frameworkServer is every protocol 6 service the framework's server
// implements; terraform-plugin-go looks for the optional ones by type.
type frameworkServer interface {
	tfprotov6.ProviderServerWithListResource //nolint:staticcheck // deprecated for a future version; terraform-plugin-go v0.31 still finds the service by it
	tfprotov6.ProviderServerWithActions      //nolint:staticcheck // as above
	tfprotov6.ProviderServerWithStateStores  //nolint:staticcheck // as above
}

// releasingServer passes each call to the framework with a releasableContext.
// Calls that run once per process, those whose answers are streams read
// after the call returns, and those of kinds the provider does not have
// (functions, ephemeral resources) go to the framework as they are.
type releasingServer struct {
	frameworkServer
}

// released is what a releasableContext stands for once released: done, and
// with no values.
var released = func() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}()

type contextBox struct{ context.Context }

var releasedBox = &contextBox{released}

// releasableContext is ctx until release is called, and released after. Its
// Done channel changes on release, which the context rules forbid; only the
// framework's own context of the call holds it by then, and gRPC cancels
// the call's context as the call returns, so nothing waits on it.
type releasableContext struct {
	box atomic.Pointer[contextBox]
}

func newReleasableContext(ctx context.Context) *releasableContext {
	c := &releasableContext{}
	c.box.Store(&contextBox{ctx})
	return c
}

func (c *releasableContext) release() { c.box.Store(releasedBox) }

func (c *releasableContext) Deadline() (time.Time, bool) { return c.box.Load().Deadline() }
func (c *releasableContext) Done() <-chan struct{}       { return c.box.Load().Done() }
func (c *releasableContext) Err() error                  { return c.box.Load().Err() }
func (c *releasableContext) Value(key any) any           { return c.box.Load().Value(key) }

// releasing calls call with a context that is ctx until call returns.
func releasing[Req, Resp any](ctx context.Context, req Req, call func(context.Context, Req) (Resp, error)) (Resp, error) {
	c := newReleasableContext(ctx)
	defer c.release()
	return call(c, req)
}

func (s *releasingServer) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return releasing(ctx, req, s.frameworkServer.ValidateResourceConfig)
}

func (s *releasingServer) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	return releasing(ctx, req, s.frameworkServer.UpgradeResourceState)
}

func (s *releasingServer) UpgradeResourceIdentity(ctx context.Context, req *tfprotov6.UpgradeResourceIdentityRequest) (*tfprotov6.UpgradeResourceIdentityResponse, error) {
	return releasing(ctx, req, s.frameworkServer.UpgradeResourceIdentity)
}

func (s *releasingServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return releasing(ctx, req, s.frameworkServer.ReadResource)
}

func (s *releasingServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	return releasing(ctx, req, s.frameworkServer.PlanResourceChange)
}

func (s *releasingServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	return releasing(ctx, req, s.frameworkServer.ApplyResourceChange)
}

func (s *releasingServer) GenerateResourceConfig(ctx context.Context, req *tfprotov6.GenerateResourceConfigRequest) (*tfprotov6.GenerateResourceConfigResponse, error) {
	return releasing(ctx, req, s.frameworkServer.GenerateResourceConfig)
}

func (s *releasingServer) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	return releasing(ctx, req, s.frameworkServer.ImportResourceState)
}

func (s *releasingServer) MoveResourceState(ctx context.Context, req *tfprotov6.MoveResourceStateRequest) (*tfprotov6.MoveResourceStateResponse, error) {
	return releasing(ctx, req, s.frameworkServer.MoveResourceState)
}

func (s *releasingServer) ValidateDataResourceConfig(ctx context.Context, req *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	return releasing(ctx, req, s.frameworkServer.ValidateDataResourceConfig)
}

func (s *releasingServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	return releasing(ctx, req, s.frameworkServer.ReadDataSource)
}
