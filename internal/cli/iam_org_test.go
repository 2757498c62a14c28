package cli

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// basicSnapshot has an organization path with a region-lock SCP
// (DenyLeaveOrgAndRegionLock on the OU: deny outside us-east-1/eu-west-1).
var basicSnapshot = filepath.Join("..", "source", "snapshot", "testdata", "basic")

func TestIAMCanAppliesSCPs(t *testing.T) {
	r := run(t, runOpts{}, "iam", "can", "user/alice", "ec2:RunInstances", "arn:aws:ec2:ap-south-1:111122223333:instance/*", "--snapshot", basicSnapshot)
	if r.code != ExitOK || !strings.HasPrefix(r.stdout, "ExplicitDeny: ") ||
		!strings.Contains(r.stdout, `SCP DenyLeaveOrgAndRegionLock (p-denyleave1) at organizational unit ou-ab12-prod0001 Statement[1] (Sid "RegionLock") Deny`) {
		t.Errorf("exit %d, output:\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = run(t, runOpts{}, "iam", "can", "user/alice", "ec2:RunInstances", "arn:aws:ec2:eu-west-1:111122223333:instance/*", "--snapshot", basicSnapshot)
	if r.code != ExitOK || !strings.HasPrefix(r.stdout, "Allow: ") || strings.Contains(r.stdout, "assuming") {
		t.Errorf("allowed region: exit %d, output:\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// TestIAMCanSCPsNotCollected: from a member account the organization calls
// are denied; an Allow then says it assumes no SCP denies.
func TestIAMCanSCPsNotCollected(t *testing.T) {
	dir := basicWithoutOrg(t)
	r := run(t, runOpts{}, "iam", "can", "user/alice", "ec2:RunInstances", "arn:aws:ec2:ap-south-1:111122223333:instance/*", "--snapshot", dir)
	if r.code != ExitOK || !strings.HasPrefix(r.stdout, "Allow (assuming no SCP denies): arn:aws:iam::111122223333:user/alice may call") ||
		!strings.Contains(r.stdout, "  note: SCPs not-collected: ") {
		t.Errorf("exit %d, output:\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = run(t, runOpts{}, "iam", "can", "user/alice", "s3:GetObject", "arn:aws:s3:::cw-logs-111122223333/x", "--snapshot", dir, "--format", "json")
	var got iamAnswerJSON
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	if got.Decision != "Allow" || !strings.HasPrefix(got.Assumption, "assuming no SCP or RCP denies: SCPs not-collected: ") {
		t.Errorf("JSON answer: %+v", got)
	}
	// With the organization collected there is nothing to assume.
	r = run(t, runOpts{}, "iam", "can", "user/alice", "s3:GetObject", "arn:aws:s3:::cw-logs-111122223333/x", "--snapshot", basicSnapshot, "--format", "json")
	got = iamAnswerJSON{}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || got.Assumption != "" {
		t.Errorf("with the organization collected: %v %+v", err, got)
	}
	r = run(t, runOpts{}, "iam", "who-can", "iam:CreateUser", "*", "--snapshot", dir)
	if r.code != ExitOK || !strings.Contains(r.stdout, "\nnote: answers assuming no SCP denies (SCPs not-collected: AccessDeniedException") {
		t.Errorf("who-can: exit %d, output:\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// basicWithoutOrg copies the basic snapshot with the organization calls
// answered AccessDenied, as from a member account.
func basicWithoutOrg(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	err := filepath.WalkDir(basicSnapshot, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(basicSnapshot, p)
		if strings.HasPrefix(filepath.ToSlash(rel), "global/organizations") {
			return nil
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dir, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	org := filepath.Join(dir, "global", "organizations")
	if err := os.MkdirAll(org, 0o755); err != nil {
		t.Fatal(err)
	}
	denied := `{"Code": "AccessDeniedException", "Message": "You don't have permissions to access this resource."}`
	if err := os.WriteFile(filepath.Join(org, "describe-organization.error.json"), []byte(denied), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}
