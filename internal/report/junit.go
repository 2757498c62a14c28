package report

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/cloudward/cloudward/internal/check"
)

// WriteJUnit writes the listed findings as JUnit XML, the report format CI
// systems (GitLab, Jenkins, Azure Pipelines) show as test results: one
// <testsuite> per check, one <testcase> per resource. FAIL is a <failure>,
// UNKNOWN and MUTED are <skipped>, PASS is a bare test case.
func WriteJUnit(w io.Writer, r *Report) error {
	type suite struct {
		c                        *check.Check
		findings                 []*check.Finding
		failures, skipped, total int
	}
	var suites []*suite
	byCheck := map[*check.Check]*suite{}
	var total, failures, skipped int
	for i := range r.Findings {
		f := &r.Findings[i]
		s := byCheck[f.Check]
		if s == nil {
			s = &suite{c: f.Check}
			byCheck[f.Check] = s
			suites = append(suites, s)
		}
		s.findings = append(s.findings, f)
		s.total++
		switch f.Status {
		case check.Fail:
			s.failures++
		case check.Unknown, check.Muted, check.Suppressed:
			s.skipped++
		}
	}
	for _, s := range suites {
		total += s.total
		failures += s.failures
		skipped += s.skipped
	}

	bw := bufio.NewWriterSize(w, 64<<10)
	tails := map[*check.Check]string{} // escaped remediation, once per check
	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }
	bw.WriteString(xml.Header)
	p(`<testsuites name="%s" tests="%d" failures="%d" errors="0" skipped="%d" time="%s">`+"\n",
		attr(r.Tool.Name+" "+r.Scan.Source), total, failures, skipped, seconds(r))
	for _, s := range suites {
		c := s.c
		p(`  <testsuite name="%s" tests="%d" failures="%d" errors="0" skipped="%d" time="0">`+"\n",
			attr(c.ID), s.total, s.failures, s.skipped)
		p(`    <properties>` + "\n")
		p(`      <property name="title" value="%s"/>`+"\n", attr(c.Title))
		p(`      <property name="severity" value="%s"/>`+"\n", c.Severity)
		p(`      <property name="domain" value="%s"/>`+"\n", attr(string(c.Domain)))
		p(`      <property name="service" value="%s"/>`+"\n", attr(c.Service))
		p(`    </properties>` + "\n")
		for _, f := range s.findings {
			name := resourceName(f.Resource)
			file := ""
			if fl, start, _, ok := ciLocation(f); ok {
				file = fmt.Sprintf(` file="%s"`, attr(cleanRel(fl)))
				if start > 0 {
					file += fmt.Sprintf(` line="%d"`, start)
				}
			}
			p(`    <testcase classname="%s" name="%s"%s time="0"`, attr(c.ID), attr(name), file)
			switch f.Status {
			case check.Fail:
				tail, ok := tails[c]
				if !ok {
					tail = chars(remediationText(c))
					tails[c] = tail
				}
				p(">\n      <failure message=\"%s\" type=\"%s\">%s%s</failure>\n    </testcase>\n",
					attr(f.Message), c.Severity, chars(failureText(f)), tail)
			case check.Unknown:
				p(">\n      <skipped message=\"%s\"/>\n    </testcase>\n", attr("UNKNOWN: "+f.Message))
			case check.Muted, check.Suppressed:
				msg := string(f.Status)
				if f.Mute != nil && f.Status == check.Suppressed {
					msg += ": " + suppressionText(f.Mute)
				} else if f.Mute != nil {
					msg += ": " + muteText(f.Mute)
				}
				p(">\n      <skipped message=\"%s\"/>\n    </testcase>\n", attr(msg))
			default:
				p("/>\n")
			}
		}
		p("  </testsuite>\n")
	}
	p("</testsuites>\n")
	return bw.Flush()
}

func seconds(r *Report) string {
	d := r.Scan.FinishedAt.Sub(r.Scan.StartedAt)
	if d < 0 {
		d = 0
	}
	return fmt.Sprintf("%.3f", d.Seconds())
}

// failureText is the start of a <failure>: what, where and the evidence;
// remediationText (the same for every finding of a check) follows.
func failureText(f *check.Finding) string {
	var b strings.Builder
	c := f.Check
	fmt.Fprintf(&b, "%s [%s]\n%s\nResource: %s (%s)\n", c.Title, c.Severity, f.Message, resourceName(f.Resource), f.Resource.Type)
	if file, start, end, ok := ciLocation(f); ok {
		if start > 0 {
			fmt.Fprintf(&b, "Location: %s:%d-%d\n", cleanRel(file), start, max(start, end))
		} else {
			fmt.Fprintf(&b, "Location: %s\n", cleanRel(file))
		}
	}
	if len(f.Evidence) > 0 {
		b.WriteString("Evidence:\n")
		for _, ev := range f.Evidence {
			b.WriteString("  - " + ev.Detail)
			if s := sourceText(ev.Source.File, ev.Source.Path, ev.Source.StartLine); s != "" {
				b.WriteString(" (" + s + ")")
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

// remediationText is how to fix a failure of c.
func remediationText(c *check.Check) string {
	var b strings.Builder
	b.WriteString("Remediation:\n")
	if c.Remediation.Console != "" {
		b.WriteString("  Console: " + c.Remediation.Console + "\n")
	}
	if c.Remediation.CLI != "" {
		b.WriteString("  AWS CLI:\n" + indent(c.Remediation.CLI, "    "))
	}
	if c.Remediation.Terraform != "" {
		b.WriteString("  Terraform:\n" + indent(c.Remediation.Terraform, "    "))
	}
	for _, ref := range c.References {
		b.WriteString("Reference: " + ref + "\n")
	}
	return b.String()
}

func sourceText(file, path string, line int) string {
	s := file
	if line > 0 {
		s += fmt.Sprintf(":%d", line)
	}
	if path != "" {
		if s != "" {
			s += " "
		}
		s += path
	}
	return s
}

func indent(s, pre string) string {
	var b strings.Builder
	for _, line := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		b.WriteString(pre + line + "\n")
	}
	return b.String()
}

// attr escapes an XML attribute value; newlines and tabs are kept as
// character references so parsers do not normalise them to spaces.
func attr(s string) string { return xmlEscape(s, true) }

// chars escapes XML character data.
func chars(s string) string { return xmlEscape(s, false) }

// xmlEscape escapes markup and drops what XML 1.0 cannot carry at all
// (most control characters, invalid UTF-8), replacing it with U+FFFD.
func xmlEscape(s string, inAttr bool) string {
	clean := true
	for i := 0; i < len(s) && clean; i++ {
		c := s[i]
		clean = c >= 0x20 && c < utf8.RuneSelf && c != '&' && c != '<' && c != '>' && c != '"' || c == '\n' && !inAttr
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteRune('\uFFFD')
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '"' && inAttr:
			b.WriteString("&quot;")
		case (r == '\n' || r == '\r' || r == '\t') && inAttr:
			fmt.Fprintf(&b, "&#x%X;", r)
		case r == '\r':
			b.WriteString("&#xD;")
		case r == '\n' || r == '\t':
			b.WriteRune(r)
		case r < 0x20 || r == 0xFFFE || r == 0xFFFF || (r >= 0xD800 && r <= 0xDFFF):
			b.WriteRune('\uFFFD')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
