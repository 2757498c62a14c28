// Package suppress reads inline suppression directives from IaC files
// (cloudward's own, checkov's, tfsec's and trivy's comments, CloudFormation
// Metadata) and marks the findings they name as SUPPRESSED.
package suppress

import (
	"fmt"
	"strings"
	"time"
)

// Directive is one suppression written in an IaC file.
type Directive struct {
	// Tool is who defined the syntax: "cloudward", "checkov", "tfsec", "trivy".
	Tool string
	// IDs are the IDs as written (our check IDs, or the peer's IDs).
	IDs    []string
	Reason string
	// Expires is the first day on which the directive no longer applies
	// (exp:YYYY-MM-DD means "suppressed up to and including that day").
	Expires time.Time
	File    string
	Line    int
	// Metadata is set for directives read from a CloudFormation
	// resource's Metadata section rather than a comment.
	Metadata bool
}

// Where is "file:line" of the directive.
func (d Directive) Where() string { return fmt.Sprintf("%s:%d", d.File, d.Line) }

// ParseComment parses one source line. ok is false when the line holds no
// directive; err is set when it holds a malformed cloudward directive.
func ParseComment(line string) (d Directive, ok bool, err error) {
	text := strings.TrimSpace(line)
	switch {
	case strings.HasPrefix(text, "#"):
		text = strings.TrimSpace(text[1:])
	case strings.HasPrefix(text, "//"):
		text = strings.TrimSpace(text[2:])
	default:
		return d, false, nil
	}
	switch {
	case strings.HasPrefix(text, "cloudward:ignore:"):
		d.Tool = "cloudward"
		rest := text[len("cloudward:ignore:"):]
		idPart, tail, _ := strings.Cut(rest, " ")
		ids, err := splitIDs(idPart)
		if err != nil {
			return d, true, err
		}
		d.IDs = ids
		var reason []string
		for _, w := range strings.Fields(tail) {
			if v, isExp := strings.CutPrefix(w, "exp:"); isExp {
				t, err := time.Parse("2006-01-02", v)
				if err != nil {
					return d, true, fmt.Errorf("exp:%s is not a date YYYY-MM-DD", v)
				}
				d.Expires = t.AddDate(0, 0, 1)
				continue
			}
			reason = append(reason, w)
		}
		d.Reason = strings.Join(reason, " ")
		return d, true, nil
	case strings.HasPrefix(text, "checkov:skip="):
		// checkov:skip=CKV_AWS_20:the reason
		d.Tool = "checkov"
		id, reason, _ := strings.Cut(text[len("checkov:skip="):], ":")
		id = strings.TrimSpace(id)
		if id == "" {
			return d, false, nil
		}
		d.IDs, d.Reason = []string{id}, strings.TrimSpace(reason)
		return d, true, nil
	case strings.HasPrefix(text, "tfsec:ignore:"), strings.HasPrefix(text, "trivy:ignore:"):
		// tfsec:ignore:aws-s3-enable-bucket-encryption[:exp:2025-01-02]
		tool, rest, _ := strings.Cut(text, ":ignore:")
		d.Tool = tool
		rest, reason, _ := strings.Cut(rest, " ")
		id, opts, _ := strings.Cut(rest, ":")
		if id == "" {
			return d, false, nil
		}
		d.IDs, d.Reason = []string{id}, strings.TrimSpace(reason)
		if v, isExp := strings.CutPrefix(opts, "exp:"); isExp {
			if t, err := time.Parse("2006-01-02", v); err == nil {
				d.Expires = t.AddDate(0, 0, 1)
			}
		}
		return d, true, nil
	}
	return d, false, nil
}

func splitIDs(s string) ([]string, error) {
	var ids []string
	for _, id := range strings.Split(s, ",") {
		id = strings.TrimSpace(id)
		switch {
		case id == "":
			continue
		case strings.ContainsAny(id, "*?"):
			return nil, fmt.Errorf("%q: wildcards are not allowed, name each check", id)
		}
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("cloudward:ignore: needs a check ID")
	}
	return ids, nil
}
