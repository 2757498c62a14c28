package report

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/model"
)

// SARIF 2.1.0 (OASIS), as GitHub code scanning reads it. Only the members
// cloudward fills are declared; docs/report-format.md describes them.
const (
	sarifVersion = "2.1.0"
	sarifSchema  = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	// informationURI is the project page in tool.driver.informationUri.
	informationURI = "https://github.com/cloudward/cloudward"
	// FingerprintKey names cloudward's entry in SARIF partialFingerprints.
	FingerprintKey = "cloudwardFingerprint/v1"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Invocations []sarifInvocation `json:"invocations"`
	Results     []sarifResult     `json:"results"` // streamed by WriteSARIF
	Properties  map[string]any    `json:"properties,omitempty"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version"`
	SemanticVer    string      `json:"semanticVersion,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifHelp struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown"`
}

type sarifRule struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name"`
	ShortDescription     sarifText      `json:"shortDescription"`
	FullDescription      sarifText      `json:"fullDescription"`
	Help                 sarifHelp      `json:"help"`
	HelpURI              string         `json:"helpUri,omitempty"`
	DefaultConfiguration sarifRuleConf  `json:"defaultConfiguration"`
	Properties           sarifRuleProps `json:"properties"`
}

type sarifRuleConf struct {
	Level string `json:"level"`
}

type sarifRuleProps struct {
	Tags             []string `json:"tags"`
	SecuritySeverity string   `json:"security-severity"`
	Precision        string   `json:"precision"`
	Severity         string   `json:"cloudward-severity"`
}

type sarifInvocation struct {
	ExecutionSuccessful bool                `json:"executionSuccessful"`
	Notifications       []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level   string    `json:"level"`
	Message sarifText `json:"message"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Kind                string            `json:"kind"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Suppressions        []sarifSuppress   `json:"suppressions,omitempty"`
	Properties          sarifResultProps  `json:"properties"`
}

type sarifSuppress struct {
	Kind          string `json:"kind"`
	Justification string `json:"justification,omitempty"`
}

type sarifResultProps struct {
	Status      string          `json:"status"`
	Resource    *model.Ref      `json:"resource"`
	Evidence    []sarifEvidence `json:"evidence"`
	Fingerprint string          `json:"fingerprint"`
}

type sarifEvidence struct {
	Detail string       `json:"detail"`
	Source model.Source `json:"source"`
}

