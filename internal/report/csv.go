package report

import (
	"bufio"
	"encoding/csv"
	"io"
	"sort"
	"strings"

	"github.com/cloudward/cloudward/internal/check"
)

// CSVHeader is the CSV report's header row (docs/report-format.md).
var CSVHeader = []string{
	"severity", "status", "check_id", "title", "domain", "service",
	"resource_id", "resource_type", "resource_name", "region", "account", "provider",
	"message", "evidence", "evidence_sources", "frameworks",
	"remediation_console", "remediation_cli", "remediation_terraform", "fingerprint",
	"mute_reason", "mute_owner", "mute_expires", "mute_entry",
}

// csvSep joins multi-valued fields.
const csvSep = "; "

// WriteCSV writes one row per listed finding, after a header row. Values are
// quoted by encoding/csv where needed (commas, quotes, newlines).
func WriteCSV(w io.Writer, r *Report) error {
	bw := bufio.NewWriterSize(w, 256<<10)
	cw := csv.NewWriter(bw)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	frameworks := map[*check.Check]string{}
	row := make([]string, len(CSVHeader))
	var details, sources []string
	scratch, fp := make([]byte, 0, 512), make([]byte, 0, 32)
	for i := range r.Findings {
		f := &r.Findings[i]
		c := f.Check
		fw, ok := frameworks[c]
		if !ok {
			fw = frameworkList(c.Frameworks)
			frameworks[c] = fw
		}
		details, sources = details[:0], sources[:0]
		for _, ev := range f.Evidence {
			details = append(details, ev.Detail)
			sources = append(sources, ev.Source.String())
		}
		row = append(row[:0],
			c.Severity.String(), string(f.Status), c.ID, c.Title, string(c.Domain), c.Service,
			f.Resource.ID, f.Resource.Type, f.Resource.Name, f.Resource.Region, f.Resource.Account, f.Resource.Provider,
			f.Message, strings.Join(details, csvSep), strings.Join(sources, csvSep), fw,
			c.Remediation.Console, c.Remediation.CLI, c.Remediation.Terraform, string(appendFingerprint(fp[:0], scratch, f)),
		)
		if m := f.Mute; m != nil && f.Status == check.Suppressed {
			// The mute_* columns of a SUPPRESSED row describe the directive;
			// mute_owner is its kind (checkov, cloudformation-metadata...).
			row = append(row, m.Reason, suppressionSource(m), m.Expires, m.Entry)
		} else if m != nil {
			row = append(row, m.Reason, m.Owner, m.Expires, m.Entry)
		} else {
			row = append(row, "", "", "", "")
		}
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

// frameworkList renders mappings as "cis-aws-4.0:5.3; cis-aws-4.0:5.4".
func frameworkList(fw map[string][]string) string {
	keys := make([]string, 0, len(fw))
	for k := range fw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []string
	for _, k := range keys {
		for _, id := range fw[k] {
			out = append(out, k+":"+id)
		}
	}
	return strings.Join(out, csvSep)
}
