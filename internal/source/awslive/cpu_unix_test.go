//go:build unix

package awslive_test

import "syscall"

// cpuSeconds is the CPU time (user + system) the process used so far, as
// the kernel counts it: the fake's and the collector's work together.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
