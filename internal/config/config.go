// Package config reads cloudward.yaml: scan targets, the schedule, the
// database, the mutelist, alert routes, and defaults for any scan flag.
//
// ${VAR} references are resolved from the environment at load, so that
// secrets (webhook URLs, routing keys, database passwords) live in the
// environment, not in the file. Secret values are held as Secret, which
// never renders its value, and errors never quote a value that came from
// the environment. Every error names the file and line. docs/config.md is
// the reference; examples/cloudward.yaml is an annotated example.
package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
	"github.com/spf13/pflag"
	"gopkg.in/yaml.v3"

	"github.com/cloudward/cloudward/internal/alert"
	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/mutelist"
)

// FileName is the config file's default name.
const FileName = "cloudward.yaml"

// Secret is a value that must not be printed: every rendering is
// "[redacted]". Reveal returns the value for use.
type Secret string

const redacted = "[redacted]"

func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return redacted
}

// GoString keeps %#v from printing the value.
func (s Secret) GoString() string { return strconv.Quote(s.String()) }

// MarshalText keeps encoders from writing the value.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Reveal returns the secret value.
func (s Secret) Reveal() string { return string(s) }

// Config is a loaded config file.
type Config struct {
	// File is the path the config was read from.
	File    string
	Version int
	Targets []Target
	// Schedule is a cron expression (5 fields, or @hourly, @daily,
	// @every 6h); empty means no schedule.
	Schedule string
	// Database is the SQLite path or PostgreSQL URL; empty for the
	// default. A secret: PostgreSQL URLs carry passwords.
	Database Secret
	// Mutelist is the mutelist, from a file or written inline; nil without.
	Mutelist *mutelist.List
	// MutelistFile is the mutelist's path when it is a file.
	MutelistFile string
	// Flags are defaults for command-line flags, by flag name.
	Flags map[string]FlagValue
	// Alerts are the alert destinations and rules.
	Alerts Alerts
	// Queue sets where `serve` sends scheduled scans and how many jobs a
	// worker runs; the zero value scans in the serve process.
	Queue Queue
	// Retention is how long stored scans are kept (serve, prune).
	Retention Retention
	// Commands are flag defaults for the other commands, by section
	// (serve, worker, history, diff, findings, prune), then flag name.
	Commands map[string]map[string]FlagValue
}

// Queue is the `queue:` setting: `queue: postgres`, or a mapping with type
// and concurrency. The queue lives in the scan database (database, --db).
type Queue struct {
	// Type is "" (serve scans itself) or "postgres".
	Type string
	// Concurrency is the number of jobs a worker runs at once; 0 for the
	// worker's default.
	Concurrency int
	Line        int
}

// Retention is the `retention:` setting; zero fields do not prune.
type Retention struct {
	// Days keeps the scans finished in the last Days days.
	Days int
	// Scans keeps the newest Scans scans of each target.
	Scans int
	Line  int
}

// CommandSections are the sections of flag defaults besides scan.
var CommandSections = []string{"serve", "worker", "history", "diff", "findings", "prune"}

// FlagValue is a flag default from the file.
type FlagValue struct {
	Values []string
	Line   int
	// FromEnv is true when a value came from ${VAR}: errors do not quote it.
	FromEnv bool
}

// Target is one thing to scan: exactly one of AWS, Snapshot and IaC is set.
type Target struct {
	Name string
	Line int
	AWS  *AWSTarget
	// Snapshot and IaC are paths, relative paths resolved against the
	// config file's directory.
	Snapshot string
	IaC      string
}

// AWSTarget is a live AWS target.
type AWSTarget struct {
	Profile string
	Regions []string
	// Accounts are the account IDs to scan through Role; empty means the
	// profile's own account.
	Accounts []string
	// Organization scans every active account of the organization the
	// profile's account manages, through Role.
	Organization bool
	Role         string
	ExternalID   Secret
	// EndpointURL sends every AWS call to an emulator (LocalStack, a
	// test fake), like scan aws --endpoint-url.
	EndpointURL string
}

