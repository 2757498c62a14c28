package iac

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func write(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func isCFN(data []byte) bool { return strings.Contains(string(data), "AWSTemplateFormatVersion") }

func TestDiscover(t *testing.T) {
	root := t.TempDir()
	write(t, root, map[string]string{
		"main.tf":                        `resource "aws_kms_key" "k" {}`,
		"modules/net/main.tf":            `resource "aws_vpc" "v" {}`,
		"modules/net/vars.tf.json":       `{"variable":{"x":{}}}`,
		"terraform.tfvars.json":          `{"x":1}`,
		".terraform/modules/vpc/main.tf": `resource "aws_vpc" "remote" {}`,
		".git/hooks/x.tf":                `garbage`,
		"examples/basic/main.tf":         `resource "aws_vpc" "example" {}`,
		"generated/a.generated.tf":       `resource "aws_vpc" "gen" {}`,
		"cfn/stack.yaml":                 "AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n",
		"cfn/ci.yml":                     "stages: [test]\n",
		"plan.json":                      `{"format_version":"1.2","terraform_version":"1.9.0","planned_values":{}}`,
		"big.tf":                         strings.Repeat("# padding\n", 2000),
		"README.md":                      "# docs",
	})
	if err := os.Symlink(root, filepath.Join(root, "loop")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(root, "self.yaml"), filepath.Join(root, "self.yaml")); err != nil {
		t.Fatal(err)
	}
	tree, warns, err := Discover([]string{root}, Options{SkipPaths: []string{"examples/**", "*.generated.tf"},
		MaxFileSize: 10000, IsCloudFormation: isCFN})
	if err != nil {
		t.Fatal(err)
	}
	rel := func(p string) string { r, _ := filepath.Rel(root, p); return filepath.ToSlash(r) }
	var dirs []string
	for d, files := range tree.Terraform {
		for _, f := range files {
			dirs = append(dirs, rel(f))
		}
		_ = d
	}
	want := map[string]bool{"main.tf": true, "modules/net/main.tf": true, "modules/net/vars.tf.json": true}
	if len(dirs) != len(want) {
		t.Errorf("terraform files %v, want %v", dirs, want)
	}
	for _, d := range dirs {
		if !want[d] {
			t.Errorf("unexpected terraform file %s", d)
		}
	}
	if len(tree.CloudFormation) != 1 || rel(tree.CloudFormation[0]) != "cfn/stack.yaml" {
		t.Errorf("templates %v", tree.CloudFormation)
	}
	if len(tree.Plans) != 1 || rel(tree.Plans[0]) != "plan.json" {
		t.Errorf("plans %v", tree.Plans)
	}
	var all []string
	for _, w := range warns {
		all = append(all, w.String())
	}
	text := strings.Join(all, "\n")
	for _, s := range []string{"big.tf: skipped: 20000 bytes is over the 10000-byte limit", "self.yaml: skipped: symlink loop"} {
		if !strings.Contains(text, s) {
			t.Errorf("no warning %q in:\n%s", s, text)
		}
	}
	if strings.Contains(text, "ci.yml") || strings.Contains(text, "README") {
		t.Errorf("ordinary files reported:\n%s", text)
	}
}

func TestDiscoverMissingPath(t *testing.T) {
	if _, _, err := Discover([]string{filepath.Join(t.TempDir(), "nope")}, Options{}); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("err = %v", err)
	}
}

func TestMatchGlob(t *testing.T) {
	cases := []struct {
		glob, rel string
		want      bool
	}{
		{"examples/**", "examples", true},
		{"examples/**", "modules/examples", true},
		{"**/test", "a/b/test", true},
		{"*.generated.tf", "x/y/a.generated.tf", true},
		{"modules/legacy", "modules/legacy", true},
		{"modules/legacy", "modules/legacy2", false},
		{"./infra", "infra", true},
		{"*.tf", "main.tf.json", false},
	}
	for _, c := range cases {
		if got := MatchGlob(c.glob, c.rel); got != c.want {
			t.Errorf("MatchGlob(%q, %q) = %v, want %v", c.glob, c.rel, got, c.want)
		}
	}
}

// A Terraform file named alone brings its folder's other files: the root
// module is the folder.
func TestDiscoverFileBringsFolder(t *testing.T) {
	root := t.TempDir()
	write(t, root, map[string]string{"main.tf": "", "variables.tf": "", "sub/other.tf": ""})
	tree, _, err := Discover([]string{filepath.Join(root, "main.tf")}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	files := tree.Terraform[root]
	if len(tree.Terraform) != 1 || len(files) != 2 || tree.Files != 2 {
		t.Errorf("terraform files %v (%d counted), want main.tf and variables.tf", tree.Terraform, tree.Files)
	}
}
