package server

import (
	"context"
	"database/sql"
	"fmt"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/cloudward/cloudward/internal/scanrun"
	"github.com/cloudward/cloudward/internal/store"
)

// BenchmarkFindingsAPI1M times /api/v1/findings pages, through the real
// handler and JSON encoding, with ten 100,000-finding scans stored
// (1,000,000 findings; setup takes a minute or two per database). The
// findings are the demo account's real ones over numbered copies of its
// resources; a tenth change status from one scan to the next.
func BenchmarkFindingsAPI1M(b *testing.B) {
	dsns := map[string]string{"sqlite": b.TempDir() + "/bench.db"}
	if pg := os.Getenv("CLOUDWARD_TEST_POSTGRES"); pg != "" {
		admin, err := sql.Open("pgx", pg)
		if err != nil {
			b.Fatal(err)
		}
		schema := fmt.Sprintf("bench_%d", time.Now().UnixNano())
		if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
			b.Fatal(err)
		}
		defer func() { admin.Exec("DROP SCHEMA " + schema + " CASCADE"); admin.Close() }()
		sep := "?"
		if strings.Contains(pg, "?") {
			sep = "&"
		}
		dsns["postgres"] = pg + sep + "search_path=" + schema
	}
	for name, dsn := range dsns {
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			st, err := store.Open(ctx, dsn, store.Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			res, err := scanrun.Evaluate(ctx, "snapshot:demo", scanrun.SnapshotLoader(demoSnapshot), scanrun.Options{
				Registry: registry(b), Version: "bench", Now: time.Now, NewID: func() string { return "base" },
			})
			if err != nil {
				b.Fatal(err)
			}
			base := store.Records(res.Findings)
			var lastID string
			for day := range 10 {
				sc, err := store.NewScan(res.Report, res.Findings, false)
				if err != nil {
					b.Fatal(err)
				}
				sc.ID = fmt.Sprintf("bench-%02d", day)
				sc.StartedAt = sc.StartedAt.AddDate(0, 0, day)
				sc.FinishedAt = sc.FinishedAt.AddDate(0, 0, day)
				fs := make([]store.Finding, 0, 100000)
				for i := 0; len(fs) < 100000; i++ {
					f := base[i%len(base)]
					k := i / len(base)
					f.Fingerprint = fmt.Sprintf("%s-%d", f.Fingerprint, k)
					f.ResourceID = fmt.Sprintf("%s-%d", f.ResourceID, k)
					if (i+day)%10 == 0 { // a tenth flips from one day to the next
						if f.Status == "FAIL" {
							f.Status = "PASS"
						} else if f.Status == "PASS" {
							f.Status = "FAIL"
						}
					}
					fs = append(fs, f)
				}
				if err := st.SaveScan(ctx, sc, fs); err != nil {
					b.Fatal(err)
				}
				lastID = sc.ID
			}
			if name == "postgres" && os.Getenv("BENCH_ANALYZE") != "" {
				// What autovacuum does soon after a load.
				db, _ := sql.Open("pgx", dsn)
				for _, tb := range []string{"findings", "finding_states", "scans"} {
					if _, err := db.Exec("ANALYZE " + tb); err != nil {
						b.Fatal(err)
					}
				}
				db.Close()
			}
			s, err := New(Config{DSN: dsn, Registry: registry(b), Open: func(context.Context, string) (store.Store, error) { return st, nil }})
			if err != nil {
				b.Fatal(err)
			}
			s.Connect(ctx)
			h := s.Handler()
			for _, q := range []string{
				"scan=" + lastID + "&check=aws-ec2-sg-ssh-open&region=us-east-1&status=FAIL&limit=50",
				"scan=" + lastID + "&severity=critical&limit=50&offset=100",
				"state=open,reopened&severity=high&limit=50&offset=200",
				"check=aws-iam-user-console-mfa-missing&account=123456789012&limit=50",
				"severity=critical,high&limit=100",
				"severity=critical,high&state=open&limit=100&offset=1000",
				"limit=100",
			} {
				b.Run(strings.NewReplacer("&", ",", "=", ":").Replace(q), func(b *testing.B) {
					for b.Loop() {
						rec := httptest.NewRecorder()
						h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/findings?"+q, nil))
						if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"check_id"`) {
							b.Fatalf("%d %.300s", rec.Code, rec.Body.String())
						}
					}
				})
			}
		})
	}
}