// Alerts are alert destinations and the rules that route to them.
type Alerts struct {
	Destinations []alert.Destination
	Rules        []alert.Rule
}

// Dispatcher builds the alert dispatcher.
func (a *Alerts) Dispatcher() (*alert.Dispatcher, error) {
	return alert.NewDispatcher(a.Destinations, a.Rules)
}

// Error is a problem of the config file at a line.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return e.File + ": " + e.Msg
}

// Locate finds the config file: explicit (from --config) when set, which
// must then exist; else ./cloudward.yaml if present; else
// $XDG_CONFIG_HOME/cloudward/cloudward.yaml (default ~/.config) if present;
// else "" (no config file).
func Locate(explicit string, getenv func(string) string) (string, error) {
	if explicit != "" {
		if _, err := os.Stat(explicit); err != nil {
			return "", fmt.Errorf("--config: %w", err)
		}
		return explicit, nil
	}
	candidates := []string{FileName}
	dir := getenv("XDG_CONFIG_HOME")
	if dir == "" {
		if home := getenv("HOME"); home != "" {
			dir = filepath.Join(home, ".config")
		}
	}
	if dir != "" {
		candidates = append(candidates, filepath.Join(dir, "cloudward", FileName))
	}
	for _, c := range candidates {
		if st, err := os.Stat(c); err == nil && !st.IsDir() {
			return c, nil
		}
	}
	return "", nil
}

// Load reads and validates a config file; lookup resolves ${VAR}
// references (os.LookupEnv in production). All problems are reported, each
// with its line.
func Load(path string, lookup func(string) (string, bool)) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data, lookup)
}

// Parse reads a config from data; name is used in errors and to resolve
// relative paths.
func Parse(name string, data []byte, lookup func(string) (string, bool)) (*Config, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		line, msg := mutelist.YAMLError(err)
		return nil, &Error{File: name, Line: line, Msg: msg}
	}
	p := &parser{file: name, fromEnv: map[*yaml.Node]bool{}}
	c := &Config{File: name, Version: 1, Flags: map[string]FlagValue{}, Commands: map[string]map[string]FlagValue{}}
	if len(doc.Content) == 0 {
		return c, nil // an empty file is a valid, empty config
	}
	root := doc.Content[0]
	p.expand(root, lookup)
	if err := p.err(); err != nil {
		return nil, err
	}
	if root.Kind != yaml.MappingNode {
		p.errf(root, "want a mapping of settings, got %s", p.show(root))
		return nil, p.err()
	}
	var alertsNode *yaml.Node
	p.mapping(root, "", func(key string, k, v *yaml.Node) {
		switch key {
		case "version":
			if s, ok := p.scalar(key, v); ok && s != "1" {
				p.errf(v, "version: unsupported version %s (this cloudward reads version 1)", p.show(v))
			}
		case "targets":
			p.targets(c, v)
		case "schedule":
			if s, ok := p.scalar(key, v); ok {
				if _, err := cron.ParseStandard(s); err != nil {
					p.errf(v, "schedule: %s is not a cron expression: %v", p.show(v), err)
				} else {
					c.Schedule = s
				}
			}
		case "database":
			if s, ok := p.scalar(key, v); ok {
				c.Database = Secret(s)
			}
		case "mutelist":
			p.mutelist(c, v)
		case "scan":
			p.flags(c, v)
		case "alerts":
			alertsNode = v
		case "queue":
			p.queue(c, v)
		case "retention":
			p.retention(c, v)
		case "serve", "worker", "history", "diff", "findings", "prune":
			c.Commands[key] = p.sectionFlags(key, v)
		default:
			p.errf(k, "unknown key %q (want version, targets, schedule, database, mutelist, queue, retention, alerts, "+
				"or flag defaults: scan, serve, worker, history, diff, findings, prune)", key)
		}
	})
	if alertsNode != nil {
		p.alerts(c, alertsNode)
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	return c, nil
}

