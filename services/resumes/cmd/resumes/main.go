// Command resumes runs the resumes service alone; configuration comes from
// MOKSHO_RESUMES_* environment variables.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/moksho/platform/pkg/service"
	"github.com/moksho/platform/services/resumes"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := service.Main(ctx, resumes.Name, resumes.Run); err != nil {
		fmt.Fprintln(os.Stderr, "resumes:", err)
		os.Exit(1)
	}
}
