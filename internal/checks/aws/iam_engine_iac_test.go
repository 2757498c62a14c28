package aws

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/source/cloudformation"
	"github.com/cloudward/cloudward/internal/source/terraform"
)

// TestIAMEngineIaCPrincipals: Terraform users and roles go through the
// admin and escalation checks; AWS managed policies they attach without
// defining come from the built-in catalogue, others leave them UNKNOWN.
func TestIAMEngineIaCPrincipals(t *testing.T) {
	dir := filepath.Join("testdata", "iac-principals")
	res, err := terraform.Load(map[string][]string{dir: {filepath.Join(dir, "main.tf")}}, terraform.Options{})
	if err != nil {
		t.Fatal(err)
	}
	inv := res.Inventory
	inv.Index()
	type want struct {
		status check.Status
		text   string // in the message or evidence
	}
	cases := []struct {
		c    *check.Check
		want map[string]want // by resource address
	}{
		{iamPrincipalEffectiveAdmin, map[string]want{
			"aws_iam_role.break_glass":     {check.Fail, "identity policy arn:aws:iam::aws:policy/AdministratorAccess (built-in copy of v1) Statement[0] Allow"},
			"aws_iam_role.auditor":         {check.Pass, "role/auditor is not a full administrator"},
			"aws_iam_role.auditor_staging": {check.Fail, "AdministratorAccess (built-in copy of v1) Statement[0] Allow"},
			"aws_iam_role.ml_training":     {check.Unknown, "managed policy arn:aws:iam::aws:policy/AmazonSageMakerFullAccess is not in the inventory"},
			"aws_iam_user.ci":              {check.Pass, "user/ci-deployer is not a full administrator"},
			"aws_iam_user.dev":             {check.Pass, "user/dev is not a full administrator"},
			"aws_iam_user.ops":             {check.Fail, "group admins"},
		}},
		// The policy-text admin check reads the same built-in copies.
		{iamUserAdminAccess, map[string]want{
			"aws_iam_user.ci":  {check.Pass, ""},
			"aws_iam_user.dev": {check.Pass, ""},
			"aws_iam_user.ops": {check.Fail, "AdministratorAccess"},
		}},
		{iamPrivilegeEscalation, map[string]want{
			"aws_iam_role.auditor":     {check.Pass, "no known privilege-escalation path"},
			"aws_iam_role.ml_training": {check.Unknown, "AmazonSageMakerFullAccess"},
			"aws_iam_user.ci":          {check.Fail, "user/ci-deployer -> iam:"},
			// PowerUserAccess denies iam:* (PassRole included): no path.
			"aws_iam_user.dev": {check.Pass, "no known privilege-escalation path"},
		}},
	}
	for _, c := range cases {
		got := map[string]check.Finding{}
		for _, f := range c.c.Evaluate(inv) {
			got[f.Resource.Address] = f
		}
		for addr, w := range c.want {
			f, ok := got[addr]
			if !ok {
				t.Errorf("%s: no finding on %s (got %d findings)", c.c.ID, addr, len(got))
				continue
			}
			text := f.Message
			for _, e := range f.Evidence {
				text += "\n" + e.Detail
			}
			if f.Status != w.status || !strings.Contains(text, w.text) {
				t.Errorf("%s on %s: %s %q, want %s with %q", c.c.ID, addr, f.Status, text, w.status, w.text)
			}
			if strings.Contains(text, "assuming no SCP") {
				t.Errorf("%s on %s: SCP assumption printed for IaC", c.c.ID, addr)
			}
		}
		if len(got) != len(c.want) && c.c != iamPrivilegeEscalation { // admins are skipped there
			t.Errorf("%s: %d findings, want %d", c.c.ID, len(got), len(c.want))
		}
	}
}

// TestIAMEngineIaCPrincipalsCloudFormation: the same through a template
// (roles without RoleName get a generated name; partition via !Sub).
func TestIAMEngineIaCPrincipalsCloudFormation(t *testing.T) {
	inv, _, err := cloudformation.Load([]string{filepath.Join("testdata", "iac-principals-cfn", "iam.yaml")}, cloudformation.Options{})
	if err != nil {
		t.Fatal(err)
	}
	inv.Index()
	want := map[string]check.Status{"BreakGlassRole": check.Fail, "DeveloperRole": check.Pass, "DataScienceRole": check.Unknown}
	got := map[string]check.Status{}
	for _, f := range iamPrincipalEffectiveAdmin.Evaluate(inv) {
		got[f.Resource.Address] = f.Status
	}
	for addr, st := range want {
		if got[addr] != st {
			t.Errorf("%s: %q, want %s (all: %v)", addr, got[addr], st, got)
		}
	}
}
