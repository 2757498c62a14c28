// Package iac finds the infrastructure-as-code files under the paths a scan
// is given: Terraform folders, CloudFormation templates and Terraform plan
// JSON, told apart by content rather than by name. It skips .git/ and
// .terraform/ (called registry modules are read through the module
// manifest by the Terraform source), what --skip-path names, and files it
// must not read (binary, huge, symlink loops), with a warning for each.
package iac

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// DefaultMaxFileSize bounds the size of one configuration file; larger
// files are skipped with a warning.
const DefaultMaxFileSize = 8 << 20

// Options tune discovery.
type Options struct {
	// SkipPaths are globs (path.Match syntax, plus a leading **/ and a
	// trailing /**) matched against slash-separated paths relative to each
	// scanned folder, and against base names.
	SkipPaths []string
	// MaxFileSize overrides DefaultMaxFileSize when > 0.
	MaxFileSize int64
	// IsCloudFormation reports whether a YAML/JSON file is a template;
	// nil treats none as one.
	IsCloudFormation func([]byte) bool
}

// Warning is a file or folder that was skipped, and why.
type Warning struct {
	File    string
	Message string
}

func (w Warning) String() string { return w.File + ": " + w.Message }

// Tree is what discovery found.
type Tree struct {
	// Terraform maps each folder holding Terraform files to them, sorted.
	Terraform map[string][]string
	// CloudFormation lists templates, sorted.
	CloudFormation []string
	// Plans lists Terraform plan JSON files (terraform show -json), sorted.
	Plans []string
	// Files counts every regular file looked at.
	Files int
}

// Discover walks paths (files or folders). A path that does not exist is
// an error; everything else that goes wrong is a warning.
func Discover(paths []string, opts Options) (*Tree, []Warning, error) {
	d := &discoverer{opts: opts, tree: &Tree{Terraform: map[string][]string{}}}
	if d.opts.MaxFileSize <= 0 {
		d.opts.MaxFileSize = DefaultMaxFileSize
	}
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil, nil, fmt.Errorf("%s: no such file or directory", p)
			}
			return nil, nil, fmt.Errorf("%s: %v", p, err)
		}
		if !st.IsDir() {
			d.file(p, filepath.Base(p), st, true)
			if isTerraform(filepath.Base(p)) {
				// A root module is a folder: a file named alone brings
				// its siblings (variables, locals) with it.
				d.siblings(filepath.Dir(p), filepath.Base(p))
			}
			continue
		}
		if err := d.walk(p); err != nil {
			return nil, nil, err
		}
	}
	for dir, files := range d.tree.Terraform {
		sort.Strings(files)
		d.tree.Terraform[dir] = dedupe(files)
	}
	sort.Strings(d.tree.CloudFormation)
	sort.Strings(d.tree.Plans)
	d.tree.CloudFormation = dedupe(d.tree.CloudFormation)
	d.tree.Plans = dedupe(d.tree.Plans)
	return d.tree, d.warnings, nil
}

func dedupe(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

type discoverer struct {
	opts     Options
	tree     *Tree
	warnings []Warning
}

func (d *discoverer) warn(file, format string, args ...any) {
	d.warnings = append(d.warnings, Warning{File: filepath.ToSlash(file), Message: fmt.Sprintf(format, args...)})
}

func (d *discoverer) walk(root string) error {
	return filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			d.warn(p, "not readable: %v", errors.Unwrap(err))
			if e != nil && e.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if p != root && d.skipped(rel) {
			if e.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if e.IsDir() {
			if p != root && (e.Name() == ".git" || e.Name() == ".terraform") {
				return fs.SkipDir
			}
			return nil
		}
		if e.Type()&fs.ModeSymlink != 0 {
			// Symlinked folders are not followed (no loops); a link that
			// loops or dangles is reported; a link to a file is read.
			st, err := os.Stat(p)
			switch {
			case err != nil && strings.Contains(err.Error(), "too many levels of symbolic links"):
				d.warn(p, "skipped: symlink loop")
				return nil
			case err != nil:
				d.warn(p, "skipped: broken symlink")
				return nil
			case st.IsDir():
				if interesting(e.Name()) {
					d.warn(p, "skipped: symlink to a folder is not followed")
				}
				return nil
			}
			d.file(p, e.Name(), st, false)
			return nil
		}
		if !e.Type().IsRegular() {
			return nil
		}
		st, err := e.Info()
		if err != nil {
			return nil
		}
		d.file(p, e.Name(), st, false)
		return nil
	})
}