type parser struct {
	file string
	errs []error
	// fromEnv marks scalars with a ${VAR} reference: their values are never
	// quoted in errors.
	fromEnv map[*yaml.Node]bool
}

func (p *parser) errf(n *yaml.Node, format string, args ...any) {
	p.errs = append(p.errs, &Error{File: p.file, Line: n.Line, Msg: fmt.Sprintf(format, args...)})
}

func (p *parser) err() error { return errors.Join(p.errs...) }

// show renders a node for an error message without revealing values that
// came from the environment.
func (p *parser) show(n *yaml.Node) string {
	switch {
	case p.fromEnv[n]:
		return "(a value from the environment)"
	case n.Kind == yaml.MappingNode:
		return "a mapping"
	case n.Kind == yaml.SequenceNode:
		return "a list"
	case n.Kind == yaml.AliasNode:
		return "an alias"
	case n.Tag == "!!null":
		return "nothing"
	}
	return strconv.Quote(n.Value)
}

var envRef = regexp.MustCompile(`\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$\{[^}]*\}?`)

// expand resolves ${VAR} in every scalar; $$ is a literal $.
func (p *parser) expand(n *yaml.Node, lookup func(string) (string, bool)) {
	if n.Kind == yaml.ScalarNode && strings.Contains(n.Value, "$") {
		hasRef := false
		n.Value = envRef.ReplaceAllStringFunc(n.Value, func(m string) string {
			if m == "$$" {
				return "$"
			}
			sub := envRef.FindStringSubmatch(m)
			if sub[1] == "" {
				p.errf(n, "bad environment reference %q (want ${NAME})", m)
				return m
			}
			hasRef = true
			v, ok := lookup(sub[1])
			if !ok {
				p.errf(n, "environment variable %s is not set", sub[1])
			}
			return v
		})
		if hasRef {
			p.fromEnv[n] = true
			if n.Tag != "!!str" {
				n.Tag = "!!str" // the value, not its ${} text, decides
			}
		}
	}
	for _, c := range n.Content {
		p.expand(c, lookup)
	}
}

// mapping calls f for each key of a mapping, rejecting duplicate keys.
func (p *parser) mapping(n *yaml.Node, where string, f func(key string, k, v *yaml.Node)) {
	if n.Kind != yaml.MappingNode {
		p.errf(n, "%s: want a mapping, got %s", where, p.show(n))
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			p.errf(k, "keys must be plain strings")
			continue
		}
		if seen[k.Value] {
			p.errf(k, "duplicate key %q", k.Value)
			continue
		}
		seen[k.Value] = true
		f(k.Value, k, v)
	}
}

func (p *parser) scalar(key string, v *yaml.Node) (string, bool) {
	if v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
		p.errf(v, "%s: want a value, got %s", key, p.show(v))
		return "", false
	}
	s := strings.TrimSpace(v.Value)
	if s == "" {
		p.errf(v, "%s: empty value", key)
		return "", false
	}
	return s, true
}

func (p *parser) boolean(key string, v *yaml.Node) bool {
	s, ok := p.scalar(key, v)
	if !ok {
		return false
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		p.errf(v, "%s: want true or false, got %s", key, p.show(v))
	}
	return b
}

// list accepts a list of scalars, or one scalar as a list of one.
func (p *parser) list(key string, v *yaml.Node) []string {
	if v.Kind == yaml.ScalarNode {
		if s, ok := p.scalar(key, v); ok {
			return []string{s}
		}
		return nil
	}
	if v.Kind != yaml.SequenceNode {
		p.errf(v, "%s: want a list, got %s", key, p.show(v))
		return nil
	}
	var out []string
	for _, it := range v.Content {
		if s, ok := p.scalar(key, it); ok {
			out = append(out, s)
		}
	}
	return out
}

