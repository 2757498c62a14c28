package store

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Benchmarks of issue 7, item 9 (docs/performance.md):
//
//	go test -run='^$' -bench=. -benchtime=3x ./internal/store/
//
// PostgreSQL benchmarks need CLOUDWARD_TEST_POSTGRES.
//
// Besides wall time, each benchmark reports cpu-ms/op: the CPU time of the
// benchmark process, plus that of the PostgreSQL server's processes when
// CLOUDWARD_BENCH_PG_PID names the postmaster (scripts/pg-test-server.sh's
// DIR/data/postmaster.pid, first line). On a machine shared with other
// work, wall time mostly measures the wait for a CPU; CPU time does not.

// cpuTime is the CPU time used so far by this process and, when
// CLOUDWARD_BENCH_PG_PID is set, by the PostgreSQL postmaster's children
// (its backends live as long as the benchmark's connections).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	total := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	pm := os.Getenv("CLOUDWARD_BENCH_PG_PID")
	if pm == "" {
		return total
	}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// Fields after the command name: state ppid ... utime(12) stime(13).
		f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+2:]))
		if len(f) < 13 || f[1] != pm {
			continue
		}
		u, _ := strconv.ParseInt(f[11], 10, 64)
		st, _ := strconv.ParseInt(f[12], 10, 64)
		total += time.Duration(u+st) * 10 * time.Millisecond // USER_HZ = 100
	}
	return total
}

// reportCPU reports the CPU time per op since start.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64((cpuTime()-start).Milliseconds())/float64(b.N), "cpu-ms/op")
}

func benchStores(b *testing.B) map[string]func(b *testing.B) Store {
	return map[string]func(b *testing.B) Store{
		"sqlite": func(b *testing.B) Store {
			s, err := Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"), Options{})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { s.Close() })
			return s
		},
		"postgres": func(b *testing.B) Store {
			s, err := Open(context.Background(), pgDSN(b), Options{})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { s.Close() })
			return s
		},
	}
}

// dayScan is a 100,000-finding scan of day `day`: a tenth of the results
// change status from one day to the next.
func dayScan(b *testing.B, day, n int) (*Scan, []Finding) {
	sc, fs := bigScan(b, fmt.Sprintf("bench-%d-%d", time.Now().UnixNano(), day), day, n)
	for i := day % 10; i < len(fs); i += 10 {
		switch fs[i].Status {
		case "PASS":
			fs[i].Status = "FAIL"
		case "FAIL":
			fs[i].Status = "PASS"
		}
	}
	return sc, fs
}

func BenchmarkSaveScan100k(b *testing.B) {
	for _, name := range []string{"sqlite", "postgres"} {
		b.Run(name, func(b *testing.B) {
			s := benchStores(b)[name](b)
			ctx := context.Background()
			// A previous scan, so that the state updates do real work.
			sc, fs := dayScan(b, 0, 100000)
			if err := s.SaveScan(ctx, sc, fs); err != nil {
				b.Fatal(err)
			}
			day := 1
			var cpu time.Duration
			for b.Loop() {
				b.StopTimer()
				sc, fs := dayScan(b, day, 100000)
				day++
				c0 := cpuTime()
				b.StartTimer()
				if err := s.SaveScan(ctx, sc, fs); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				cpu += cpuTime() - c0
				b.StartTimer()
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/scan")
			b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/op")
		})
	}
}

func BenchmarkDiff100k(b *testing.B) {
	for _, name := range []string{"sqlite", "postgres"} {
		b.Run(name, func(b *testing.B) {
			s := benchStores(b)[name](b)
			ctx := context.Background()
			var seqs []int64
			for day := range 2 {
				sc, fs := dayScan(b, day, 100000)
				if err := s.SaveScan(ctx, sc, fs); err != nil {
					b.Fatal(err)
				}
				seqs = append(seqs, sc.Seq)
			}
			c0 := cpuTime()
			for b.Loop() {
				// What `cloudward diff` does: read both scans, compare.
				fa, err := s.ScanFindings(ctx, seqs[0])
				if err != nil {
					b.Fatal(err)
				}
				fb, err := s.ScanFindings(ctx, seqs[1])
				if err != nil {
					b.Fatal(err)
				}
				d := Compare(fa, fb, false)
				if len(d.Resolved) == 0 || len(d.Regressed) == 0 {
					b.Fatal("no changes found")
				}
			}
			reportCPU(b, c0)
		})
	}
}

// BenchmarkFindingsPage1M stores ten 100,000-finding scans (1,000,000
// findings; the setup takes a while) and times filtered pages.
func BenchmarkFindingsPage1M(b *testing.B) {
	for _, name := range []string{"sqlite", "postgres"} {
		b.Run(name, func(b *testing.B) {
			s := benchStores(b)[name](b)
			ctx := context.Background()
			var last int64
			for day := range 10 {
				sc, fs := dayScan(b, day, 100000)
				if err := s.SaveScan(ctx, sc, fs); err != nil {
					b.Fatal(err)
				}
				last = sc.Seq
			}
			queries := map[string]FindingQuery{
				"scan-check-region": {ScanSeq: last, CheckIDs: []string{"aws-ec2-sg-ssh-open"}, Regions: []string{"us-east-1"},
					Statuses: []string{"FAIL"}, Limit: 50},
				"scan-severity": {ScanSeq: last, Severities: []int{4}, Limit: 50, Offset: 100},
				"tracked-open-high": {States: []string{StateOpen, StateReopened}, Severities: []int{3}, Limit: 50,
					Offset: 200},
				"tracked-check-account": {CheckIDs: []string{"aws-iam-user-console-mfa-missing"},
					Accounts: []string{"123456789012"}, Limit: 50},
			}
			for qname, q := range queries {
				b.Run(qname, func(b *testing.B) {
					c0 := cpuTime()
					defer func() { reportCPU(b, c0) }()
					for b.Loop() {
						fs, err := s.Findings(ctx, q)
						if err != nil {
							b.Fatal(err)
						}
						if len(fs) == 0 {
							b.Fatal("empty page")
						}
					}
				})
			}
		})
	}
}
