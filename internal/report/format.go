package report

import (
	"fmt"
	"io"
)

// Formats are the report formats, the default first.
var Formats = []string{"table", "json", "csv"}

// Write encodes r in the named format.
func Write(w io.Writer, format string, r *Report, opts TableOptions) error {
	switch format {
	case "table":
		return WriteTable(w, r, opts)
	case "json":
		return WriteJSON(w, r)
	case "csv":
		return WriteCSV(w, r)
	}
	return fmt.Errorf("unknown report format %q (want table, json or csv)", format)
}
