// Package stock holds the stock rules: how a product's tracking starts and
// reaches its initial balances exactly once, what a failed request may have
// done, and how the starts and stops of one run hand products over. It
// speaks to the Inventory API only through Inventory, whatever the version,
// and knows nothing of Terraform.
package stock

import (
	"context"
	"time"

	"github.com/zettle-community/terraform-provider-zettle/internal/zettle"
)

// Inventory is what the rules need of the API: the batched operations of a
// *zettle.Client, which translates them to the version it speaks.
type Inventory interface {
	CachedLocations(ctx context.Context) (zettle.Locations, error)
	StartsMoveStock(ctx context.Context) (bool, error)
	Start(ctx context.Context, location string, change zettle.ProductChange) (map[string]zettle.Quantity, error)
	StartInNewOrganization(ctx context.Context, product string) (store string, err error)
	ConfirmTracking(ctx context.Context, location, product string) (zettle.ProductInventory, error)
	TrackedBalances(ctx context.Context, location, product string) (map[string]zettle.Quantity, error)
	Move(ctx context.Context, location string, movements []zettle.Movement) (map[string]zettle.Quantity, error)
	Stop(ctx context.Context, product string) error
}

// Config configures a Keeper.
type Config struct {
	// HandoverWait is how long a start of a product that is tracked
	// already waits for this run to stop it; zero is DefaultHandoverWait.
	HandoverWait time.Duration
	// Logger, when set, receives a line for each decision the rules make.
	Logger zettle.Logger
}

// Keeper applies the stock rules for one Terraform run: it is the only
// state the run's resources share, the products it started and stopped.
// It is safe for concurrent use.
type Keeper struct {
	inv          Inventory
	log          zettle.Logger
	run          *runProducts
	handoverWait time.Duration
}

// New returns a Keeper working through inv.
func New(inv Inventory, cfg Config) *Keeper {
	wait := cfg.HandoverWait
	if wait == 0 {
		wait = DefaultHandoverWait
	}
	return &Keeper{inv: inv, log: cfg.Logger, run: newRunProducts(), handoverWait: wait}
}

func (k *Keeper) logf(ctx context.Context, msg string, fields map[string]any) {
	if k.log != nil {
		k.log.Debug(ctx, msg, fields)
	}
}

// ProductCreated records that this run created product in the Product
// Library, under a UUID it chose: it was never tracked, so it has no saved
// levels, and a start of its tracking needs no read to know its balances.
func (k *Keeper) ProductCreated(product string) {
	k.run.markCreated(product)
}

// StopTracking stops tracking a product; the saved levels stay with the
// service, and a product that is not tracked counts as done.
//
// A product this run started tracking is left tracked, with
// ErrStartedThisRun: the stop comes from another owner of the same product,
// as when Terraform destroys one instance and creates another.
func (k *Keeper) StopTracking(ctx context.Context, product string) error {
	if k.run.wasStarted(product) {
		return ErrStartedThisRun
	}
	end := k.run.beginStop(product)
	err := k.inv.Stop(ctx, product)
	end(err == nil)
	return err
}