// path resolves a path relative to the config file's directory.
func (p *parser) path(s string) string {
	if filepath.IsAbs(s) || strings.HasPrefix(s, "~") {
		return s
	}
	return filepath.Join(filepath.Dir(p.file), s)
}

var accountID = regexp.MustCompile(`^[0-9]{12}$`)

func (p *parser) targets(c *Config, v *yaml.Node) {
	if v.Kind != yaml.SequenceNode {
		if v.Tag != "!!null" {
			p.errf(v, "targets: want a list, got %s", p.show(v))
		}
		return
	}
	names := map[string]int{}
	for i, tn := range v.Content {
		t := Target{Line: tn.Line}
		kinds := 0
		p.mapping(tn, fmt.Sprintf("targets[%d]", i), func(key string, k, v *yaml.Node) {
			switch key {
			case "name":
				t.Name, _ = p.scalar(key, v)
			case "snapshot":
				kinds++
				if s, ok := p.scalar(key, v); ok {
					t.Snapshot = p.path(s)
				}
			case "iac":
				kinds++
				if s, ok := p.scalar(key, v); ok {
					t.IaC = p.path(s)
				}
			case "aws":
				kinds++
				t.AWS = p.awsTarget(v)
			default:
				p.errf(k, "targets[%d]: unknown key %q (want name and one of aws, snapshot, iac)", i, key)
			}
		})
		if tn.Kind != yaml.MappingNode {
			continue
		}
		switch {
		case t.Name == "":
			p.errf(tn, "targets[%d]: missing name", i)
		case names[t.Name] > 0:
			p.errf(tn, "targets[%d]: duplicate name %q (first at line %d)", i, t.Name, names[t.Name])
		default:
			names[t.Name] = tn.Line
		}
		if kinds != 1 {
			p.errf(tn, "targets[%d]: want exactly one of aws, snapshot, iac (got %d)", i, kinds)
		}
		c.Targets = append(c.Targets, t)
	}
}

func (p *parser) awsTarget(v *yaml.Node) *AWSTarget {
	a := &AWSTarget{}
	if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
		return a // aws: with nothing: the default credentials
	}
	p.mapping(v, "aws", func(key string, k, v *yaml.Node) {
		switch key {
		case "profile":
			a.Profile, _ = p.scalar(key, v)
		case "regions":
			a.Regions = p.list(key, v)
		case "accounts":
			for i, s := range p.list(key, v) {
				if !accountID.MatchString(s) {
					n := v
					if v.Kind == yaml.SequenceNode {
						n = v.Content[i]
					}
					p.errf(n, "accounts: %s is not a 12-digit AWS account ID (quote IDs with leading zeros)", p.show(n))
					continue
				}
				a.Accounts = append(a.Accounts, s)
			}
		case "organization":
			a.Organization = p.boolean(key, v)
		case "role":
			a.Role, _ = p.scalar(key, v)
		case "external_id":
			s, _ := p.scalar(key, v)
			a.ExternalID = Secret(s)
		case "endpoint_url":
			a.EndpointURL, _ = p.scalar(key, v)
		default:
			p.errf(k, "aws: unknown key %q (want profile, regions, accounts, organization, role, external_id, endpoint_url)", key)
		}
	})
	if (len(a.Accounts) > 0 || a.Organization) && a.Role == "" {
		p.errf(v, "aws: accounts and organization need a role to assume in each account")
	}
	return a
}

func (p *parser) mutelist(c *Config, v *yaml.Node) {
	switch {
	case v.Kind == yaml.ScalarNode:
		s, ok := p.scalar("mutelist", v)
		if !ok {
			return
		}
		path := p.path(s)
		if st, err := os.Stat(path); err == nil && !st.Mode().IsRegular() {
			p.errf(v, "mutelist: %s is not a regular file", p.show(v))
			return
		}
		data, err := os.ReadFile(path)
		if err != nil {
			p.errf(v, "mutelist: %v", err)
			return
		}
		ml, err := mutelist.Parse(path, data)
		if err != nil {
			p.errs = append(p.errs, err)
			return
		}
		c.Mutelist, c.MutelistFile = ml, path
	case v.Kind == yaml.MappingNode:
		ml, err := mutelist.ParseNode(p.file, v)
		if err != nil {
			p.errs = append(p.errs, err)
			return
		}
		c.Mutelist = ml
	default:
		p.errf(v, "mutelist: want a file path or a mapping with entries, got %s", p.show(v))
	}
}

