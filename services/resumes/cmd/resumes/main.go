// Command resumes runs the resumes service alone (in Kubernetes, say);
// configuration comes from MOKSHO_RESUMES_* environment variables.
package main

import (
	"github.com/moksho/platform/pkg/service"
	"github.com/moksho/platform/services/resumes"
)

func main() { service.Exec(resumes.Name, resumes.Run) }
