// Command evaluation runs the evaluation service alone (in Kubernetes, say);
// configuration comes from MOKSHO_EVALUATION_* environment variables.
package main

import (
	"github.com/moksho/platform/pkg/service"
	"github.com/moksho/platform/services/evaluation"
)

func main() { service.Exec(evaluation.Name, evaluation.Run) }