func (p *parser) flags(c *Config, v *yaml.Node) {
	c.Flags = p.sectionFlags("scan", v)
}

// sectionFlags reads a section of flag defaults: flag name -> value(s).
func (p *parser) sectionFlags(section string, v *yaml.Node) map[string]FlagValue {
	out := map[string]FlagValue{}
	p.mapping(v, section, func(key string, k, v *yaml.Node) {
		if strings.HasPrefix(key, "-") {
			p.errf(k, "%s: write flag names without dashes: %q", section, strings.TrimLeft(key, "-"))
			return
		}
		if key == "config" {
			p.errf(k, "%s: config cannot be set from the config file", section)
			return
		}
		if vals := p.list(section+"."+key, v); vals != nil {
			fromEnv := p.fromEnv[v]
			for _, it := range v.Content {
				fromEnv = fromEnv || p.fromEnv[it]
			}
			out[key] = FlagValue{Values: vals, Line: k.Line, FromEnv: fromEnv}
		}
	})
	return out
}

func (p *parser) positive(key string, v *yaml.Node) int {
	s, ok := p.scalar(key, v)
	if !ok {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		p.errf(v, "%s: want a whole number of at least 1, got %s", key, p.show(v))
		return 0
	}
	return n
}

func (p *parser) queue(c *Config, v *yaml.Node) {
	c.Queue.Line = v.Line
	typ := func(n *yaml.Node) {
		if s, ok := p.scalar("queue.type", n); ok {
			if s != "postgres" {
				p.errf(n, "queue: unknown queue type %s (want postgres)", p.show(n))
				return
			}
			c.Queue.Type = s
		}
	}
	if v.Kind == yaml.ScalarNode {
		typ(v)
		return
	}
	p.mapping(v, "queue", func(key string, k, v *yaml.Node) {
		switch key {
		case "type":
			typ(v)
		case "concurrency":
			c.Queue.Concurrency = p.positive("queue.concurrency", v)
		default:
			p.errf(k, "queue: unknown key %q (want type, concurrency)", key)
		}
	})
}

func (p *parser) retention(c *Config, v *yaml.Node) {
	c.Retention.Line = v.Line
	p.mapping(v, "retention", func(key string, k, v *yaml.Node) {
		switch key {
		case "days":
			c.Retention.Days = p.positive("retention.days", v)
		case "scans":
			c.Retention.Scans = p.positive("retention.scans", v)
		default:
			p.errf(k, "retention: unknown key %q (want days, scans)", key)
		}
	})
}

