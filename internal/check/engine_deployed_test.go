package check

import (
	"context"
	"testing"

	"github.com/cloudward/cloudward/internal/model/aws"
)

// A DeployedOnly check judges deployed inventories and is skipped, by
// declaration, for inventories read from infrastructure as code.
func TestDeployedOnlySkippedForIaC(t *testing.T) {
	meta := testMeta("test-deployed-only")
	meta.DeployedOnly = true
	deployedOnly := AWS(meta, func(inv *aws.Inventory) []*aws.Volume { return inv.Volumes },
		func(_ *Env, _ *aws.Volume) Result { return FailResult("unused for 90 days") })
	live, iac := volumes(4), volumes(5)
	iac.IaC = true
	in := Input{AWS: []*aws.Inventory{live, iac}}
	got, err := Run(context.Background(), in, []*Check{deployedOnly, encrypted})
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, f := range got {
		counts[f.Check.ID]++
	}
	if counts["test-deployed-only"] != 4 {
		t.Errorf("deployed-only check: %d findings, want 4 (the live inventory only)", counts["test-deployed-only"])
	}
	if counts["test-ebs-encrypted"] != 9 {
		t.Errorf("ordinary check: %d findings, want 9 (both inventories)", counts["test-ebs-encrypted"])
	}
	if n := Evaluations(in, []*Check{deployedOnly, encrypted}); n != 4+9 {
		t.Errorf("Evaluations = %d, want 13", n)
	}
}
