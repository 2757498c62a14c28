package check

import (
	"math"
	"sort"
)

// Weight is a severity's weight in the posture score (docs/scoring.md).
// Info findings weigh nothing: they inform, they do not move the score.
func Weight(s Severity) int {
	switch s {
	case Critical:
		return 10
	case High:
		return 5
	case Medium:
		return 3
	case Low:
		return 1
	}
	return 0
}

// Score is the posture score of a set of findings: the severity-weighted
// share of passing (check, resource) pairs, from 0 to 100.
//
//	score = 100 × Σ weight(PASS) / Σ weight(PASS or FAIL)
//
// UNKNOWN pairs are left out (we cannot say whether they pass) and counted
// beside the score; with nothing weighted to score, the score is 100. The
// value is rounded down to one decimal so that any weighted failure keeps it
// below 100.
type Score struct {
	Value float64 `json:"value"`
	// Passed, Failed and Unknown count (check, resource) pairs, info included.
	Passed  int `json:"passed"`
	Failed  int `json:"failed"`
	Unknown int `json:"unknown"`
	// PassedWeight and ScoredWeight are the numerator and denominator.
	PassedWeight int `json:"passed_weight"`
	ScoredWeight int `json:"scored_weight"`
}

// Add counts one finding into the score's sums; call Finish afterwards.
func (s *Score) Add(sev Severity, st Status) {
	w := Weight(sev)
	switch st {
	case Pass:
		s.Passed++
		s.PassedWeight += w
		s.ScoredWeight += w
	case Fail:
		s.Failed++
		s.ScoredWeight += w
	case Unknown:
		s.Unknown++
	}
}

// Finish computes Value from the sums.
func (s *Score) Finish() {
	if s.ScoredWeight == 0 {
		s.Value = 100
		return
	}
	s.Value = math.Floor(1000*float64(s.PassedWeight)/float64(s.ScoredWeight)) / 10
}

// Scores is the posture score overall and per account.
type Scores struct {
	Overall   Score            `json:"overall"`
	ByAccount map[string]Score `json:"by_account"`
}

// Accounts returns the account IDs of ByAccount, sorted.
func (s Scores) Accounts() []string {
	ids := make([]string, 0, len(s.ByAccount))
	for id := range s.ByAccount {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// ComputeScores scores findings overall and per account (the resource's
// account; findings without one count only overall).
func ComputeScores(findings []Finding) Scores {
	out := Scores{ByAccount: map[string]Score{}}
	acc := map[string]*Score{}
	for i := range findings {
		f := &findings[i]
		out.Overall.Add(f.Check.Severity, f.Status)
		if a := f.Resource.Account; a != "" {
			s := acc[a]
			if s == nil {
				s = &Score{}
				acc[a] = s
			}
			s.Add(f.Check.Severity, f.Status)
		}
	}
	out.Overall.Finish()
	for a, s := range acc {
		s.Finish()
		out.ByAccount[a] = *s
	}
	return out
}
