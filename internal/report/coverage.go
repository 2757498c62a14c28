package report

import (
	"bufio"
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/cloudward/cloudward/internal/model/aws"
)

// CoverageScope counts the operations of one service in one region of one
// account (region "global" for account-wide services).
type CoverageScope struct {
	Account    string `json:"account"`
	Region     string `json:"region"`
	Service    string `json:"service"`
	Operations int    `json:"operations"`
	Read       int    `json:"read"`
	Missing    int    `json:"missing"`
	Error      int    `json:"error"`
	// NothingToRead counts operations read that had no resource to call
	// on (no bucket, so no get-bucket-policy); not in Percent.
	NothingToRead int     `json:"nothing_to_read"`
	Percent       float64 `json:"percent"`
	// ErrorCodes counts the failed operations by AWS error code
	// ("unreadable" for a file that could not be parsed).
	ErrorCodes map[string]int `json:"error_codes"`
}

// coveragePercent is read/operations as a percentage with one decimal;
// an incomplete coverage never rounds up to 100, and nothing to read is
// complete.
func coveragePercent(read, operations int) float64 {
	if operations == 0 {
		return 100
	}
	p := math.Round(float64(read)*1000/float64(operations)) / 10
	if read < operations {
		p = min(p, 99.9)
	}
	return p
}

// breakDown fills Percent and ByScope from the inventories' coverage.
func (c *Coverage) breakDown(invs []*aws.Inventory) {
	c.ByScope = []CoverageScope{}
	if c.Operations == 0 {
		return
	}
	type key struct{ account, region, service string }
	scopes := map[key]*CoverageScope{}
	for _, inv := range invs {
		for _, op := range inv.Coverage {
			k := key{inv.AccountID, op.Region, op.Service}
			s := scopes[k]
			if s == nil {
				s = &CoverageScope{Account: k.account, Region: k.region, Service: k.service, ErrorCodes: map[string]int{}}
				scopes[k] = s
			}
			s.Operations++
			switch op.Status {
			case aws.CoverageRead:
				s.Read++
				if op.Detail == aws.CoverageNothingToRead {
					s.NothingToRead++
					c.NothingToRead++
				}
			case aws.CoverageMissing:
				s.Missing++
			case aws.CoverageError:
				s.Error++
				s.ErrorCodes[cmp.Or(op.Code, "unreadable")]++
			}
		}
	}
	p := coveragePercent(c.Read-c.NothingToRead, c.Operations-c.NothingToRead)
	c.Percent = &p
	for _, s := range scopes {
		s.Percent = coveragePercent(s.Read-s.NothingToRead, s.Operations-s.NothingToRead)
		c.ByScope = append(c.ByScope, *s)
	}
	slices.SortFunc(c.ByScope, func(a, b CoverageScope) int {
		return cmp.Or(cmp.Compare(a.Account, b.Account), cmp.Compare(a.Region, b.Region), cmp.Compare(a.Service, b.Service))
	})
}

// Incomplete returns the scopes with an operation not read, those with
// errors first (most errors first), then by lowest coverage.
func (c Coverage) Incomplete() []CoverageScope {
	var out []CoverageScope
	for _, s := range c.ByScope {
		if s.Read < s.Operations {
			out = append(out, s)
		}
	}
	slices.SortStableFunc(out, func(a, b CoverageScope) int {
		return cmp.Or(cmp.Compare(b.Error, a.Error), cmp.Compare(a.Percent, b.Percent))
	})
	return out
}

// PercentText is Percent with one decimal, "" without operations.
func (c Coverage) PercentText() string {
	if c.Percent == nil {
		return ""
	}
	return fmt.Sprintf("%.1f%%", *c.Percent)
}

// Codes lists error codes with their counts, most frequent first.
func (s CoverageScope) Codes() string {
	type kv struct {
		code string
		n    int
	}
	var l []kv
	for k, v := range s.ErrorCodes {
		l = append(l, kv{k, v})
	}
	slices.SortFunc(l, func(a, b kv) int { return cmp.Or(cmp.Compare(b.n, a.n), cmp.Compare(a.code, b.code)) })
	parts := make([]string, len(l))
	for i, e := range l {
		parts[i] = fmt.Sprintf("%s (%d)", e.code, e.n)
	}
	return strings.Join(parts, ", ")
}

// coverageTableRows bounds the scopes the table lists; JSON has them all.
const coverageTableRows = 15

// writeCoverageTable writes the human coverage block: the percentage, then
// the incomplete account/region/service scopes with their error codes.
func writeCoverageTable(bw *bufio.Writer, c Coverage) {
	if c.Operations == 0 || c.Percent == nil {
		return
	}
	fmt.Fprintf(bw, "\nCoverage: %.1f%% of %d operations read (%d not collected, %d failed)\n", *c.Percent, c.Operations, c.Missing, c.Error)
	inc := c.Incomplete()
	if len(inc) == 0 {
		return
	}
	accounts := map[string]bool{}
	for _, s := range c.ByScope {
		accounts[s.Account] = true
	}
	multi := len(accounts) > 1
	head := fmt.Sprintf("  %-16s %-14s %5s %8s %6s %9s  %s", "REGION", "SERVICE", "READ", "MISSING", "ERROR", "COVERAGE", "ERROR CODES")
	if multi {
		head = fmt.Sprintf("  %-12s", "ACCOUNT") + head
	}
	bw.WriteString(head + "\n")
	for i, s := range inc {
		if i == coverageTableRows {
			fmt.Fprintf(bw, "  ... %d more incomplete scopes (--format json lists them all)\n", len(inc)-i)
			break
		}
		row := fmt.Sprintf("  %-16s %-14s %5d %8d %6d %8.1f%%  %s", s.Region, s.Service, s.Read, s.Missing, s.Error, s.Percent, s.Codes())
		if multi {
			row = fmt.Sprintf("  %-12s", s.Account) + row
		}
		bw.WriteString(strings.TrimRight(row, " ") + "\n")
	}
}
