//go:build !unix

package awslive_test

// cpuSeconds is not measured outside Unix.
func cpuSeconds() float64 { return 0 }
