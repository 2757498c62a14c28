package terraform

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/cloudward/cloudward/internal/check"
	awschecks "github.com/cloudward/cloudward/internal/checks/aws"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// Module inputs flow down two levels and outputs flow back up: the open
// SSH rule exists only once the root's variable default reaches the nested
// module's dynamic block.
func TestModulesInputsAndOutputs(t *testing.T) {
	res := loadTree(t, "testdata/eval/modules", Options{})
	if len(res.Warnings) > 0 {
		t.Fatalf("warnings:\n%s", warningsText(res))
	}
	if len(res.Roots) != 1 || res.Roots[0] != "testdata/eval/modules" {
		t.Fatalf("roots %v, want only testdata/eval/modules (the others are called modules)", res.Roots)
	}
	fs := run(t, res.Inventory)
	f := want(t, fs, "aws-ec2-sg-ssh-open", "module.edge.module.sg.aws_security_group.this", check.Fail)
	if loc := f.Resource.Location; loc == nil || loc.File != "testdata/eval/modules/modules/sg/main.tf" || loc.StartLine != 13 || loc.EndLine != 25 {
		t.Errorf("location %+v", f.Resource.Location)
	}
	calls := f.Resource.ModuleCalls
	if len(calls) != 2 || calls[0].File != "testdata/eval/modules/main.tf" || calls[0].StartLine != 11 || calls[0].EndLine != 14 ||
		calls[1].File != "testdata/eval/modules/modules/edge/main.tf" || calls[1].StartLine != 5 || calls[1].EndLine != 10 {
		t.Errorf("module calls %+v, want main.tf:11-14 then modules/edge/main.tf:5-10", calls)
	}
	// Outputs back to the root: a bucket named by a module output, an
	// instance whose IMDS setting comes from a module output.
	var names []string
	for _, b := range res.Inventory.Buckets {
		names = append(names, b.Name)
	}
	if len(names) != 1 || names[0] != "acme-prod-logs" {
		t.Errorf("bucket names %v, want [acme-prod-logs] from module.names.log_bucket", names)
	}
	want(t, fs, "aws-ec2-instance-imdsv1", "aws_instance.bastion", check.Pass)
	if got := res.Inventory.Instances[0].SecurityGroupIDs; len(got) != 1 || got[0] != "module.edge.module.sg.aws_security_group.this" {
		t.Errorf("instance security groups %v, want the module's group address", got)
	}
	// The same tree with a narrow CIDR passes: the value really flows.
	res = loadTree(t, "testdata/eval/modules", Options{Vars: []string{"admin_cidr=10.20.0.0/16"}})
	want(t, run(t, res.Inventory), "aws-ec2-sg-ssh-open", "module.edge.module.sg.aws_security_group.this", check.Pass)
}

// Variable precedence: default < TF_VAR_ < terraform.tfvars < *.auto.tfvars
// < --var-file < --var.
func TestVariablePrecedence(t *testing.T) {
	const dir = "testdata/eval/tfvars"
	cases := []struct {
		name string
		opts Options
		ssh  check.Status
	}{
		{"auto.tfvars beats terraform.tfvars and the default", Options{}, check.Fail},
		{"TF_VAR_ is below the files", Options{Getenv: func(k string) string { return map[string]string{"TF_VAR_ssh_cidr": "172.16.0.0/12"}[k] }}, check.Fail},
		{"--var-file beats auto files", Options{VarFiles: []string{dir + "/restrict.tfvars"}}, check.Pass},
		{"--var beats --var-file", Options{VarFiles: []string{dir + "/restrict.tfvars"}, Vars: []string{"ssh_cidr=0.0.0.0/0"}}, check.Fail},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := loadTree(t, dir, c.opts)
			fs := run(t, res.Inventory)
			want(t, fs, "aws-ec2-sg-ssh-open", "aws_security_group.admin", c.ssh)
			// terraform.tfvars turns off the encryption the default asked for.
			f := want(t, fs, "aws-ec2-ebs-volume-unencrypted", "aws_ebs_volume.data", check.Fail)
			if f.Evidence[0].Source.StartLine != 25 {
				t.Errorf("evidence %+v, want the encrypted attribute (line 25)", f.Evidence)
			}
		})
	}
	// The default aws provider's region (from a variable) is the
	// resources' region; the aliased provider does not count.
	res0 := loadTree(t, dir, Options{})
	if r := res0.Inventory.SecurityGroups[0].Region; r != "eu-west-1" {
		t.Errorf("region %q, want eu-west-1 from provider \"aws\"", r)
	}
	// A typed --var is parsed as HCL: "true" is a bool.
	res := loadTree(t, dir, Options{Vars: []string{"encrypt_volumes=true"}})
	want(t, run(t, res.Inventory), "aws-ec2-ebs-volume-unencrypted", "aws_ebs_volume.data", check.Pass)
}

