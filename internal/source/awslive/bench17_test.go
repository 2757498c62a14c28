package awslive_test

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/cloudward/cloudward/internal/fakeaws"
	"github.com/cloudward/cloudward/internal/source/awslive"
)

// regions17 are the 17 regions every AWS account has enabled by default.
var regions17 = []string{
	"us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1",
	"eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-north-1",
	"ap-south-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
	"ap-southeast-1", "ap-southeast-2", "sa-east-1",
}

// fullFixture is one account with resources of every kind in each of
// regions: the union of every importer fixture (testdata/basic first),
// each regional operation's richest answer (us-east-1's, a data answer
// before an error answer) copied to every region. New services' fixtures
// are picked up as they are added, so dependent calls (per key, per
// function, per topic...) happen in every region.
func fullFixture(tb testing.TB, regions []string) fstest.MapFS {
	tb.Helper()
	root := filepath.Join("..", "snapshot", "testdata")
	dirs, err := os.ReadDir(root)
	if err != nil {
		tb.Fatal(err)
	}
	names := []string{"basic"}
	for _, d := range dirs {
		if d.IsDir() && d.Name() != "basic" {
			names = append(names, d.Name())
		}
	}
	type pick struct {
		path  string // file name below the region (or global/...)
		data  []byte
		score int // higher wins: data > error, us-east-1 > other regions
	}
	global := map[string]pick{}   // op stem -> answer
	regional := map[string]pick{} // op stem below the region -> answer
	stem := func(p string) (string, bool) {
		if s, ok := strings.CutSuffix(p, ".error.json"); ok {
			return s, true
		}
		return strings.TrimSuffix(strings.TrimSuffix(p, ".json"), ".csv"), false
	}
	for _, n := range names {
		fsys := os.DirFS(filepath.Join(root, n))
		err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || p == "snapshot.json" {
				return err
			}
			raw, err := fs.ReadFile(fsys, p)
			if err != nil {
				return err
			}
			region, rest, _ := strings.Cut(p, "/")
			s, isErr := stem(rest)
			score := 0
			if !isErr {
				score += 2
			}
			if region == "us-east-1" {
				score++
			}
			m := regional
			if region == "global" {
				m, score = global, 0
				if !isErr {
					score = 2
				}
			}
			// Earlier fixtures win ties: basic is the reference.
			if old, ok := m[s]; !ok || score > old.score {
				m[s] = pick{path: rest, data: raw, score: score}
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
	out := fstest.MapFS{}
	for _, p := range global {
		out["global/"+p.path] = &fstest.MapFile{Data: p.data}
	}
	for _, r := range regions {
		for _, p := range regional {
			out[r+"/"+p.path] = &fstest.MapFile{Data: p.data}
		}
	}
	out["snapshot.json"] = &fstest.MapFile{Data: fmt.Appendf(nil,
		`{"collected_at": "2026-11-28T00:00:00Z", "account_id": %q, "partition": "aws", "regions": [%s]}`,
		mgmtID, `"`+strings.Join(regions, `", "`)+`"`)}
	return out
}

// TestFullFixtureEveryService: the 17-region fixture makes the collector
// call every service in every region, dependent calls included, with no
// request the fake refuses.
func TestFullFixtureEveryService(t *testing.T) {
	if testing.Short() {
		t.Skip("1000+ calls")
	}
	credsEnv(t)
	srv, err := fakeaws.Start(fakeaws.Scenario{Snapshot: fullFixture(t, regions17), AccessKeyID: testKeyID, SecretAccessKey: testSecret, SessionToken: testToken})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	w := &awslive.MemWriter{}
	if _, err := awslive.Collect(t.Context(), awslive.Options{EndpointURL: srv.URL}, w); err != nil {
		t.Fatal(err)
	}
	if bad := srv.BadRequests(); len(bad) > 0 {
		t.Fatalf("refused requests: %q", bad)
	}
	regionsOf := map[string]map[string]bool{} // service -> regions called
	for _, sp := range srv.Timeline() {
		if regionsOf[sp.Service] == nil {
			regionsOf[sp.Service] = map[string]bool{}
		}
		regionsOf[sp.Service][sp.Region] = true
	}
	for _, svc := range []string{"ec2", "rds", "kms", "cloudtrail", "guardduty"} {
		if len(regionsOf[svc]) != len(regions17) {
			t.Errorf("%s called in %d regions, want %d", svc, len(regionsOf[svc]), len(regions17))
		}
	}
	calls := srv.Calls()
	// Connections are reused: no more are opened than calls can be in
	// flight (--parallel per region and for the account-wide services).
	// The fake is one host for every region; an idle pool as deep as one
	// region's calls closed connections after one call (900 for 1300
	// calls, against 560 with the pool sized for every region).
	// (A call may find a connection freed while a dial for it is under way:
	// a third more is allowed.)
	inFlight := awslive.DefaultParallel * (len(regions17) + 1)
	if n, total := srv.Connections(), srv.TotalCalls(); n > inFlight*4/3 {
		t.Errorf("%d connections for %d calls, at most %d in flight: connections are not reused", n, total, inFlight)
	} else {
		t.Logf("%d connections for %d calls", n, total)
	}
	// Dependent calls: one DescribeKey per key listed, in every region.
	if n := calls["kms:DescribeKey"]; n != 3*len(regions17) {
		t.Errorf("kms:DescribeKey calls = %d, want 3 keys × %d regions", n, len(regions17))
	}
	if calls["s3:GetBucketPolicy"] != 3 {
		t.Errorf("s3:GetBucketPolicy calls = %d, want one per bucket (3)", calls["s3:GetBucketPolicy"])
	}
	// Every regional file of the fixture came back in every region.
	files := w.FS()
	for _, r := range regions17 {
		if _, err := fs.Stat(files, r+"/ec2/describe-security-groups.json"); err != nil {
			t.Errorf("%s: no describe-security-groups answer", r)
		}
	}
}

// longestServiceChain is the longest chain of dependent calls of any one
// service in one region (S3 across regions: its per-bucket calls go to the
// bucket's region), after the calls every service waits for: sts
// get-caller-identity and ec2 describe-regions. Chains are taken per
// region and service so that a call delayed by a busy CPU cannot appear to
// depend on another region's or service's answer. (A dependency across
// services, such as sns list-subscriptions-by-topic on the topics
// cloudwatch alarms notify, is then not counted: the chain can only be
// underestimated, the ratio overestimated.)
func longestServiceChain(spans []fakeaws.Span) []fakeaws.Span {
	var prefix []fakeaws.Span
	byService := map[string][]fakeaws.Span{}
	for _, sp := range spans {
		switch sp.Service + ":" + sp.Action {
		case "sts:GetCallerIdentity", "ec2:DescribeRegions":
			prefix = append(prefix, sp)
		case "s3:" + sp.Action: // per-bucket calls go to the bucket's region
			byService["s3"] = append(byService["s3"], sp)
		default:
			byService[sp.Region+"/"+sp.Service] = append(byService[sp.Region+"/"+sp.Service], sp)
		}
	}
	var best []fakeaws.Span
	for _, calls := range byService {
		if c := fakeaws.LongestChain(append(slices.Clone(prefix), calls...)); len(c) > len(best) {
			best = c
		}
	}
	return best
}

// BenchmarkCollect17Regions collects one account with 17 regions and every
// service of awslive.Services from the fake with 50 ms added to every
// call. It measures the floor first: a collection with unlimited
// parallelism (and 1 s per call), in whose timeline the longest chain of
// calls of one service, each started after the previous one's answer, is
// the longest chain of dependent calls (longestServiceChain). Then it times collections at the default
// --parallel and reports wall time / (chain × 50 ms); the target is ≤ 2.
//
//	go test ./internal/source/awslive -run '^$' -bench Collect17Regions -benchtime 3x
func BenchmarkCollect17Regions(b *testing.B) {
	const latency = 50 * time.Millisecond
	setCredsEnv(b)
	fixture := fullFixture(b, regions17)
	// Signatures are not recomputed here (the tests do): the fake's CPU
	// is not the scanner's.
	collect := func(parallel int, latency time.Duration) (*fakeaws.Server, time.Duration) {
		srv, err := fakeaws.Start(fakeaws.Scenario{Snapshot: fixture, Latency: latency, AccessKeyID: testKeyID})
		if err != nil {
			b.Fatal(err)
		}
		defer srv.Close()
		start := time.Now()
		if _, err := awslive.Collect(b.Context(), awslive.Options{EndpointURL: srv.URL, Parallel: parallel}, &awslive.MemWriter{}); err != nil {
			b.Fatal(err)
		}
		wall := time.Since(start)
		if bad := srv.BadRequests(); len(bad) > 0 {
			b.Fatalf("refused requests: %q", bad[:min(3, len(bad))])
		}
		return srv, wall
	}
	// The floor run answers every call after 1 s: far longer than the
	// client's CPU time for all calls together, so a call cannot start
	// after an unrelated call's answer just because the CPU was busy.
	const floorLatency = time.Second
	floorSrv, floorWall := collect(1<<20, floorLatency)
	chain := longestServiceChain(floorSrv.Timeline())
	var steps []string
	for _, sp := range chain {
		steps = append(steps, sp.Region+"/"+sp.Service+":"+sp.Action)
	}
	b.Logf("longest chain (%d calls, unlimited parallelism took %v): %s", len(chain), floorWall.Round(time.Millisecond), strings.Join(steps, " -> "))

	// The same latency with unlimited parallelism: what the default
	// --parallel costs compared with no bound at all on this machine.
	_, unbounded := collect(1<<20, latency)

	b.ResetTimer()
	var total time.Duration
	calls, conns := 0, 0
	cpu0 := cpuSeconds()
	for i := 0; i < b.N; i++ {
		srv, wall := collect(0, latency)
		total += wall
		calls, conns = srv.TotalCalls(), srv.Connections()
	}
	// CPU of the collector and the fake together: on a small machine the
	// wall time cannot go below it divided by the cores.
	b.ReportMetric((cpuSeconds()-cpu0)/float64(b.N), "cpu-s/op")
	wall := total / time.Duration(b.N)
	b.ReportMetric(float64(unbounded.Milliseconds()), "unbounded-wall-ms")
	b.ReportMetric(float64(calls), "calls/op")
	b.ReportMetric(float64(conns), "conns/op")
	b.ReportMetric(float64(len(chain)), "chain")
	b.ReportMetric(float64(wall.Milliseconds()), "wall-ms")
	b.ReportMetric(float64(wall)/float64(time.Duration(len(chain))*latency), "wall/chain")
	services := slices.Clone(awslive.Services)
	b.Logf("services: %s; regions: %d", strings.Join(services, ","), len(regions17))
}
