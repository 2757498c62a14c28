package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

type orgCoverage struct {
	Coverage struct {
		Errors []struct {
			Operation, Detail, Account, Region, Service, Code string
		} `json:"errors"`
		ByScope []struct {
			Account    string         `json:"account"`
			Service    string         `json:"service"`
			ErrorCodes map[string]int `json:"error_codes"`
		} `json:"by_scope"`
	} `json:"coverage"`
	Scan struct {
		AccountIDs []string `json:"account_ids"`
	} `json:"scan"`
}

// The unassumable account is also in the coverage (sts assume-role,
// AccessDenied), in a live organization scan and in the scan of a
// `collect --org` folder, and stays out of account_ids.
func TestOrgUnassumableAccountInCoverage(t *testing.T) {
	srv := orgLiveEnv(t, 0)
	dir := filepath.Join(t.TempDir(), "org")
	col := run(t, runOpts{}, "collect", "aws", "--org", "--org-role", "cloudward-audit", "--out", dir, "--endpoint-url", srv.URL,
		"--services", "iam", "--regions", "us-east-1")
	if col.code != 0 {
		t.Fatalf("collect --org: exit %d\n%s", col.code, col.stderr)
	}
	for name, args := range map[string][]string{
		"live":   {"scan", "aws", "--org", "--org-role", "cloudward-audit", "--endpoint-url", srv.URL, "--services", "iam", "--regions", "us-east-1", "--format", "json", "--no-store"},
		"folder": {"scan", "aws", "--snapshot", dir, "--format", "json", "--no-store"},
	} {
		res := run(t, runOpts{}, args...)
		var r orgCoverage
		if err := json.Unmarshal([]byte(res.stdout), &r); err != nil {
			t.Fatalf("%s: exit %d, JSON: %v\n%s", name, res.code, err, res.stderr)
		}
		found := false
		for _, e := range r.Coverage.Errors {
			if e.Account == orgDenied {
				found = e.Operation == orgDenied+"/global/sts/assume-role" && e.Service == "sts" && e.Code == "AccessDenied" &&
					strings.Contains(e.Detail, "role/cloudward-audit")
				if !found {
					t.Errorf("%s: coverage error %+v", name, e)
				}
			}
		}
		if !found {
			t.Errorf("%s: no coverage error for %s: %+v", name, orgDenied, r.Coverage.Errors)
		}
		scoped := false
		for _, s := range r.Coverage.ByScope {
			scoped = scoped || (s.Account == orgDenied && s.Service == "sts" && s.ErrorCodes["AccessDenied"] == 1)
		}
		if !scoped {
			t.Errorf("%s: no by_scope entry for %s", name, orgDenied)
		}
		for _, a := range r.Scan.AccountIDs {
			if a == orgDenied {
				t.Errorf("%s: account_ids %v lists the unreached account", name, r.Scan.AccountIDs)
			}
		}
	}
}
