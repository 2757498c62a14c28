package awslive_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/cloudward/cloudward/internal/check"
	awschecks "github.com/cloudward/cloudward/internal/checks/aws"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
	"github.com/cloudward/cloudward/internal/report"
	"github.com/cloudward/cloudward/internal/source/awslive"
)

// An account whose role cannot be assumed is an AssumeRoleError with the
// AWS code, and its UnreachedInventory puts it in the report's coverage
// (sts assume-role, error AccessDenied) without any finding.
func TestUnassumableAccountIsCoverage(t *testing.T) {
	res, _, _ := collectOrg(t, orgScenario(t), awslive.Options{Services: []string{"iam"}, Regions: []string{"us-east-1"}})
	var unreached *awsm.Inventory
	for _, r := range res {
		if r.Account.ID != deniedID {
			continue
		}
		var re *awslive.AssumeRoleError
		if !errors.As(r.Err, &re) || re.Code != "AccessDenied" || re.RoleARN != "arn:aws:iam::"+deniedID+":role/cloudward-audit" {
			t.Fatalf("denied account: err %#v", r.Err)
		}
		unreached = awslive.UnreachedInventory(r.Account.ID, re)
	}
	if unreached == nil {
		t.Fatal("no result for the denied account")
	}
	fs, err := check.Run(context.Background(), check.Input{AWS: []*awsm.Inventory{unreached}}, awschecks.Checks())
	if err != nil || len(fs) != 0 {
		t.Fatalf("checks on the unreached account: %d findings, err %v", len(fs), err)
	}
	r := report.Build(report.Input{Inventories: []*awsm.Inventory{unreached}})
	c := r.Coverage
	if c.Operations != 1 || c.Error != 1 || len(c.Errors) != 1 || len(r.Scan.AccountIDs) != 0 {
		t.Fatalf("coverage %+v, accounts %v", c, r.Scan.AccountIDs)
	}
	e := c.Errors[0]
	if e.Operation != "global/sts/assume-role" || e.Code != "AccessDenied" || e.Account != deniedID || e.Service != "sts" ||
		!strings.Contains(e.Detail, "assuming arn:aws:iam::"+deniedID+":role/cloudward-audit: AccessDenied") {
		t.Errorf("coverage error %+v", e)
	}
	if len(c.ByScope) != 1 || c.ByScope[0].Account != deniedID || c.ByScope[0].ErrorCodes["AccessDenied"] != 1 || c.ByScope[0].Percent != 0 {
		t.Errorf("by scope %+v", c.ByScope)
	}
}
