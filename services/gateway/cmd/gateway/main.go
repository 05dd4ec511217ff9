// Command gateway runs the gateway service alone (in Kubernetes, say);
// configuration comes from MOKSHO_GATEWAY_* environment variables.
package main

import (
	"github.com/moksho/platform/pkg/service"
	"github.com/moksho/platform/services/gateway"
)

func main() { service.Exec(gateway.Name, gateway.Run) }
