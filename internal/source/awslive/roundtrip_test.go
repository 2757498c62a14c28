package awslive_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/cloudward/cloudward/internal/check"
	awschecks "github.com/cloudward/cloudward/internal/checks/aws"
	"github.com/cloudward/cloudward/internal/fakeaws"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
	"github.com/cloudward/cloudward/internal/source/awslive"
	"github.com/cloudward/cloudward/internal/source/snapshot"
)

// notCollected are fixture files outside what the collector calls.
var notCollected = map[string]bool{"us-east-1/ec2/describe-images.json": true}

// TestCollectReproducesSnapshot: the fake serves the fixture over the wire,
// the real SDK clients read it, and the collector writes it back. Every
// fixture file must come back with the same content (timestamps compared as
// instants; IAM policy documents compared decoded, since the fixture holds
// some in the raw URL-encoded API form and the CLI prints objects).
func TestCollectReproducesSnapshot(t *testing.T) {
	srv := startFake(t, fakeaws.Scenario{})
	w, sum := collect(t, srv, awslive.Options{})
	if sum.AccountID != "111122223333" || sum.Partition != "aws" {
		t.Errorf("summary = %+v", sum)
	}
	if got, want := strings.Join(sum.Regions, ","), "us-east-1,eu-west-1"; got != want {
		t.Errorf("regions (from ec2 describe-regions) = %s, want %s", got, want)
	}
	got := w.FS()
	want := os.DirFS(basicDir)
	n := 0
	err := fs.WalkDir(want, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || notCollected[p] || p == "snapshot.json" {
			return err
		}
		n++
		wb, _ := fs.ReadFile(want, p)
		gb, err := fs.ReadFile(got, p)
		if err != nil {
			t.Errorf("%s: not collected: %v", p, err)
			return nil
		}
		if !strings.HasSuffix(p, ".json") {
			if !bytes.Equal(gb, wb) {
				t.Errorf("%s: collected content differs", p)
			}
			return nil
		}
		if len(bytes.TrimSpace(wb)) == 0 || len(bytes.TrimSpace(gb)) == 0 {
			if len(bytes.TrimSpace(wb)) != len(bytes.TrimSpace(gb)) {
				t.Errorf("%s: collected %q, want %q", p, gb, wb)
			}
			return nil
		}
		var gv, wv any
		if err := json.Unmarshal(gb, &gv); err != nil {
			t.Errorf("%s: collected invalid JSON: %v", p, err)
			return nil
		}
		_ = json.Unmarshal(wb, &wv)
		// A member the SDK model does not have cannot cross the wire.
		if m, ok := wv.(map[string]any); ok && strings.HasSuffix(p, "get-ebs-encryption-by-default.json") {
			delete(m, "SseEncryptionByDefault")
		}
		redactWantEndpoints(p, wv) // webhook URLs keep only scheme and host
		if d := diffJSON(normalize(gv), normalize(wv), ""); d != "" {
			t.Errorf("%s: collected differs from the snapshot:\n%s", p, d)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 50 {
		t.Fatalf("compared only %d files", n)
	}
	// Files the fixture lacks come back as the error the fake answers.
	b, err := fs.ReadFile(got, "eu-west-1/ec2/describe-volumes.error.json")
	if err != nil || !strings.Contains(string(b), `"UnauthorizedOperation"`) {
		t.Errorf("describe-volumes in eu-west-1 (absent from the fixture): %s %v", b, err)
	}
	// The CLI's own formatting: 4-space indentation, CLI timestamps.
	lb, _ := fs.ReadFile(got, "global/s3api/list-buckets.json")
	if !strings.Contains(string(lb), "\n    \"Buckets\": [\n") || !strings.Contains(string(lb), `"CreationDate": "2019-03-01T10:20:00+00:00"`) {
		t.Errorf("list-buckets.json is not CLI-formatted:\n%s", lb)
	}
	loc, _ := fs.ReadFile(got, "global/s3api/get-bucket-location/cw-logs-111122223333.json")
	if strings.TrimSpace(string(loc)) != "{\n    \"LocationConstraint\": null\n}" {
		t.Errorf("us-east-1 bucket location = %q, want the CLI's null", loc)
	}
	meta, _ := fs.ReadFile(got, "snapshot.json")
	if !strings.Contains(string(meta), `"collected_at": "2024-06-01T00:00:00Z"`) {
		t.Errorf("snapshot.json = %s", meta)
	}
}

var tsRe = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)$`)

func normalize(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range t {
			if s, ok := e.(string); ok && (k == "PolicyDocument" || k == "AssumeRolePolicyDocument" || k == "Document") {
				if dec, err := url.PathUnescape(s); err == nil {
					var obj any
					if json.Unmarshal([]byte(dec), &obj) == nil {
						out[k] = normalize(obj)
						continue
					}
				}
			}
			out[k] = normalize(e)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = normalize(e)
		}
		return out
	case string:
		if tsRe.MatchString(t) {
			for _, l := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999Z0700"} {
				if ts, err := time.Parse(l, t); err == nil {
					return "time:" + ts.UTC().Format(time.RFC3339Nano)
				}
			}
		}
	}
	return v
}

func diffJSON(got, want any, path string) string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return fmt.Sprintf("%s: got %T, want object\n", path, got)
		}
		var out string
		keys := map[string]bool{}
		for k := range w {
			keys[k] = true
		}
		for k := range g {
			keys[k] = true
		}
		var ks []string
		for k := range keys {
			ks = append(ks, k)
		}
		sort.Strings(ks)
		for _, k := range ks {
			gv, gok := g[k]
			wv, wok := w[k]
			switch {
			case !gok:
				out += fmt.Sprintf("%s.%s: missing, want %v\n", path, k, wv)
			case !wok:
				out += fmt.Sprintf("%s.%s: extra %v\n", path, k, gv)
			default:
				out += diffJSON(gv, wv, path+"."+k)
			}
		}
		return out
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return fmt.Sprintf("%s: got %v, want %v\n", path, got, want)
		}
		var out string
		for i := range w {
			out += diffJSON(g[i], w[i], fmt.Sprintf("%s[%d]", path, i))
		}
		return out
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		return fmt.Sprintf("%s: got %v, want %v\n", path, got, want)
	}
	return ""
}

// findings evaluates every check on an imported snapshot and returns one
// line per finding: check, resource, status, and the message unless the
// status is UNKNOWN (whose reason names a missing file in one case and the
// API error in the other).
func findings(t *testing.T, fsys fs.FS) ([]string, *awsm.Inventory) {
	t.Helper()
	res, err := snapshot.LoadFS(fsys)
	if err != nil {
		t.Fatal(err)
	}
	fs, err := check.Run(context.Background(), check.Input{AWS: []*awsm.Inventory{res.Inventory}}, awschecks.Checks())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range fs {
		line := fmt.Sprintf("%s %s %s", f.Check.ID, f.Resource.ID, f.Status)
		if f.Status != check.Unknown {
			line += " " + f.Message
		}
		out = append(out, line)
	}
	sort.Strings(out)
	return out, res.Inventory
}

// TestLiveFindingsEqualSnapshotFindings: live = snapshot.
func TestLiveFindingsEqualSnapshotFindings(t *testing.T) {
	srv := startFake(t, fakeaws.Scenario{})
	w, _ := collect(t, srv, awslive.Options{})
	live, _ := findings(t, w.FS())
	direct, _ := findings(t, os.DirFS(basicDir))
	if len(direct) < 30 {
		t.Fatalf("only %d findings from the fixture", len(direct))
	}
	if d := diffLines(live, direct); d != "" {
		t.Errorf("live findings differ from the snapshot's:\n%s", d)
	}
	statuses := map[string]int{}
	for _, l := range live {
		statuses[strings.Fields(l)[2]]++
	}
	if statuses["FAIL"] == 0 || statuses["PASS"] == 0 {
		t.Errorf("statuses %v: want both FAIL and PASS", statuses)
	}
}

func diffLines(got, want []string) string {
	g, w := map[string]bool{}, map[string]bool{}
	for _, l := range got {
		g[l] = true
	}
	for _, l := range want {
		w[l] = true
	}
	var out []string
	for _, l := range got {
		if !w[l] {
			out = append(out, "+ "+l)
		}
	}
	for _, l := range want {
		if !g[l] {
			out = append(out, "- "+l)
		}
	}
	return strings.Join(out, "\n")
}
