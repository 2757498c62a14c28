package store

import (
	"encoding/json"
	"slices"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/compliance"
	"github.com/cloudward/cloudward/internal/report"
)

// Records converts engine findings into store findings.
func Records(fs []check.Finding) []Finding {
	out := make([]Finding, len(fs))
	for i := range fs {
		f := &fs[i]
		ev, err := json.Marshal(f.Evidence)
		if err != nil || f.Evidence == nil {
			ev = []byte("[]")
		}
		out[i] = Finding{
			Fingerprint: report.Fingerprint(f), CheckID: f.Check.ID, Severity: int(f.Check.Severity),
			Status: string(f.Status), Message: f.Message, Evidence: ev,
		}
		if r := f.Resource; r != nil {
			out[i].ResourceID, out[i].ResourceType, out[i].Region, out[i].Account = r.ID, r.Type, r.Region, r.Account
		}
		// A muted finding is stored with the status it had before muting,
		// so that its state over time stays exact, and the mute beside it.
		if m := f.Mute; m != nil {
			out[i].Status, out[i].Muted = string(m.Status), true
			out[i].MuteReason = m.Reason
			if m.Owner != "" {
				out[i].MuteReason += " (owner: " + m.Owner + ")"
			}
		}
	}
	return out
}

// NewScan describes a finished scan for SaveScan; the score is computed
// from the findings (overall and per account).
func NewScan(r *report.Report, findings []check.Finding, scoped bool) (*Scan, error) {
	cov, err := json.Marshal(r.Coverage)
	if err != nil {
		return nil, err
	}
	score, err := json.Marshal(check.ComputeScores(findings))
	if err != nil {
		return nil, err
	}
	accounts := slices.Clone(r.Scan.AccountIDs)
	slices.Sort(accounts)
	sc := &Scan{
		ID: r.Scan.ID, Target: TargetOf(accounts, r.Scan.Source), Source: r.Scan.Source,
		StartedAt: r.Scan.StartedAt, FinishedAt: r.Scan.FinishedAt, ToolVersion: r.Tool.Version,
		AccountIDs: accounts, Scoped: scoped, Coverage: cov, Warnings: r.Scan.Warnings, Score: score,
	}
	if !scoped {
		if sc.Frameworks, err = FrameworkScores(findings); err != nil {
			return nil, err
		}
	}
	return sc, nil
}

// FrameworkScores evaluates every built-in framework over the findings of
// a scan that ran every check.
func FrameworkScores(findings []check.Finding) ([]FrameworkScore, error) {
	fws, err := compliance.Builtin()
	if err != nil {
		return nil, err
	}
	res := compliance.Evaluate(fws, findings, func(string) bool { return true })
	out := make([]FrameworkScore, 0, len(res))
	for _, r := range res {
		out = append(out, FrameworkScore{
			ID: r.Framework.ID, Name: r.Framework.Name, Version: r.Framework.Version,
			Score: r.Score, Posture: r.Posture.Value, Controls: r.Counts.Total,
			Pass: r.Counts.Pass, Fail: r.Counts.Fail, Unknown: r.Counts.Unknown,
		})
	}
	return out, nil
}

// Scores decodes a stored scan's score.
func (s *Scan) Scores() (check.Scores, error) {
	var sc check.Scores
	if len(s.Score) == 0 {
		return sc, nil
	}
	err := json.Unmarshal(s.Score, &sc)
	return sc, err
}