type sarifLocation struct {
	PhysicalLocation *sarifPhysical `json:"physicalLocation,omitempty"`
	LogicalLocations []sarifLogical `json:"logicalLocations,omitempty"`
	Message          *sarifText     `json:"message,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
	EndLine   int `json:"endLine,omitempty"`
}

type sarifLogical struct {
	Name               string `json:"name,omitempty"`
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
}

// securitySeverity is GitHub code scanning's numeric severity: it maps
// >= 9.0 to critical, >= 7.0 high, >= 4.0 medium, > 0 low.
func securitySeverity(s check.Severity) string {
	switch s {
	case check.Critical:
		return "9.5"
	case check.High:
		return "8.0"
	case check.Medium:
		return "5.5"
	case check.Low:
		return "3.0"
	}
	return "0.0"
}

// sarifLevel is the SARIF level of a failing check of severity s.
func sarifLevel(s check.Severity) string {
	switch {
	case s >= check.High:
		return "error"
	case s == check.Medium:
		return "warning"
	}
	return "note"
}

// WriteSARIF writes the FAIL findings of the listing as SARIF 2.1.0 results,
// plus MUTED findings that were failures, as suppressed results. PASS and
// UNKNOWN findings are not results: code scanning would show an UNKNOWN as a
// permanent alert nobody can fix in the code (docs/report-format.md).
//
// The header (tool, rules) is indented; results are streamed one per line,
// so a large report costs little memory beyond the findings.
func WriteSARIF(w io.Writer, r *Report) error {
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{Name: r.Tool.Name, Version: r.Tool.Version, InformationURI: informationURI,
			Rules: []sarifRule{}}},
		Invocations: []sarifInvocation{{ExecutionSuccessful: true}},
		Properties: map[string]any{"scan_id": r.Scan.ID, "source": r.Scan.Source,
			"posture_score": r.Summary.Score.Overall.Value},
	}
	if cov := r.Coverage; cov.Percent != nil {
		run.Properties["coverage"] = map[string]any{"percent": *cov.Percent, "operations": cov.Operations,
			"read": cov.Read, "missing": cov.Missing, "error": cov.Error}
	}
	if v := strings.TrimPrefix(r.Tool.Version, "v"); v != r.Tool.Version {
		run.Tool.Driver.SemanticVer = v
	}
	for _, warn := range r.Scan.Warnings {
		run.Invocations[0].Notifications = append(run.Invocations[0].Notifications,
			sarifNotification{Level: "warning", Message: sarifText{Text: warn}})
	}
	// First pass: the rules, in order of first appearance.
	ruleIndex := map[*check.Check]int{}
	for i := range r.Findings {
		f := &r.Findings[i]
		if !sarifResultOf(f) {
			continue
		}
		if _, ok := ruleIndex[f.Check]; !ok {
			ruleIndex[f.Check] = len(run.Tool.Driver.Rules)
			run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRuleOf(f.Check))
		}
	}
	head, err := marshalJSON(sarifLog{Schema: sarifSchema, Version: sarifVersion, Runs: []sarifRun{run}}, true)
	if err != nil {
		return err
	}
	// head ends in `"results": null` inside the run: cut there, stream.
	cut := bytes.LastIndex(head, []byte(`"results": null`))
	if cut < 0 {
		return fmt.Errorf("sarif: results member not found")
	}
	bw := bufio.NewWriterSize(w, 256<<10)
	bw.Write(head[:cut])
	bw.WriteString(`"results": [`)
	n := 0
	for i := range r.Findings {
		f := &r.Findings[i]
		if !sarifResultOf(f) {
			continue
		}
		res := sarifResult{
			RuleID: f.Check.ID, RuleIndex: ruleIndex[f.Check], Kind: "fail", Level: sarifLevel(f.Check.Severity),
			Message:             sarifText{Text: resultMessage(f)},
			Locations:           []sarifLocation{sarifLocationOf(f)},
			PartialFingerprints: map[string]string{FingerprintKey: CIFingerprint(f)},
			Properties: sarifResultProps{Status: string(f.Status), Resource: f.Resource,
				Evidence: make([]sarifEvidence, len(f.Evidence)), Fingerprint: Fingerprint(f)},
		}
		for j, ev := range f.Evidence {
			res.Properties.Evidence[j] = sarifEvidence{Detail: ev.Detail, Source: ev.Source}
		}
		if f.Status == check.Muted {
			res.Suppressions = []sarifSuppress{{Kind: "external", Justification: muteText(f.Mute)}}
		}
		if f.Status == check.Suppressed && f.Mute != nil {
			res.Suppressions = []sarifSuppress{{Kind: "inSource", Justification: suppressionText(f.Mute)}}
		}
		b, err := marshalJSON(res, false)
		if err != nil {
			return err
		}
		if n > 0 {
			bw.WriteByte(',')
		}
		bw.WriteString("\n        ")
		bw.Write(b)
		n++
	}
	if n > 0 {
		bw.WriteString("\n      ")
	}
	bw.WriteString("]")
	bw.Write(head[cut+len(`"results": null`):])
	return bw.Flush()
}

// sarifResultOf reports whether f is a SARIF result: a FAIL, or a FAIL that
// a mutelist muted (a suppressed result).
func sarifResultOf(f *check.Finding) bool {
	return f.Status == check.Fail || ((f.Status == check.Muted || f.Status == check.Suppressed) && f.Mute != nil && f.Mute.Status == check.Fail)
}

// marshalJSON encodes v without HTML escaping, indented or on one line,
// without a trailing newline.
func marshalJSON(v any, indent bool) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if indent {
		enc.SetIndent("", "  ")
	}
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// suppressionSource is the kind of inline directive behind a SUPPRESSED
// finding (findings suppressed before Source existed: the tool).
func suppressionSource(m *check.Mute) string {
	if m.Source != "" {
		return m.Source
	}
	return m.Owner
}

// suppressionText is the justification of a SUPPRESSED finding: the reason,
// the kind of directive and where it is written.
func suppressionText(m *check.Mute) string {
	s := m.Reason + " (" + suppressionSource(m) + " directive"
	if m.Expires != "" {
		s += ", until " + m.Expires
	}
	s += ")"
	if m.Entry != "" {
		s += " [" + m.Entry + "]"
	}
	return s
}

func muteText(m *check.Mute) string {
	s := m.Reason
	if m.Owner != "" {
		s += " (owner " + m.Owner + ")"
	}
	if m.Entry != "" {
		s += " [" + m.Entry + "]"
	}
	return s
}

// resultMessage is the one-line text shown on the alert: what is wrong and
// on which resource.
func resultMessage(f *check.Finding) string {
	return f.Check.Title + ": " + f.Message + " (" + resourceName(f.Resource) + ")"
}

// resourceName is the IaC address, else the resource ID.
func resourceName(r *model.Ref) string {
	if r.Address != "" {
		return r.Address
	}
	return r.ID
}

func sarifRuleOf(c *check.Check) sarifRule {
	tags := []string{"security", string(c.Domain), c.Service}
	for _, k := range sortedKeys(c.Frameworks) {
		tags = append(tags, k)
	}
	rule := sarifRule{
		ID: c.ID, Name: ruleName(c.ID),
		ShortDescription:     sarifText{Text: c.Title},
		FullDescription:      sarifText{Text: c.Rationale},
		Help:                 sarifHelp{Text: helpText(c), Markdown: helpMarkdown(c)},
		DefaultConfiguration: sarifRuleConf{Level: sarifLevel(c.Severity)},
		Properties: sarifRuleProps{Tags: tags, SecuritySeverity: securitySeverity(c.Severity),
			Precision: "high", Severity: c.Severity.String()},
	}
	if len(c.References) > 0 {
		rule.HelpURI = c.References[0]
	}
	return rule
}

// ruleName is the check ID in PascalCase, as SARIF rule names are
// identifiers: aws-s3-bucket-public -> AwsS3BucketPublic.
func ruleName(id string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(id, func(r rune) bool { return r == '-' || r == '_' || r == '.' }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

func helpText(c *check.Check) string {
	var b strings.Builder
	b.WriteString(c.Title + "\n\n" + c.Rationale + "\n\nRemediation\n")
	if c.Remediation.Console != "" {
		b.WriteString("\nConsole: " + c.Remediation.Console + "\n")
	}
	if c.Remediation.CLI != "" {
		b.WriteString("\nAWS CLI:\n" + c.Remediation.CLI + "\n")
	}
	if c.Remediation.Terraform != "" {
		b.WriteString("\nTerraform:\n" + c.Remediation.Terraform + "\n")
	}
	if len(c.References) > 0 {
		b.WriteString("\nReferences:\n" + strings.Join(c.References, "\n") + "\n")
	}
	return b.String()
}

func helpMarkdown(c *check.Check) string {
	var b strings.Builder
	b.WriteString("**" + text(c.Title) + "**\n\n" + text(c.Rationale) + "\n\n### Remediation\n")
	if c.Remediation.Console != "" {
		b.WriteString("\n**Console.** " + text(c.Remediation.Console) + "\n")
	}
	if c.Remediation.CLI != "" {
		b.WriteString("\n**AWS CLI.**\n\n```sh\n" + strings.TrimRight(c.Remediation.CLI, "\n") + "\n```\n")
	}
	if c.Remediation.Terraform != "" {
		b.WriteString("\n**Terraform.**\n\n```hcl\n" + strings.TrimRight(c.Remediation.Terraform, "\n") + "\n```\n")
	}
	if len(c.References) > 0 {
		b.WriteString("\n### References\n\n")
		for _, ref := range c.References {
			b.WriteString("- <" + ref + ">\n")
		}
	}
	return b.String()
}

// sarifLocationOf places an IaC finding in its file, on the offending
// attribute when the evidence has its lines, else on the resource block; a
// deployed resource gets a logical location (its ARN) and no file.
func sarifLocationOf(f *check.Finding) sarifLocation {
	file, start, end, ok := ciLocation(f)
	logical := []sarifLogical{{Name: f.Resource.Name, FullyQualifiedName: resourceName(f.Resource), Kind: "resource"}}
	if !ok {
		return sarifLocation{LogicalLocations: logical}
	}
	uri, base := artifactURI(file)
	// GitHub code scanning places a result only with region.startLine: a
	// source without lines (plan JSON) points at the file's first line.
	region := &sarifRegion{StartLine: 1, EndLine: 1}
	if start > 0 {
		region = &sarifRegion{StartLine: start, EndLine: max(end, start)}
	}
	loc := sarifLocation{PhysicalLocation: &sarifPhysical{ArtifactLocation: sarifArtifact{URI: uri, URIBaseID: base}, Region: region}}
	loc.LogicalLocations = logical
	return loc
}

// ciLocation is where a CI annotation points: the first evidence source
// with lines in the resource's file, else the resource's block. ok is false
// for deployed resources (no IaC location).
func ciLocation(f *check.Finding) (file string, start, end int, ok bool) {
	loc := f.Resource.Location
	if loc == nil || loc.File == "" {
		return "", 0, 0, false
	}
	for _, ev := range f.Evidence {
		if ev.Source.File == loc.File && ev.Source.StartLine > 0 {
			return loc.File, ev.Source.StartLine, ev.Source.EndLine, true
		}
	}
	return loc.File, loc.StartLine, loc.EndLine, true
}

// artifactURI turns a scanned path into a SARIF URI: relative paths (as
// `scan iac .` gives them from the repository root) become forward-slash
// paths under %SRCROOT%; absolute paths become file:// URIs.
func artifactURI(file string) (uri, base string) {
	p := filepath.ToSlash(file)
	if filepath.IsAbs(file) || strings.HasPrefix(p, "/") {
		if !strings.HasPrefix(p, "/") { // C:/x on Windows
			p = "/" + p
		}
		return "file://" + escapePath(p), ""
	}
	return escapePath(cleanRel(p)), "%SRCROOT%"
}

// cleanRel cleans a relative forward-slash path and drops a leading "./".
func cleanRel(p string) string {
	p = path.Clean(p)
	return strings.TrimPrefix(p, "./")
}

// escapePath percent-encodes the characters a URI reference cannot hold.
func escapePath(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"%<>\^`+"`{|}#?[]", c) >= 0 {
			b.WriteString("%" + strings.ToUpper(hex.EncodeToString([]byte{c})))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// CIFingerprint identifies a finding for CI across commits: sha256 of the
// check ID and, for IaC resources, the file and the resource address, for
// deployed resources the resource ID. Line numbers are left out on purpose,
// so an edit above a resource does not turn its alert into a new one.
// SARIF partialFingerprints and --baseline use it.
func CIFingerprint(f *check.Finding) string {
	file := ""
	if f.Resource.Location != nil && f.Resource.Address != "" {
		file = f.Resource.Location.File
	}
	return ciFingerprint(f.Check.ID, f.Resource.ID, f.Resource.Address, file)
}

func ciFingerprint(checkID, id, address, file string) string {
	h := sha256.New()
	if address != "" {
		if file != "" {
			file = cleanRel(filepath.ToSlash(file))
		}
		h.Write([]byte("iac\x00" + checkID + "\x00" + file + "\x00" + address))
	} else {
		h.Write([]byte("cloud\x00" + checkID + "\x00" + id))
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
