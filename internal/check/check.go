// Package check is the check engine: check metadata, the registry, and the
// concurrent evaluation of checks over the resource model into findings.
//
// A check never parses input or calls an SDK: it reads the model and returns
// PASS, FAIL or UNKNOWN with evidence. Unknown inputs give UNKNOWN, never FAIL
// and never PASS.
package check

import (
	"fmt"
	"strings"

	"github.com/cloudward/cloudward/internal/model"
)

// Status is the outcome of one check on one resource.
type Status string

// Statuses. NotApplicable results are dropped by the engine: the check does
// not concern that resource (e.g. MFA on a user without a console password).
const (
	Pass          Status = "PASS"
	Fail          Status = "FAIL"
	Unknown       Status = "UNKNOWN"
	NotApplicable Status = "N/A"
	// Muted is a FAIL or UNKNOWN silenced by a mutelist entry: still listed,
	// with Finding.Mute saying why, but not counted as a failure.
	Muted Status = "MUTED"
	// Suppressed is a FAIL or UNKNOWN silenced by an inline directive in the
	// IaC file (internal/suppress); Finding.Mute carries the reason and the
	// directive's file:line. Not a failure, not scored, like Muted.
	Suppressed Status = "SUPPRESSED"
)

// Severity ranks the impact of a failing check.
type Severity int

// Severities, lowest first so that comparisons read naturally.
const (
	Info Severity = iota
	Low
	Medium
	High
	Critical
)

var severityNames = [...]string{"info", "low", "medium", "high", "critical"}

func (s Severity) String() string {
	if s < Info || s > Critical {
		return fmt.Sprintf("severity(%d)", int(s))
	}
	return severityNames[s]
}

// MarshalText renders the severity name.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// ParseSeverity parses a severity name, case-insensitively.
func ParseSeverity(name string) (Severity, error) {
	for i, n := range severityNames {
		if strings.EqualFold(name, n) {
			return Severity(i), nil
		}
	}
	return Info, fmt.Errorf("unknown severity %q (want one of %s)", name, strings.Join(severityNames[:], ", "))
}

// Severities lists all severities, highest first.
func Severities() []Severity { return []Severity{Critical, High, Medium, Low, Info} }

// Domain groups checks by security concern.
type Domain string

// Domains.
const (
	Identity   Domain = "identity"
	Network    Domain = "network"
	Encryption Domain = "encryption"
	Logging    Domain = "logging"
	Exposure   Domain = "exposure"
	Detection  Domain = "detection"
)

// Remediation says how to fix a failing resource three ways.
type Remediation struct {
	Console   string `json:"console"`   // console steps
	CLI       string `json:"cli"`       // an AWS CLI command
	Terraform string `json:"terraform"` // a Terraform snippet
}

// Meta is a check's metadata: everything but its logic.
type Meta struct {
	ID           string      `json:"id"`
	Title        string      `json:"title"`
	Severity     Severity    `json:"severity"`
	Domain       Domain      `json:"domain"`
	Provider     string      `json:"provider"`
	Service      string      `json:"service"`
	ResourceType string      `json:"resource_type"`
	Rationale    string      `json:"rationale"`
	Remediation  Remediation `json:"remediation"`
	References   []string    `json:"references"`
	// Frameworks maps framework IDs (e.g. "cis-aws-4.0") to control IDs.
	Frameworks map[string][]string `json:"frameworks"`
	// DeployedOnly marks checks that only make sense on deployed resources
	// (credential usage and age, credential-report data): Run skips them
	// for IaC inventories.
	DeployedOnly bool `json:"deployed_only,omitempty"`
}

// Evidence is what made a check decide: the offending rule, statement or
// value, and where it came from.
type Evidence struct {
	Detail string       `json:"detail"`
	Source model.Source `json:"source"`
}

// Result is a check's verdict on one resource.
type Result struct {
	Status   Status
	Message  string
	Evidence []Evidence
}

// PassResult returns a PASS result.
func PassResult(msg string, ev ...Evidence) Result {
	return Result{Status: Pass, Message: msg, Evidence: ev}
}

// FailResult returns a FAIL result with evidence.
func FailResult(msg string, ev ...Evidence) Result {
	return Result{Status: Fail, Message: msg, Evidence: ev}
}

// UnknownResult returns an UNKNOWN result; evidence says what was missing.
func UnknownResult(msg string, ev ...Evidence) Result {
	return Result{Status: Unknown, Message: msg, Evidence: ev}
}

// Skip returns a result the engine drops: the check does not apply.
func Skip() Result { return Result{Status: NotApplicable} }

// Ev builds one evidence item.
func Ev(src model.Source, format string, args ...any) Evidence {
	return Evidence{Detail: fmt.Sprintf(format, args...), Source: src}
}

// UnknownOf returns the UNKNOWN result for a value that is not known, naming
// what the check was waiting for.
func UnknownOf[T any](what string, v model.Value[T]) Result {
	return UnknownResult(what+" is unknown: "+v.Reason(), Evidence{Detail: what + ": " + v.Reason(), Source: v.Source()})
}

// Finding is one check's result on one resource.
type Finding struct {
	Check *Check
	// Resource is shared by every finding on the same resource: read-only.
	Resource *model.Ref
	Result
	// Mute is set when a mutelist entry muted the finding (Status Muted).
	Mute *Mute
}

// Mute records which mutelist entry muted a finding, and why.
type Mute struct {
	// Status is the status before muting: FAIL or UNKNOWN.
	Status  Status `json:"status"`
	Reason  string `json:"reason"`
	Owner   string `json:"owner"`
	Expires string `json:"expires,omitempty"` // YYYY-MM-DD; empty: no expiry
	// Entry is where the entry is written: "mutelist.yaml:12".
	Entry string `json:"entry"`
	// Source is set on SUPPRESSED findings only: the kind of directive,
	// "cloudward", "checkov", "tfsec", "trivy" (comments) or
	// "cloudformation-metadata" (a template's Metadata section). Reports
	// show suppressions under "suppression", never as a mutelist entry.
	Source string `json:"source,omitempty"`
}
