package compliance

import (
	"math"

	"github.com/cloudward/cloudward/internal/check"
)

// Status is a control's compliance status in one scan.
type Status string

// Control statuses. See docs/scoring.md for how they make the score.
const (
	// Pass: every mapped check passed on every resource it applies to.
	Pass Status = "PASS"
	// Fail: some mapped check failed on some resource.
	Fail Status = "FAIL"
	// Manual: no check decides the control and the framework marks it
	// manual; a person follows the audit procedure.
	Manual Status = "MANUAL"
	// NotApplicable: the mapped checks ran but found no resource of their
	// kind (e.g. no RDS instance).
	NotApplicable Status = "NOT_APPLICABLE"
	// Unknown: no failure, but some result is UNKNOWN (data not collected).
	Unknown Status = "UNKNOWN"
	// NotEvaluated: the framework marks the control automated but cloudward
	// has no check for it yet, or the scan's filters left a mapped check out.
	NotEvaluated Status = "NOT_EVALUATED"
)

// Statuses lists the statuses in report order.
var Statuses = []Status{Pass, Fail, Unknown, NotApplicable, Manual, NotEvaluated}

// Counts counts controls by status.
type Counts struct {
	Total         int `json:"total"`
	Pass          int `json:"pass"`
	Fail          int `json:"fail"`
	Unknown       int `json:"unknown"`
	NotApplicable int `json:"not_applicable"`
	Manual        int `json:"manual"`
	NotEvaluated  int `json:"not_evaluated"`
	// Assessed = Pass + Fail: the controls the score is computed over.
	Assessed int `json:"assessed"`
}

func (c *Counts) add(s Status) {
	c.Total++
	switch s {
	case Pass:
		c.Pass++
		c.Assessed++
	case Fail:
		c.Fail++
		c.Assessed++
	case Unknown:
		c.Unknown++
	case NotApplicable:
		c.NotApplicable++
	case Manual:
		c.Manual++
	case NotEvaluated:
		c.NotEvaluated++
	}
}

// ControlResult is one control's status and the findings behind it.
type ControlResult struct {
	Control *Control
	Status  Status
	// Failing are the FAIL findings of the control's checks.
	Failing []*check.Finding
	// Unknown are the UNKNOWN findings (only listed when nothing fails).
	Unknown []*check.Finding
	// Muted are the findings a mutelist entry muted: accepted exceptions,
	// listed but not failing the control.
	Muted []*check.Finding
	// Passed counts the PASS findings.
	Passed int
}

// Result is one framework's evaluation.
type Result struct {
	Framework *Framework
	// Level is the CIS profile the result is restricted to; 0 for all.
	Level int
	// Score is 100 × passed / assessed controls, rounded down to one
	// decimal; 0 when no control could be assessed.
	Score    float64
	Counts   Counts
	Controls []ControlResult
	// Posture is the severity-weighted posture score (docs/scoring.md) over
	// the findings of the framework's mapped checks, each finding once.
	Posture check.Score
}

// Evaluate turns findings into control statuses for each framework. ran
// reports whether a check was run by the scan: a control whose checks were
// filtered out is NOT_EVALUATED, not NOT_APPLICABLE. Failing findings point
// into findings, which the caller must not reorder afterwards.
func Evaluate(fws []*Framework, findings []check.Finding, ran func(id string) bool) []Result {
	byCheck := map[string][]*check.Finding{}
	for i := range findings {
		f := &findings[i]
		byCheck[f.Check.ID] = append(byCheck[f.Check.ID], f)
	}
	out := make([]Result, 0, len(fws))
	for _, fw := range fws {
		r := Result{Framework: fw, Controls: make([]ControlResult, len(fw.Controls))}
		mapped := map[string]bool{}
		for i := range fw.Controls {
			c := &fw.Controls[i]
			cr := evaluateControl(c, byCheck, ran)
			r.Counts.add(cr.Status)
			r.Controls[i] = cr
			for _, id := range c.Checks {
				if ran(id) && !mapped[id] {
					mapped[id] = true
					for _, f := range byCheck[id] {
						r.Posture.Add(f.Check.Severity, f.Status)
					}
				}
			}
		}
		r.Score = score(r.Counts)
		r.Posture.Finish()
		out = append(out, r)
	}
	return out
}

func evaluateControl(c *Control, byCheck map[string][]*check.Finding, ran func(string) bool) ControlResult {
	cr := ControlResult{Control: c}
	if len(c.Checks) == 0 {
		if c.Assessment == AssessManual {
			cr.Status = Manual
		} else {
			cr.Status = NotEvaluated
		}
		return cr
	}
	missing := false
	results := 0
	for _, id := range c.Checks {
		if !ran(id) {
			missing = true
			continue
		}
		for _, f := range byCheck[id] {
			results++
			switch f.Status {
			case check.Fail:
				cr.Failing = append(cr.Failing, f)
			case check.Unknown:
				cr.Unknown = append(cr.Unknown, f)
			case check.Pass:
				cr.Passed++
			case check.Muted, check.Suppressed: // inline IaC suppressions count like mutes
				cr.Muted = append(cr.Muted, f)
			}
		}
	}
	switch {
	case len(cr.Failing) > 0:
		// A failure is a failure even if other checks were left out.
		cr.Status = Fail
		cr.Unknown = nil
	case missing:
		cr.Status = NotEvaluated
		cr.Unknown = nil
	case len(cr.Unknown) > 0:
		cr.Status = Unknown
	case results == 0:
		cr.Status = NotApplicable
	default:
		cr.Status = Pass
	}
	return cr
}

// score is the share of assessed controls that pass, as a CIS audit counts
// it: controls passed / (controls passed + controls failed).
func score(c Counts) float64 {
	if c.Assessed == 0 {
		return 0
	}
	return math.Floor(1000*float64(c.Pass)/float64(c.Assessed)) / 10
}
