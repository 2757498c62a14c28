package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/cloudward/cloudward/internal/check"
)

// WriteGitHub writes one GitHub Actions workflow command per FAIL finding,
// which the runner turns into an annotation on the file and line (IaC) or
// on the run (deployed resources, no file=):
//
//	::error file=main.tf,line=12,endLine=18,title=aws-ec2-sg-ssh-open::...
//
// critical and high are errors, medium warnings, low and info notices.
func WriteGitHub(w io.Writer, r *Report) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	for i := range r.Findings {
		f := &r.Findings[i]
		if f.Status != check.Fail {
			continue
		}
		var props []string
		if file, start, end, ok := ciLocation(f); ok {
			props = append(props, "file="+ghProperty(cleanRel(strings.ReplaceAll(file, `\`, "/"))))
			if start > 0 {
				props = append(props, fmt.Sprintf("line=%d", start), fmt.Sprintf("endLine=%d", max(start, end)))
			}
		}
		props = append(props, "title="+ghProperty(f.Check.ID))
		fmt.Fprintf(bw, "::%s %s::%s\n", ghCommand(f.Check.Severity), strings.Join(props, ","), ghData(ghMessage(f)))
	}
	return bw.Flush()
}

func ghCommand(s check.Severity) string {
	switch {
	case s >= check.High:
		return "error"
	case s == check.Medium:
		return "warning"
	}
	return "notice"
}

// ghMessage is the annotation text: title, message, resource and the fix
// in one paragraph per item (newlines are escaped, the UI shows them).
func ghMessage(f *check.Finding) string {
	var b strings.Builder
	b.WriteString("[" + f.Check.Severity.String() + "] " + f.Check.Title + ": " + f.Message + "\nResource: " + resourceName(f.Resource))
	for _, ev := range f.Evidence {
		b.WriteString("\nEvidence: " + ev.Detail)
	}
	if c := f.Check.Remediation.Console; c != "" {
		b.WriteString("\nFix: " + c)
	}
	if len(f.Check.References) > 0 {
		b.WriteString("\nSee " + f.Check.References[0])
	}
	return b.String()
}

// ghData escapes a workflow command's message as the runner decodes it
// (actions/toolkit escapeData): %, CR and LF.
var ghDataEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")

func ghData(s string) string { return ghDataEscaper.Replace(s) }

// ghProperty escapes a property value (escapeProperty): also : and ,
// which would end the value.
var ghPropertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")

func ghProperty(s string) string { return ghPropertyEscaper.Replace(s) }
