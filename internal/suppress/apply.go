package suppress

import (
	"fmt"
	"os"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/cloudward/cloudward/internal/check"
)

// fileIndex holds the directives of one file.
type fileIndex struct {
	lines []string
	// metadata: CloudFormation logical ID -> directives from its Metadata.
	metadata map[string][]Directive
}

// Applier reads files lazily and applies their directives to findings.
type Applier struct {
	files    map[string]*fileIndex
	warnings []string
	warned   map[string]bool
	// Debug receives notes that are not warnings (unmapped peer IDs).
	Debug func(string)
}

// NewApplier returns an Applier with no files read yet.
func NewApplier() *Applier {
	return &Applier{files: map[string]*fileIndex{}, warned: map[string]bool{}}
}

func (a *Applier) warn(key, msg string) {
	if !a.warned[key] {
		a.warned[key] = true
		a.warnings = append(a.warnings, msg)
	}
}

func (a *Applier) debug(key, msg string) {
	if a.Debug != nil && !a.warned[key] {
		a.warned[key] = true
		a.Debug(msg)
	}
}

func (a *Applier) file(name string) *fileIndex {
	if fi, ok := a.files[name]; ok {
		return fi
	}
	fi := &fileIndex{}
	a.files[name] = fi
	data, err := os.ReadFile(name)
	if err != nil {
		return fi
	}
	fi.lines = strings.Split(string(data), "\n")
	fi.metadata = cfnMetadata(name, data)
	return fi
}

// above returns the directives in the run of comment lines directly above
// the 1-based line target.
func (a *Applier) above(file string, target int) []Directive {
	fi := a.file(file)
	var out []Directive
	for l := target - 1; l >= 1 && l <= len(fi.lines); l-- {
		text := strings.TrimSpace(fi.lines[l-1])
		if !strings.HasPrefix(text, "#") && !strings.HasPrefix(text, "//") {
			break
		}
		d, ok, err := ParseComment(text)
		if err != nil {
			a.warn(fmt.Sprintf("%s:%d", file, l), fmt.Sprintf("%s:%d: ignored suppression: %v", file, l, err))
			continue
		}
		if ok {
			d.File, d.Line = file, l
			out = append(out, d)
		}
	}
	return out
}

// Apply marks as SUPPRESSED the FAIL and UNKNOWN findings that a directive
// names, and returns warnings (expired or malformed directives). A directive
// applies when it sits directly above the resource's first line, above
// one of the module calls that led to it, or above any line the finding's
// evidence points at.
func (a *Applier) Apply(findings []check.Finding, now time.Time) []string {
	for i := range findings {
		f := &findings[i]
		if (f.Status != check.Fail && f.Status != check.Unknown) || f.Resource == nil || f.Resource.Location == nil {
			continue
		}
		loc := f.Resource.Location
		var cands []Directive
		if loc.File != "" && loc.StartLine > 0 {
			cands = append(cands, a.above(loc.File, loc.StartLine)...)
			cands = append(cands, a.file(loc.File).metadata[f.Resource.Address]...)
		}
		// A directive above a module call covers every resource that call
		// leads to, at any depth.
		for _, call := range f.Resource.ModuleCalls {
			if call.File != "" && call.StartLine > 0 {
				cands = append(cands, a.above(call.File, call.StartLine)...)
			}
		}
		for _, ev := range f.Evidence {
			if ev.Source.File != "" && ev.Source.StartLine > 0 && ev.Source.StartLine != loc.StartLine {
				cands = append(cands, a.above(ev.Source.File, ev.Source.StartLine)...)
			}
		}
		for _, d := range cands {
			if !a.matches(d, f.Check.ID) {
				continue
			}
			if !d.Expires.IsZero() && !now.Before(d.Expires) {
				a.warn("exp "+d.Where(), fmt.Sprintf("%s: suppression of %s expired on %s: the finding is reported again",
					d.Where(), f.Check.ID, d.Expires.AddDate(0, 0, -1).Format("2006-01-02")))
				continue
			}
			reason := d.Reason
			if reason == "" {
				reason = "no reason given"
			}
			exp := ""
			if !d.Expires.IsZero() {
				exp = d.Expires.AddDate(0, 0, -1).Format("2006-01-02")
			}
			source := d.Tool
			if d.Metadata {
				source = "cloudformation-metadata"
			}
			f.Mute = &check.Mute{Status: f.Status, Reason: reason, Owner: d.Tool, Expires: exp, Entry: d.Where(), Source: source}
			f.Status = check.Suppressed
			break
		}
	}
	return a.warnings
}

func (a *Applier) matches(d Directive, checkID string) bool {
	for _, id := range d.IDs {
		ours, ok := OurID(d.Tool, id)
		if !ok {
			a.debug("peer "+d.Where()+id, fmt.Sprintf("%s: %s ID %s has no cloudward equivalent; ignored", d.Where(), d.Tool, id))
			continue
		}
		if ours == checkID {
			return true
		}
	}
	return false
}

// cfnMetadata reads Resources.<ID>.Metadata.cloudward.ignore and
// Metadata.checkov.skip from a CloudFormation template (YAML or JSON);
// nil for anything else.
func cfnMetadata(file string, data []byte) map[string][]Directive {
	if !strings.Contains(string(data), "Metadata") {
		return nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil || len(doc.Content) == 0 {
		return nil
	}
	res := child(doc.Content[0], "Resources")
	if res == nil || res.Kind != yaml.MappingNode {
		return nil
	}
	out := map[string][]Directive{}
	for i := 0; i+1 < len(res.Content); i += 2 {
		id, md := res.Content[i].Value, child(res.Content[i+1], "Metadata")
		if md == nil {
			continue
		}
		for _, src := range []struct{ tool, list, idKey, reasonKey string }{
			{"cloudward", "ignore", "id", "reason"}, {"checkov", "skip", "id", "comment"},
		} {
			list := child(child(md, src.tool), src.list)
			if list == nil || list.Kind != yaml.SequenceNode {
				continue
			}
			for _, item := range list.Content {
				idn := child(item, src.idKey)
				if idn == nil || idn.Value == "" {
					continue
				}
				d := Directive{Tool: src.tool, IDs: []string{idn.Value}, File: file, Line: item.Line, Metadata: true}
				if r := child(item, src.reasonKey); r != nil {
					d.Reason = r.Value
				}
				if e := child(item, "expires"); e != nil {
					if t, err := time.Parse("2006-01-02", e.Value); err == nil {
						d.Expires = t.AddDate(0, 0, 1)
					}
				}
				out[id] = append(out[id], d)
			}
		}
	}
	return out
}

func child(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}