// count and for_each: instances with their own addresses and values.
func TestCountAndForEach(t *testing.T) {
	res := loadTree(t, "testdata/eval/expand", Options{})
	if len(res.Warnings) > 0 {
		t.Fatalf("warnings:\n%s", warningsText(res))
	}
	fs := run(t, res.Inventory)
	want(t, fs, "aws-s3-bucket-public-acl", `aws_s3_bucket.this["site"]`, check.Fail)
	want(t, fs, "aws-s3-bucket-public-acl", `aws_s3_bucket.this["logs"]`, check.Pass)
	want(t, fs, "aws-ec2-ebs-volume-unencrypted", "aws_ebs_volume.disk[0]", check.Pass)
	want(t, fs, "aws-ec2-ebs-volume-unencrypted", "aws_ebs_volume.disk[1]", check.Fail)
	want(t, fs, "aws-kms-key-rotation-disabled", `aws_kms_key.per_env["dev"]`, check.Fail)
	want(t, fs, "aws-kms-key-rotation-disabled", `aws_kms_key.per_env["prod"]`, check.Pass)
	res = loadTree(t, "testdata/eval/expand", Options{Vars: []string{"volume_count=3"}})
	want(t, run(t, res.Inventory), "aws-ec2-ebs-volume-unencrypted", "aws_ebs_volume.disk[2]", check.Fail)
}

// A dynamic block generates the rule that opens RDP; the filtered-out
// rule does not exist.
func TestDynamicBlock(t *testing.T) {
	res := loadTree(t, "testdata/eval/dynamic", Options{})
	fs := run(t, res.Inventory)
	f := want(t, fs, "aws-ec2-sg-rdp-open", "aws_security_group.app", check.Fail)
	if f.Evidence[0].Source.StartLine != 12 || f.Evidence[0].Source.EndLine != 21 {
		t.Errorf("evidence %+v, want the dynamic block (lines 12-21)", f.Evidence)
	}
	want(t, fs, "aws-ec2-sg-db-ports-open", "aws_security_group.app", check.Pass)
	rules, _ := res.Inventory.SecurityGroups[0].Ingress.Get()
	if len(rules) != 2 {
		t.Errorf("%d ingress rules, want 2 (443 and 3389)", len(rules))
	}
}

// Values that cannot be known make UNKNOWN, naming what they wait for.
func TestUnresolvedIsUnknownNotFail(t *testing.T) {
	res := loadTree(t, "testdata/eval/unknown", Options{})
	fs := run(t, res.Inventory)
	cases := []struct{ id, addr, reason string }{
		{"aws-ec2-sg-ssh-open", "aws_security_group.admin", "var.admin_cidr has no value"},
		{"aws-ec2-sg-ssh-open", "aws_security_group.mixed", "var.admin_cidr has no value"},
		{"aws-kms-key-rotation-disabled", "aws_kms_key.data", "var.rotate_keys has no value"},
		{"aws-ec2-ebs-volume-unencrypted", "aws_ebs_volume.data", "data.aws_ebs_default_kms_key.current.key_arn is read from the provider"},
	}
	for _, c := range cases {
		f := want(t, fs, c.id, c.addr, check.Unknown)
		if !strings.Contains(f.Message, c.reason) {
			t.Errorf("%s %s: message %q does not name %q", c.id, c.addr, f.Message, c.reason)
		}
	}
	// The unknown rule waits on its peers only: its known port (22) cannot
	// open every port or RDP, and the group's known RDP rule still fails.
	want(t, fs, "aws-ec2-sg-all-ports-open", "aws_security_group.admin", check.Pass)
	want(t, fs, "aws-ec2-sg-rdp-open", "aws_security_group.mixed", check.Fail)
	// Once the variable has a value the check decides.
	res = loadTree(t, "testdata/eval/unknown", Options{Vars: []string{"admin_cidr=0.0.0.0/0", "rotate_keys=true"}})
	fs = run(t, res.Inventory)
	want(t, fs, "aws-ec2-sg-ssh-open", "aws_security_group.admin", check.Fail)
	want(t, fs, "aws-kms-key-rotation-disabled", "aws_kms_key.data", check.Pass)
}

