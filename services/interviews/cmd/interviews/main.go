// Command interviews runs the interviews service alone (in Kubernetes, say);
// configuration comes from MOKSHO_INTERVIEWS_* environment variables.
package main

import (
	"github.com/moksho/platform/pkg/service"
	"github.com/moksho/platform/services/interviews"
)

func main() { service.Exec(interviews.Name, interviews.Run) }