// ApplySection sets the flags of fs that the file's section (serve,
// worker, history, diff, findings, prune) gives and the command line does
// not. A key that is not a flag of fs is an error.
func (c *Config) ApplySection(section string, fs *pflag.FlagSet) error {
	flags := c.Commands[section]
	var errs []error
	names := make([]string, 0, len(flags))
	for n := range flags {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, name := range names {
		fv := flags[name]
		f := fs.Lookup(name)
		if f == nil {
			errs = append(errs, &Error{File: c.File, Line: fv.Line,
				Msg: fmt.Sprintf("%s: unknown flag %q (see cloudward %s --help)", section, name, section)})
			continue
		}
		if f.Changed {
			continue
		}
		if len(fv.Values) > 1 && !strings.HasSuffix(f.Value.Type(), "Slice") {
			errs = append(errs, &Error{File: c.File, Line: fv.Line, Msg: fmt.Sprintf("%s.%s: takes one value, got a list", section, name)})
			continue
		}
		if err := fs.Set(name, strings.Join(fv.Values, ",")); err != nil {
			msg := fmt.Sprintf("%s.%s: %v", section, name, err)
			if fv.FromEnv {
				// Values from ${VAR} may be secrets (api-token): not quoted.
				msg = fmt.Sprintf("%s.%s: the value from the environment is not valid for --%s (%s)", section, name, name, f.Value.Type())
			}
			errs = append(errs, &Error{File: c.File, Line: fv.Line, Msg: msg})
			continue
		}
		// Set marks the flag changed: undo, so that "set on the command
		// line" keeps meaning the command line.
		f.Changed = false
	}
	return errors.Join(errs...)
}

// ApplyFlags sets the flags of fs that the file gives and the command line
// does not (flags win over the file, the file over defaults). known is every
// flag any scan command has: a key outside it is an error; a key known but
// absent from fs (say snapshot, for demo) is skipped.
func (c *Config) ApplyFlags(fs *pflag.FlagSet, known func(name string) bool) error {
	var errs []error
	names := make([]string, 0, len(c.Flags))
	for n := range c.Flags {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, name := range names {
		fv := c.Flags[name]
		if !known(name) {
			errs = append(errs, &Error{File: c.File, Line: fv.Line, Msg: fmt.Sprintf("scan: unknown flag %q (see cloudward scan aws --help)", name)})
			continue
		}
		f := fs.Lookup(name)
		if f == nil || f.Changed {
			continue
		}
		if len(fv.Values) > 1 && !strings.HasSuffix(f.Value.Type(), "Slice") {
			errs = append(errs, &Error{File: c.File, Line: fv.Line, Msg: fmt.Sprintf("scan.%s: takes one value, got a list", name)})
			continue
		}
		if err := fs.Set(name, strings.Join(fv.Values, ",")); err != nil {
			errs = append(errs, &Error{File: c.File, Line: fv.Line, Msg: fmt.Sprintf("scan.%s: %v", name, err)})
		}
	}
	return errors.Join(errs...)
}

var domains = []check.Domain{check.Identity, check.Network, check.Encryption, check.Logging, check.Exposure, check.Detection}

func (p *parser) alerts(c *Config, v *yaml.Node) {
	destLine := map[string]int{}
	var rulesNode *yaml.Node
	p.mapping(v, "alerts", func(key string, k, v *yaml.Node) {
		switch key {
		case "destinations":
			if v.Kind != yaml.SequenceNode {
				p.errf(v, "alerts.destinations: want a list, got %s", p.show(v))
				return
			}
			for i, dn := range v.Content {
				d, ok := p.destination(i, dn)
				if !ok {
					continue
				}
				if first, dup := destLine[d.Name]; dup {
					p.errf(dn, "alerts.destinations[%d]: duplicate name %q (first at line %d)", i, d.Name, first)
					continue
				}
				destLine[d.Name] = dn.Line
				c.Alerts.Destinations = append(c.Alerts.Destinations, d)
			}
		case "rules":
			rulesNode = v
		default:
			p.errf(k, "alerts: unknown key %q (want destinations, rules)", key)
		}
	})
	if rulesNode == nil {
		return
	}
	if rulesNode.Kind != yaml.SequenceNode {
		p.errf(rulesNode, "alerts.rules: want a list, got %s", p.show(rulesNode))
		return
	}
	for i, rn := range rulesNode.Content {
		if r, ok := p.rule(i, rn, destLine); ok {
			c.Alerts.Rules = append(c.Alerts.Rules, r)
		}
	}
}

func (p *parser) destination(i int, n *yaml.Node) (alert.Destination, bool) {
	var d alert.Destination
	where := fmt.Sprintf("alerts.destinations[%d]", i)
	before := len(p.errs)
	keys := map[string]*yaml.Node{}
	p.mapping(n, where, func(key string, k, v *yaml.Node) {
		keys[key] = k
		switch key {
		case "name":
			d.Name, _ = p.scalar(key, v)
		case "type":
			if s, ok := p.scalar(key, v); ok {
				d.Type = alert.Type(strings.ToLower(s))
			}
		case "url":
			// Webhook URLs are secrets; never quoted in errors.
			if v.Kind == yaml.ScalarNode && v.Tag != "!!null" {
				d.URL = strings.TrimSpace(v.Value)
			} else {
				p.errf(v, "%s: url: want a value", where)
			}
		case "routing_key", "api_key", "secret":
			if v.Kind == yaml.ScalarNode && v.Tag != "!!null" && strings.TrimSpace(v.Value) != "" {
				d.Key = strings.TrimSpace(v.Value)
			} else {
				p.errf(v, "%s: %s: want a value", where, key)
			}
		case "timeout":
			if s, ok := p.scalar(key, v); ok {
				t, err := time.ParseDuration(s)
				if err != nil || t <= 0 {
					p.errf(v, "%s: timeout: %s is not a positive duration (e.g. 30s)", where, p.show(v))
				}
				d.Timeout = t
			}
		default:
			p.errf(k, "%s: unknown key %q (want name, type, url, routing_key, api_key, secret, timeout)", where, key)
		}
	})
	if n.Kind != yaml.MappingNode || len(p.errs) > before {
		return d, false
	}
	// Each type takes its own key name for the credential.
	keyName := map[alert.Type]string{alert.PagerDuty: "routing_key", alert.Opsgenie: "api_key", alert.Webhook: "secret"}[d.Type]
	for _, k := range []string{"routing_key", "api_key", "secret"} {
		if kn := keys[k]; kn != nil && k != keyName {
			p.errf(kn, "%s: %s does not apply to type %q", where, k, d.Type)
		}
	}
	if err := d.Validate(); err != nil {
		p.errf(n, "%s: %v", where, err)
	}
	return d, len(p.errs) == before
}

func (p *parser) rule(i int, n *yaml.Node, dests map[string]int) (alert.Rule, bool) {
	var r alert.Rule
	where := fmt.Sprintf("alerts.rules[%d]", i)
	before := len(p.errs)
	p.mapping(n, where, func(key string, k, v *yaml.Node) {
		switch key {
		case "name":
			r.Name, _ = p.scalar(key, v)
		case "min_severity":
			if s, ok := p.scalar(key, v); ok {
				sev, err := check.ParseSeverity(s)
				if err != nil {
					p.errf(v, "%s: min_severity: %v", where, err)
				}
				r.MinSeverity = sev
			}
		case "checks":
			r.Checks = p.list(key, v)
		case "domains":
			for _, s := range p.list(key, v) {
				d := check.Domain(strings.ToLower(s))
				if !slices.Contains(domains, d) {
					p.errf(v, "%s: domains: unknown domain %q (want identity, network, encryption, logging, exposure, detection)", where, s)
				}
				r.Domains = append(r.Domains, d)
			}
		case "accounts":
			r.Accounts = p.list(key, v)
		case "new_only":
			r.NewOnly = p.boolean(key, v)
		case "to":
			for j, s := range p.list(key, v) {
				if _, ok := dests[s]; !ok {
					at := v
					if v.Kind == yaml.SequenceNode {
						at = v.Content[j]
					}
					p.errf(at, "%s: to: unknown destination %q", where, s)
				}
				r.Destinations = append(r.Destinations, s)
			}
		default:
			p.errf(k, "%s: unknown key %q (want name, min_severity, checks, domains, accounts, new_only, to)", where, key)
		}
	})
	if n.Kind == yaml.MappingNode && len(r.Destinations) == 0 && len(p.errs) == before {
		p.errf(n, "%s: no destinations (to: [...])", where)
	}
	if r.Name == "" {
		r.Name = fmt.Sprintf("rule %d", i+1)
	}
	return r, len(p.errs) == before
}
