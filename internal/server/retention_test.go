package server

import (
	"context"
	"strings"
	"testing"

	"github.com/cloudward/cloudward/internal/config"
	"github.com/cloudward/cloudward/internal/store"
)

// With a retention, each stored scan prunes its target's old scans.
func TestRetentionPrunesAfterEachScan(t *testing.T) {
	cfg := testConfig(t, config.Target{Name: "demo", Snapshot: demoSnapshot})
	cfg.Retention = store.PruneQuery{KeepScans: 2}
	s := newServer(t, cfg)
	var ids []string
	for range 3 {
		s.Tick()
		s.scans.Wait()
		scans, err := s.store().Scans(context.Background(), store.ScanQuery{Limit: 1})
		if err != nil || len(scans) != 1 {
			t.Fatal(scans, err)
		}
		ids = append(ids, scans[0].ID)
	}
	scans, err := s.store().Scans(context.Background(), store.ScanQuery{})
	if err != nil || len(scans) != 2 || scans[0].ID != ids[2] || scans[1].ID != ids[1] {
		t.Fatalf("scans after three ticks: %+v %v (ids %v)", scans, err, ids)
	}
	_, body := get(t, s.Handler(), "/metrics", "")
	if !strings.Contains(body, `cloudward_pruned_scans_total{target="123456789012"} 1`) {
		t.Errorf("metrics lack the pruned scan:\n%s", body)
	}
}
