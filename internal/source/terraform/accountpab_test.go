package terraform

import (
	"strings"
	"testing"

	"github.com/cloudward/cloudward/internal/check"
)

// Decision (docs/iac.md): a bucket's public-access verdict needs the
// account-level Block Public Access. When the configuration does not declare
// it, a bucket that opens itself is UNKNOWN naming the undeclared setting;
// bucket-level settings that block alone decide PASS; a declared account
// setting that is off makes it FAIL.
func TestAccountBlockPublicAccessDecision(t *testing.T) {
	for _, c := range []struct {
		root, site, assets string
		status             check.Status
	}{
		{"undeclared", "aws_s3_bucket.site", "aws_s3_bucket.assets", check.Unknown},
		{"declared", "aws_s3_bucket.site", "aws_s3_bucket.assets", check.Fail},
	} {
		t.Run(c.root, func(t *testing.T) {
			res := loadTree(t, "testdata/eval/accountpab/"+c.root, Options{})
			if len(res.Warnings) > 0 {
				t.Fatalf("warnings:\n%s", warningsText(res))
			}
			fs := run(t, res.Inventory)
			for _, id := range []string{"aws-s3-bucket-public-policy", "aws-s3-bucket-public-acl"} {
				f := want(t, fs, id, c.site, c.status)
				if c.status == check.Unknown && !strings.Contains(f.Message+evidenceOf(f), "aws_s3_account_public_access_block") {
					t.Errorf("%s: UNKNOWN does not name the undeclared account setting: %s %s", id, f.Message, evidenceOf(f))
				}
				t.Logf("%s %s: %s:%s", id, f.Status, f.Message, evidenceOf(f))
				want(t, fs, id, c.assets, check.Pass)
			}
			// The account-level check itself judges only a declared setting.
			_, judged := fs["aws-s3-account-public-access-block-off aws_s3_account_public_access_block.this"]
			if judged != (c.root == "declared") {
				t.Errorf("account-level check judged: %v", judged)
			}
		})
	}
}

func evidenceOf(f check.Finding) string {
	var b strings.Builder
	for _, e := range f.Evidence {
		b.WriteString(" " + e.Detail)
	}
	return b.String()
}
