package demo

import (
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/cloudward/cloudward/internal/check"
	awschecks "github.com/cloudward/cloudward/internal/checks/aws"
	"github.com/cloudward/cloudward/internal/source/snapshot"
)

const acct = "123456789012"

// Short ARN builders keep the expectation table readable.
func sg(region, id string) string {
	return "arn:aws:ec2:" + region + ":" + acct + ":security-group/" + id
}
func ec2(region, kind, id string) string { return "arn:aws:ec2:" + region + ":" + acct + ":" + kind + "/" + id }
func user(pathName string) string      { return "arn:aws:iam::" + acct + ":user/" + pathName }
func role(name string) string          { return "arn:aws:iam::" + acct + ":role/" + name }
func bucket(name string) string        { return "arn:aws:s3:::" + name }
func db(region, name string) string    { return "arn:aws:rds:" + region + ":" + acct + ":db:" + name }
func key(region, id string) string     { return "arn:aws:kms:" + region + ":" + acct + ":key/" + id }
func trail(region, name string) string {
	return "arn:aws:cloudtrail:" + region + ":" + acct + ":trail/" + name
}
func region(name string) string { return acct + "/" + name }

const rootARN = "arn:aws:iam::" + acct + ":root"

// passOnly are checks on a single account-level resource that the demo
// account gets right by design (its root has MFA; it has a multi-region
// management trail), so they cannot also FAIL.
var passOnly = map[string]bool{
	"aws-iam-root-mfa-disabled":          true,
	"aws-cloudtrail-multi-region-missing": true,
}

// expectedWarnings are import warnings the demo produces on purpose.
var expectedWarnings = []string{}

func loadDemo(t *testing.T) *snapshot.Result {
	t.Helper()
	res, err := snapshot.LoadFS(FS())
	if err != nil && strings.Contains(err.Error(), "not implemented") {
		t.Skip("snapshot importer not implemented yet")
	}
	if err != nil {
		t.Fatalf("demo snapshot does not load: %v", err)
	}
	return res
}

type key2 struct{ check, resource string }

func runDemo(t *testing.T) (map[key2]check.Finding, []check.Finding) {
	t.Helper()
	res := loadDemo(t)
	for _, w := range res.Warnings {
		ok := false
		for _, e := range expectedWarnings {
			ok = ok || strings.Contains(w.String(), e)
		}
		if !ok {
			t.Errorf("unexpected import warning: %s", w)
		}
	}
	reg, err := check.NewRegistry(awschecks.Checks()...)
	if err != nil {
		t.Fatal(err)
	}
	findings, err := check.Run(context.Background(), check.Input{AWS: []*awsm(res)}, reg.All())
	if err != nil {
		t.Fatal(err)
	}
	byKey := make(map[key2]check.Finding, len(findings))
	for _, f := range findings {
		byKey[key2{f.Check.ID, f.Resource.ID}] = f
	}
	return byKey, findings
}
