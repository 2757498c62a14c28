package terraform

import (
	"strings"
	"testing"

	"github.com/cloudward/cloudward/internal/check"
)

// Override files are merged as Terraform does: attribute by attribute into
// the block with the same address, nested block types replaced as a whole,
// locals value by value, override files in lexical order after the others.
func TestOverrideFiles(t *testing.T) {
	const dir = "testdata/eval/override"
	res := loadTree(t, dir, Options{})
	// The only warning: the override of a block that does not exist.
	if len(res.Warnings) != 1 || res.Warnings[0].File != dir+"/override.tf" || res.Warnings[0].Line != 29 ||
		!strings.Contains(res.Warnings[0].Message, `"aws_s3_bucket" "ghost" has no original block`) {
		t.Errorf("warnings:\n%s\nwant one for aws_s3_bucket.ghost at override.tf:29", warningsText(res))
	}
	inv := res.Inventory
	if len(inv.KMSKeys) != 1 || len(inv.SecurityGroups) != 2 || len(inv.DBInstances) != 1 || len(inv.Buckets) != 0 {
		t.Fatalf("override blocks must not add resources: %d keys, %d groups, %d databases, %d buckets",
			len(inv.KMSKeys), len(inv.SecurityGroups), len(inv.DBInstances), len(inv.Buckets))
	}
	fs := run(t, inv)

	// Attribute merged: the override's value, evidence in the override
	// file, the resource still located at its original block.
	f := want(t, fs, "aws-kms-key-rotation-disabled", "aws_kms_key.app", check.Fail)
	if loc := f.Resource.Location; loc == nil || loc.File != dir+"/main.tf" || loc.StartLine != 9 || loc.EndLine != 12 {
		t.Errorf("location %+v, want main.tf:9-12", f.Resource.Location)
	}
	if len(f.Evidence) == 0 || f.Evidence[0].Source.File != dir+"/override.tf" || f.Evidence[0].Source.StartLine != 4 {
		t.Errorf("evidence %+v, want override.tf:4", f.Evidence)
	}

	// Nested block type replaced: the override's ingress is the only one.
	want(t, fs, "aws-ec2-sg-ssh-open", "aws_security_group.web", check.Fail)
	for _, g := range inv.SecurityGroups {
		if g.Address != "aws_security_group.web" {
			continue
		}
		rules, _ := g.Ingress.Get()
		if len(rules) != 1 || rules[0].FromPort != 22 {
			t.Errorf("web ingress %+v, want only the override's port 22 rule", rules)
		}
	}

	// A local overridden value by value reaches a dynamic block.
	want(t, fs, "aws-ec2-sg-ssh-open", "aws_security_group.admin", check.Fail)
	want(t, fs, "aws-ec2-sg-rdp-open", "aws_security_group.admin", check.Fail)

	// Two override files: the later one (lexical order) wins; attributes
	// no override names are kept.
	want(t, fs, "aws-rds-instance-public", "aws_db_instance.orders", check.Pass)
	want(t, fs, "aws-rds-storage-unencrypted", "aws_db_instance.orders", check.Pass)
}

func TestIsOverrideFile(t *testing.T) {
	for name, want := range map[string]bool{
		"override.tf": true, "dev_override.tf": true, "override.tf.json": true, "x_override.tf.json": true,
		"override.tofu": true, "main.tf": false, "overrides.tf": false, "my-override.tf": false, "override_x.tf": false,
	} {
		if got := isOverrideFile("a/b/" + name); got != want {
			t.Errorf("isOverrideFile(%s) = %v, want %v", name, got, want)
		}
	}
}