// siblings adds the Terraform files of one folder (not recursive).
func (d *discoverer) siblings(dir, named string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.Type().IsRegular() || !isTerraform(e.Name()) || e.Name() == named {
			continue
		}
		p := filepath.Join(dir, e.Name())
		if st, err := e.Info(); err == nil {
			d.file(p, e.Name(), st, false)
		}
	}
}

// interesting reports whether a name may hold configuration.
func interesting(name string) bool {
	return isTerraform(name) || isStructured(name)
}

func isTerraform(name string) bool {
	if strings.HasPrefix(name, ".") {
		return false
	}
	return strings.HasSuffix(name, ".tf") || strings.HasSuffix(name, ".tf.json") ||
		strings.HasSuffix(name, ".tofu") || strings.HasSuffix(name, ".tofu.json")
}

// isStructured: YAML or JSON that may be a template or a plan (content
// decides which).
func isStructured(name string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	switch ext {
	case ".json", ".yaml", ".yml", ".template", ".cfn", ".tpl":
		return !strings.HasSuffix(name, ".tfvars.json") && !strings.HasSuffix(name, ".tfstate")
	}
	return false
}

// file classifies one file; explicit files (named on the command line) are
// reported when they are not configuration.
func (d *discoverer) file(p, name string, st fs.FileInfo, explicit bool) {
	if !interesting(name) {
		if explicit {
			d.warn(p, "skipped: not a Terraform, CloudFormation or plan file")
		}
		return
	}
	d.tree.Files++
	if st.Size() > d.opts.MaxFileSize {
		d.warn(p, "skipped: %d bytes is over the %d-byte limit for one file", st.Size(), d.opts.MaxFileSize)
		return
	}
	if isTerraform(name) {
		// Binary content is detected when the file is parsed (one read).
		dir := filepath.Dir(p)
		d.tree.Terraform[dir] = append(d.tree.Terraform[dir], p)
		return
	}
	data, err := os.ReadFile(p)
	if err != nil {
		d.warn(p, "not readable: %v", errors.Unwrap(err))
		return
	}
	if bytes.IndexByte(data[:min(len(data), 8000)], 0) >= 0 {
		d.warn(p, "skipped: binary file")
		return
	}
	switch {
	case isPlan(data):
		d.tree.Plans = append(d.tree.Plans, p)
	case d.opts.IsCloudFormation != nil && d.opts.IsCloudFormation(data):
		d.tree.CloudFormation = append(d.tree.CloudFormation, p)
	case explicit:
		d.warn(p, "skipped: neither a CloudFormation template nor a Terraform plan")
	}
}

// isPlan recognises `terraform show -json` output of a plan.
func isPlan(data []byte) bool {
	head := data[:min(len(data), 4096)]
	return bytes.HasPrefix(bytes.TrimSpace(head), []byte("{")) && bytes.Contains(head, []byte(`"format_version"`)) &&
		bytes.Contains(head, []byte(`"terraform_version"`)) &&
		(bytes.Contains(data, []byte(`"planned_values"`)) || bytes.Contains(data, []byte(`"resource_changes"`)))
}

// skipped reports whether a --skip-path glob matches rel.
func (d *discoverer) skipped(rel string) bool {
	for _, g := range d.opts.SkipPaths {
		if MatchGlob(g, rel) {
			return true
		}
	}
	return false
}

// MatchGlob matches a --skip-path glob against a slash-separated relative
// path: the whole path, any trailing part of it (so "modules/legacy" or
// "*.generated.tf" match at any depth), "**/" prefixes and "/**" suffixes.
func MatchGlob(glob, rel string) bool {
	glob = strings.TrimPrefix(filepath.ToSlash(glob), "./")
	glob = strings.TrimSuffix(glob, "/")
	for strings.HasPrefix(glob, "**/") {
		glob = glob[3:]
	}
	if rest, ok := strings.CutSuffix(glob, "/**"); ok {
		glob = rest
	}
	parts := strings.Split(rel, "/")
	for i := range parts {
		if ok, _ := path.Match(glob, strings.Join(parts[i:], "/")); ok {
			return true
		}
	}
	return false
}
