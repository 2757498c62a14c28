package cli

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/cloudward/cloudward/internal/report"
)

// writeComplianceCSVs is --compliance-csv DIR: one control-results CSV per
// evaluated framework, named by report.ComplianceCSVName. The directory is
// created if needed; existing files of the same name are replaced.
func writeComplianceCSVs(env *Env, dir string, r *report.Report) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("--compliance-csv: %w", err)
	}
	for _, res := range r.Compliance {
		name := filepath.Join(dir, report.ComplianceCSVName(res))
		f, err := os.Create(name)
		if err != nil {
			return fmt.Errorf("--compliance-csv: %w", err)
		}
		err = report.WriteComplianceCSV(f, res)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("--compliance-csv: writing %s: %w", name, err)
		}
	}
	fmt.Fprintf(env.Stderr, "cloudward: wrote %d compliance CSV files to %s\n", len(r.Compliance), dir)
	return nil
}
