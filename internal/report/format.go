package report

import (
	"fmt"
	"io"
)

// Formats are the report formats, the default first.
var Formats = []string{"table", "json", "csv", "html", "sarif", "junit", "github"}

// Write encodes r in the named format.
func Write(w io.Writer, format string, r *Report, opts TableOptions) error {
	switch format {
	case "table":
		return WriteTable(w, r, opts)
	case "json":
		return WriteJSON(w, r)
	case "csv":
		return WriteCSV(w, r)
	case "html":
		return WriteHTML(w, r)
	case "sarif": // CI outputs (sarif.go, junit.go, github.go); docs/ci.md
		return WriteSARIF(w, r)
	case "junit":
		return WriteJUnit(w, r)
	case "github":
		return WriteGitHub(w, r)
	}
	return fmt.Errorf("unknown report format %q (want table, json, csv, html, sarif, junit or github)", format)
}
