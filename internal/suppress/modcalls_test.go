package suppress_test

import (
	"context"
	"testing"

	"github.com/cloudward/cloudward/internal/check"
	checksaws "github.com/cloudward/cloudward/internal/checks/aws"
	"github.com/cloudward/cloudward/internal/scanrun"
	"github.com/cloudward/cloudward/internal/suppress"
)

// A directive above a module block suppresses that check on every resource
// under the call, nested calls included, and nothing else.
func TestDirectiveOnModuleCall(t *testing.T) {
	invs, _, err := scanrun.LoadIaC([]string{"testdata/modcalls"}, scanrun.IaCOptions{}, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	findings, err := check.Run(context.Background(), check.Input{AWS: invs}, checksaws.Checks())
	if err != nil {
		t.Fatal(err)
	}
	if w := suppress.NewApplier().Apply(findings, scanDay); len(w) != 0 {
		t.Errorf("warnings: %q", w)
	}
	got := map[string]check.Finding{}
	for _, f := range findings {
		got[f.Check.ID+" "+f.Resource.Address] = f
	}
	const kms, ebs = "aws-kms-key-rotation-disabled", "aws-ec2-ebs-volume-unencrypted"
	cases := []struct {
		check, address string
		status         check.Status
		tool, entry    string
	}{
		{kms, "module.legacy.aws_kms_key.this", check.Suppressed, "cloudward", "modcalls/main.tf:4"},
		{ebs, "module.legacy.aws_ebs_volume.cache", check.Fail, "", ""}, // another check
		{kms, "module.current.aws_kms_key.this", check.Fail, "", ""},    // the same module, another call
		{ebs, "module.current.aws_ebs_volume.cache", check.Fail, "", ""},
		{kms, "module.platform.module.keys.aws_kms_key.this", check.Suppressed, "checkov", "modcalls/main.tf:15"}, // nested
		{ebs, "module.platform.module.keys.aws_ebs_volume.cache", check.Fail, "", ""},
	}
	for _, c := range cases {
		f, ok := got[c.check+" "+c.address]
		if !ok {
			t.Errorf("%s on %s: no finding", c.check, c.address)
			continue
		}
		if f.Status != c.status {
			t.Errorf("%s on %s: %s, want %s", c.check, c.address, f.Status, c.status)
			continue
		}
		if c.status == check.Suppressed && (f.Mute == nil || f.Mute.Owner != c.tool || f.Mute.Entry != "testdata/"+c.entry) {
			t.Errorf("%s on %s: suppression %+v, want %s at %s", c.check, c.address, f.Mute, c.tool, c.entry)
		}
	}
}
