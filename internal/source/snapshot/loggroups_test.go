package snapshot

import (
	"testing"

	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

func TestLoadLogGroups(t *testing.T) {
	inv := mustLoad(t, basicDir).Inventory
	us := inv.RegionNamed("us-east-1").Monitoring.LogGroups
	groups, ok := us.Get()
	if !ok || len(groups) != 3 {
		t.Fatalf("us-east-1 log groups = %v (known %v), want 3", groups, ok)
	}
	byName := map[string]awsm.LogGroup{}
	for _, g := range groups {
		byName[g.Name] = g
	}
	for name, want := range map[string]int64{"cloudtrail": 90, "/aws/vpc/flow-logs": 400, "/aws/lambda/orders-api": 0} {
		g, found := byName[name]
		days, known := g.RetentionInDays.Get()
		if !found || !known || days != want {
			t.Errorf("%s: retention %d (known %v, found %v), want %d", name, days, known, found, want)
		}
	}
	ct := byName["cloudtrail"]
	if ct.ARN != "arn:aws:logs:us-east-1:111122223333:log-group:cloudtrail" || ct.KMSKeyID == "" {
		t.Errorf("cloudtrail group = %+v", ct)
	}
	if src := ct.RetentionInDays.Source(); src.File != "us-east-1/logs/describe-log-groups.json" || src.Path != "logGroups[2].retentionInDays" {
		t.Errorf("retention source = %+v", src)
	}
	// eu-west-1 has no file: unknown, and coverage says missing.
	if _, known := inv.RegionNamed("eu-west-1").Monitoring.LogGroups.Get(); known {
		t.Error("eu-west-1 log groups known without a file")
	}
	found := false
	for _, c := range inv.Coverage {
		if c.Region == "eu-west-1" && c.Service == "logs" && c.Operation == "describe-log-groups" {
			found = c.Status == awsm.CoverageMissing
		}
	}
	if !found {
		t.Error("no missing coverage entry for eu-west-1 logs describe-log-groups")
	}
}

func TestLoadLogGroupsErrorAndBadInput(t *testing.T) {
	dir := variant(t, map[string]string{
		"us-east-1/logs/describe-log-groups.json":       "",
		"us-east-1/logs/describe-log-groups.error.json": `{"Code": "AccessDeniedException", "Message": "not authorized to perform: logs:DescribeLogGroups"}`,
		"eu-west-1/logs/describe-log-groups.json":       `{"logGroups": [{"logGroupName": "x", "retentionInDays": "ninety"}]}`,
	})
	res := mustLoad(t, dir)
	var us model.Value[[]awsm.LogGroup] = res.Inventory.RegionNamed("us-east-1").Monitoring.LogGroups
	if _, known := us.Get(); known {
		t.Error("log groups known after AccessDenied")
	}
	if _, known := res.Inventory.RegionNamed("eu-west-1").Monitoring.LogGroups.Get(); known {
		t.Error("log groups known from a malformed file")
	}
	warned := false
	for _, w := range res.Warnings {
		if w.File == "eu-west-1/logs/describe-log-groups.json" {
			warned = true
		}
	}
	if !warned {
		t.Errorf("no warning for the malformed file: %v", res.Warnings)
	}
}
