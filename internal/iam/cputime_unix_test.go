//go:build unix

package iam

import (
	"syscall"
	"time"
)

// processCPU is the CPU time (user+system) the process has used: on a
// shared machine, evaluations per CPU-second measure the engine, wall time
// measures the neighbours too.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
