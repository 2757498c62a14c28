//go:build !unix

package iam

import "time"

// processCPU is not measured here; the cpu-s metric is then omitted.
func processCPU() time.Duration { return 0 }
