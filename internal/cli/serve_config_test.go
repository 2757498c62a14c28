package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cloudward/cloudward/internal/store"
)

// serve takes everything from the config file: listen address and token
// from its serve: section, the retention from retention:. Old scans are
// pruned after each scheduled scan.
func TestServeFromConfigSectionsPrunes(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "scans.db")
	cfg := filepath.Join(dir, "cloudward.yaml")
	addr := freeAddr(t)
	writeTestFile(t, cfg, fmt.Sprintf(`targets:
  - name: demo
    snapshot: %s
schedule: "@every 1s"
database: %s
retention:
  scans: 2
serve:
  listen: %s
  api-token: ${TOK}
`, demoSnapshotDir(t), db, addr))
	svc := startService(t, map[string]string{"TOK": "tok-from-env"}, "serve", "--config", cfg)
	base := "http://" + addr
	eventually(t, "a pruned scan", func() bool {
		code, body := httpGet(base+"/metrics", "tok-from-env")
		return code == 200 && strings.Contains(body, `cloudward_pruned_scans_total{target="123456789012"}`)
	})
	if code, _ := httpGet(base+"/metrics", ""); code != 401 {
		t.Errorf("the token from the config is not required: %d", code)
	}
	if code := svc.stop(t); code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", code, svc.stderr)
	}
	st, err := store.Open(context.Background(), db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	scans, err := st.Scans(context.Background(), store.ScanQuery{})
	if err != nil || len(scans) != 2 {
		t.Fatalf("%d scans kept (%v), want 2", len(scans), err)
	}
	if strings.Contains(svc.stderr.String(), "tok-from-env") {
		t.Error("the token is printed")
	}
}
