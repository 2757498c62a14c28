package awslive_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"gopkg.in/yaml.v3"

	"github.com/cloudward/cloudward/internal/source/awslive"
)

// orgDocSection is docs/aws-permissions.md's organization section.
func orgDocSection(t *testing.T) string {
	t.Helper()
	doc, err := os.ReadFile(filepath.Join("..", "..", "..", "docs", "aws-permissions.md"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)## Organization scanning.*?\n## ").Find(doc)
	if m == nil {
		t.Fatal(`docs/aws-permissions.md: no "## Organization scanning" section`)
	}
	return string(m)
}

func codeBlock(t *testing.T, section, lang string) string {
	t.Helper()
	m := regexp.MustCompile("(?s)```" + lang + "\n(.*?)```").FindStringSubmatch(section)
	if m == nil {
		t.Fatalf("docs/aws-permissions.md organization section: no %s block", lang)
	}
	return m[1]
}

// TestOrgPolicyDocMatchesCalls: the organization section's caller policy
// grants exactly what an organization scan calls as the scanning identity
// (everything else is called with each member role's credentials), the
// role ARN pattern names the --org-role, and the CloudFormation and
// Terraform snippets parse and create that role trusting the scanner.
func TestOrgPolicyDocMatchesCalls(t *testing.T) {
	sec := orgDocSection(t)
	var pol struct {
		Statement []struct {
			Effect, Action, Resource string
		}
	}
	if err := json.Unmarshal([]byte(codeBlock(t, sec, "json")), &pol); err != nil {
		t.Fatalf("caller policy JSON: %v", err)
	}
	granted := map[string]string{"sts:GetCallerIdentity": "*"} // always allowed
	for _, st := range pol.Statement {
		if st.Effect != "Allow" {
			t.Errorf("statement effect %q", st.Effect)
		}
		granted[st.Action] = st.Resource
	}
	const role = "cloudward-audit" // collectOrg's --org-role
	if r := granted["sts:AssumeRole"]; r != "arn:aws:iam::*:role/"+role {
		t.Errorf("sts:AssumeRole resource %q, want the org role in every account", r)
	}

	_, _, srv := collectOrg(t, orgScenario(t), awslive.Options{Parallel: 8})
	var called []string
	for _, sp := range srv.Timeline() {
		if sp.AccessKeyID != testKeyID {
			continue // a member role's call
		}
		action := sp.Service + ":" + sp.Action
		if !slices.Contains(called, action) {
			called = append(called, action)
		}
	}
	slices.Sort(called)
	var want []string
	for a := range granted {
		want = append(want, a)
	}
	slices.Sort(want)
	if !slices.Equal(called, want) {
		t.Errorf("the scanning identity called %q; the documented caller policy grants %q", called, want)
	}

	// CloudFormation: valid YAML (with CloudFormation's short tags), the
	// role named as in the doc, trusting the scanner account's root.
	var cfn struct {
		Resources map[string]struct {
			Type       string `yaml:"Type"`
			Properties struct {
				RoleName                 string `yaml:"RoleName"`
				AssumeRolePolicyDocument struct {
					Statement []struct {
						Action    string `yaml:"Action"`
						Principal struct {
							AWS yaml.Node `yaml:"AWS"`
						} `yaml:"Principal"`
					} `yaml:"Statement"`
				} `yaml:"AssumeRolePolicyDocument"`
			} `yaml:"Properties"`
		} `yaml:"Resources"`
	}
	if err := yaml.Unmarshal([]byte(codeBlock(t, sec, "yaml")), &cfn); err != nil {
		t.Fatalf("CloudFormation snippet: %v", err)
	}
	r, ok := cfn.Resources["CloudwardAuditRole"]
	if !ok || r.Type != "AWS::IAM::Role" || r.Properties.RoleName != role ||
		len(r.Properties.AssumeRolePolicyDocument.Statement) != 1 ||
		r.Properties.AssumeRolePolicyDocument.Statement[0].Action != "sts:AssumeRole" ||
		!strings.Contains(r.Properties.AssumeRolePolicyDocument.Statement[0].Principal.AWS.Value, "${ScannerAccountId}:root") {
		t.Errorf("CloudFormation role = %+v", r)
	}

	// Terraform: valid HCL with the role and its policy from the file.
	src := codeBlock(t, sec, "hcl")
	f, diags := hclsyntax.ParseConfig([]byte(src), "aws-permissions.md.tf", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatalf("Terraform snippet: %v", diags)
	}
	var blocks []string
	for _, b := range f.Body.(*hclsyntax.Body).Blocks {
		blocks = append(blocks, b.Type+" "+strings.Join(b.Labels, "."))
	}
	for _, want := range []string{"resource aws_iam_role.cloudward_audit", "resource aws_iam_role_policy.cloudward_readonly"} {
		if !slices.Contains(blocks, want) {
			t.Errorf("Terraform snippet has no %s (blocks %q)", want, blocks)
		}
	}
	if !strings.Contains(src, `name                 = "`+role+`"`) || !strings.Contains(src, `file("${path.module}/cloudward-readonly.json")`) {
		t.Errorf("Terraform snippet does not create role %s with the documented policy file", role)
	}
}
