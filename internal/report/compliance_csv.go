package report

import (
	"bufio"
	"encoding/csv"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/cloudward/cloudward/internal/compliance"
)

// ComplianceCSVHeader is the header row of a framework's control-results CSV
// (docs/report-format.md).
var ComplianceCSVHeader = []string{
	"framework", "control_id", "title", "section", "level", "assessment", "status",
	"checks", "failing_count", "failing_resources", "unknown_count", "muted_count", "passed_count",
}

// maxCSVCell keeps a cell under the 32,767 characters a spreadsheet cell
// holds; failing_resources beyond it are counted, not listed.
const maxCSVCell = 32000

// WriteComplianceCSV writes one framework's control results, one row per
// control in framework order. failing_count counts FAIL findings;
// failing_resources lists the distinct resource IDs behind them, sorted,
// joined by "; ", and ends with "… and N more" if the list would not fit in
// a spreadsheet cell.
func WriteComplianceCSV(w io.Writer, res compliance.Result) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	cw := csv.NewWriter(bw)
	if err := cw.Write(ComplianceCSVHeader); err != nil {
		return err
	}
	fw := res.Framework
	row := make([]string, 0, len(ComplianceCSVHeader))
	var ids []string
	for _, cr := range res.Controls {
		c := cr.Control
		level := ""
		if c.Level > 0 {
			level = strconv.Itoa(c.Level)
		}
		ids = ids[:0]
		for _, f := range cr.Failing {
			ids = append(ids, f.Resource.ID)
		}
		slices.Sort(ids)
		ids = slices.Compact(ids)
		row = append(row[:0], fw.ID, c.ID, c.Title, c.Section, level, string(c.Assessment), string(cr.Status),
			strings.Join(c.Checks, csvSep), strconv.Itoa(len(cr.Failing)), joinCapped(ids, maxCSVCell),
			strconv.Itoa(len(cr.Unknown)), strconv.Itoa(len(cr.Muted)), strconv.Itoa(cr.Passed))
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// joinCapped joins items with csvSep, stopping before limit bytes and
// saying how many were left out.
func joinCapped(items []string, limit int) string {
	var b strings.Builder
	for i, s := range items {
		if b.Len()+len(csvSep)+len(s) > limit-40 { // room for the tail
			if i > 0 {
				b.WriteString(csvSep)
			}
			b.WriteString("… and " + strconv.Itoa(len(items)-i) + " more")
			return b.String()
		}
		if i > 0 {
			b.WriteString(csvSep)
		}
		b.WriteString(s)
	}
	return b.String()
}

// ComplianceCSVName is the file name of a framework's CSV in the
// --compliance-csv directory: "<framework-id>.csv", plus "-l<level>" when a
// CIS profile level restricted it.
func ComplianceCSVName(res compliance.Result) string {
	name := res.Framework.ID
	if res.Level > 0 {
		name += "-l" + strconv.Itoa(res.Level)
	}
	return name + ".csv"
}
