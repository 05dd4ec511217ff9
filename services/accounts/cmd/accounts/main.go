// Command accounts runs the accounts service alone (in Kubernetes, say);
// configuration comes from MOKSHO_ACCOUNTS_* environment variables.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/moksho/platform/pkg/service"
	"github.com/moksho/platform/services/accounts"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := service.Main(ctx, accounts.Name, accounts.Run); err != nil {
		fmt.Fprintln(os.Stderr, "accounts:", err)
		os.Exit(1)
	}
}
