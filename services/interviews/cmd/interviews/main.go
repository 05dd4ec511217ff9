// Command interviews runs the interviews service alone; configuration comes
// from MOKSHO_INTERVIEWS_* environment variables.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/moksho/platform/pkg/service"
	"github.com/moksho/platform/services/interviews"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := service.Main(ctx, interviews.Name, interviews.Run); err != nil {
		fmt.Fprintln(os.Stderr, "interviews:", err)
		os.Exit(1)
	}
}