// Cycles, self-calling modules, missing modules, huge counts and full port
// ranges finish quickly, with warnings.
func TestHostileConfigurations(t *testing.T) {
	start := time.Now()
	res := loadTree(t, "testdata/eval/hostile", Options{})
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
	w := warningsText(res)
	for _, s := range []string{
		"reference cycle through local.",
		"module.self calls itself (recursive module)",
		`module.vpc is not available (source "terraform-aws-modules/vpc/aws" not downloaded: run terraform init)`,
		"count 100000 is over the limit of 10000 instances",
	} {
		if !strings.Contains(w, s) {
			t.Errorf("no warning %q in:\n%s", s, w)
		}
	}
	// The missing module inside three module instances is reported once.
	if n := strings.Count(w, "does-not-exist"); n != 1 {
		t.Errorf("missing nested module reported %d times, want once:\n%s", n, w)
	}
	fs := run(t, res.Inventory)
	want(t, fs, "aws-ec2-sg-all-ports-open", "aws_security_group.all_ports", check.Fail)
	if n := len(res.Inventory.Volumes); n != 10000 {
		t.Errorf("%d volumes, want the 10000 cap", n)
	}
}

// Invalid HCL is a warning with file:line:column; the rest is scanned.
func TestInvalidHCL(t *testing.T) {
	res := loadTree(t, "testdata/eval/badhcl", Options{})
	w := warningsText(res)
	if !strings.Contains(w, "testdata/eval/badhcl/broken.tf:4:") {
		t.Errorf("warnings do not locate the error in broken.tf line 4:\n%s", w)
	}
	want(t, run(t, res.Inventory), "aws-kms-key-rotation-disabled", "aws_kms_key.ok", check.Fail)
}

// Built-in functions: templatefile, cidrsubnet, jsondecode, lower; file()
// outside the scanned tree is refused.
func TestFunctions(t *testing.T) {
	res := loadTree(t, "testdata/eval/functions", Options{})
	fs := run(t, res.Inventory)
	f := want(t, fs, "aws-s3-bucket-public-policy", "aws_s3_bucket.assets", check.Fail)
	if !strings.Contains(f.Evidence[0].Detail, "PublicAssets") {
		t.Errorf("evidence %+v does not name the templated statement", f.Evidence)
	}
	want(t, fs, "aws-ec2-sg-db-ports-open", "aws_security_group.internal", check.Fail)
	sg := res.Inventory.SecurityGroups[0]
	rules, _ := sg.Ingress.Get()
	if sg.Name != "internal-3" || len(rules) != 1 || rules[0].IPv4Ranges[0] != "10.0.2.0/24" {
		t.Errorf("group %q rules %+v: cidrsubnet/length not evaluated", sg.Name, rules)
	}
	if res.Inventory.Buckets[0].Name != "acme-assets" {
		t.Errorf("bucket %q, want lower() applied", res.Inventory.Buckets[0].Name)
	}
	p := res.Inventory.Policies[0].Versions[0].Document
	if p.Known() || !strings.Contains(p.Reason(), "outside the scanned tree") {
		t.Errorf("file() outside the tree: %v, want unknown naming the confinement", p)
	}
}

// Terraform JSON syntax: nested blocks are objects or lists of objects.
func TestJSONSyntax(t *testing.T) {
	res := loadTree(t, "testdata/eval/json", Options{})
	if len(res.Warnings) > 0 {
		t.Fatalf("warnings:\n%s", warningsText(res))
	}
	fs := run(t, res.Inventory)
	want(t, fs, "aws-ec2-sg-ssh-open", "aws_security_group.admin", check.Fail)
	want(t, fs, "aws-kms-key-rotation-disabled", "aws_kms_key.app", check.Pass)
	want(t, fs, "aws-ec2-instance-imdsv1", "aws_instance.web", check.Pass)
}

