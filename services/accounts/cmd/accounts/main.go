// Command accounts runs the accounts service alone (in Kubernetes, say);
// configuration comes from MOKSHO_ACCOUNTS_* environment variables.
package main

import (
	"github.com/moksho/platform/pkg/service"
	"github.com/moksho/platform/services/accounts"
)

func main() { service.Exec(accounts.Name, accounts.Run) }
