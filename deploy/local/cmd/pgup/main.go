// Command pgup finds or starts the PostgreSQL server that `make test` and
// `make run` use (see package pglocal) and prints its admin URL.
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/moksho/platform/pkg/logging"
	"github.com/moksho/platform/pkg/pglocal"
)

func main() {
	dir := os.Getenv("MOKSHO_DATA_DIR")
	if dir == "" {
		dir = ".data"
	}
	log := logging.New(os.Stderr, "pgup", logging.ParseLevel(os.Getenv("MOKSHO_LOG_LEVEL")))
	srv, err := pglocal.Ensure(context.Background(), pglocal.Options{DataDir: filepath.Join(dir, "pg"), Install: true, Log: log})
	if err != nil {
		fmt.Fprintln(os.Stderr, "pgup:", err)
		os.Exit(1)
	}
	fmt.Println(srv.URL)
}