// Terraform plan JSON: planned values as Terraform evaluated them,
// after_unknown attributes unknown, companions joined through the
// configuration's references.
func TestPlanJSON(t *testing.T) {
	res, err := LoadWithPlans(nil, []string{"testdata/plan/plan.json"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Warnings) > 0 {
		t.Fatalf("warnings:\n%s", warningsText(res))
	}
	fs := run(t, res.Inventory)
	want(t, fs, "aws-ec2-sg-ssh-open", "aws_security_group.web", check.Fail)
	// The standalone rule joins its group through the configuration.
	want(t, fs, "aws-ec2-sg-rdp-open", "aws_security_group.web", check.Fail)
	if len(res.Inventory.SecurityGroups) != 1 {
		t.Errorf("%d groups, want 1 (the rule joined its group)", len(res.Inventory.SecurityGroups))
	}
	want(t, fs, "aws-kms-key-rotation-disabled", "aws_kms_key.logs", check.Pass)
	f := want(t, fs, "aws-ec2-ebs-volume-unencrypted", `module.storage.aws_ebs_volume.data["a"]`, check.Fail)
	if f.Resource.Location == nil || f.Resource.Location.File != "testdata/plan/plan.json" {
		t.Errorf("location %+v, want the plan file", f.Resource.Location)
	}
	f = want(t, fs, "aws-s3-bucket-tls-not-enforced", "aws_s3_bucket.assets", check.Unknown)
	if !strings.Contains(f.Message, "aws_s3_bucket_policy.assets.policy is known only after apply") {
		t.Errorf("message %q does not say the policy is known only after apply", f.Message)
	}
	// A broken plan is a positioned warning.
	dir := t.TempDir()
	bad := dir + "/plan.json"
	if err := os.WriteFile(bad, []byte("{\n  \"format_version\": \"1.2\",\n  \"planned_values\": {,\n}"), 0o600); err != nil {
		t.Fatal(err)
	}
	res, _ = LoadWithPlans(nil, []string{bad}, Options{})
	if w := warningsText(res); !strings.Contains(w, "plan.json:3:") {
		t.Errorf("warnings %q do not locate the error", w)
	}
}

// Registry and git modules come from .terraform/modules/modules.json; a
// module that is not downloaded is reported once and what it feeds is
// unknown, naming it.
func TestRegistryModules(t *testing.T) {
	const dir = "testdata/eval/registry"
	res, err := Load(map[string][]string{dir: {dir + "/main.tf"}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	w := warningsText(res)
	if strings.Count(w, "module.not_downloaded is not available") != 1 || strings.Count(w, "\n") != 1 {
		t.Errorf("warnings, want exactly one about module.not_downloaded:\n%s", w)
	}
	fs := run(t, res.Inventory)
	f := want(t, fs, "aws-ec2-sg-ssh-open", "module.web_sg.aws_security_group.this", check.Fail)
	if len(f.Resource.ModuleCalls) != 1 || f.Resource.ModuleCalls[0].StartLine != 1 || f.Resource.ModuleCalls[0].EndLine != 8 {
		t.Errorf("module calls %+v, want main.tf:1-8", f.Resource.ModuleCalls)
	}
	if loc := f.Resource.Location; loc == nil || loc.File != dir+"/.terraform/modules/web_sg/main.tf" {
		t.Errorf("location %+v, want the downloaded module's file", loc)
	}
	f = want(t, fs, "aws-ec2-sg-db-ports-open", "aws_security_group_rule.from_network", check.Unknown)
	if !strings.Contains(f.Message, "module.not_downloaded is not available") {
		t.Errorf("message %q does not name the missing module", f.Message)
	}
}

// Every fixture tree at once: many roots evaluated concurrently (run with
// -race); addresses repeat across roots, locations tell them apart.
func TestManyRootsConcurrently(t *testing.T) {
	res := loadTree(t, "testdata/eval", Options{MaxInstances: 50})
	if len(res.Roots) < 10 {
		t.Fatalf("roots %v, want every fixture folder", res.Roots)
	}
	fs, err := check.Run(context.Background(), check.Input{AWS: []*awsm.Inventory{res.Inventory}}, awschecks.Checks())
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]check.Status{}
	for _, f := range fs {
		got[f.Check.ID+" "+f.Resource.Location.File+" "+f.Resource.Address] = f.Status
	}
	for key, status := range map[string]check.Status{
		"aws-ec2-sg-ssh-open testdata/eval/modules/modules/sg/main.tf module.edge.module.sg.aws_security_group.this": check.Fail,
		"aws-ec2-sg-ssh-open testdata/eval/tfvars/main.tf aws_security_group.admin":                                  check.Fail,
		"aws-ec2-sg-ssh-open testdata/eval/unknown/main.tf aws_security_group.admin":                                 check.Unknown,
		"aws-ec2-sg-rdp-open testdata/eval/dynamic/main.tf aws_security_group.app":                                   check.Fail,
	} {
		if got[key] != status {
			t.Errorf("%s: %q, want %s", key, got[key], status)
		}
	}
}
