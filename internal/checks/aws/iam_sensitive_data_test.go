package aws

import (
	"strings"
	"testing"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

func TestSensitiveTag(t *testing.T) {
	for _, c := range []struct {
		tags map[string]string
		want string
	}{
		{map[string]string{"data-classification": "Confidential"}, "data-classification=Confidential"},
		{map[string]string{"DataClassification": "PII"}, "DataClassification=PII"},
		{map[string]string{"acme:classification": "restricted"}, "acme:classification=restricted"},
		{map[string]string{"Sensitivity": "highly-confidential"}, "Sensitivity=highly-confidential"},
		{map[string]string{"contains-pii": "true"}, "contains-pii=true"},
		{map[string]string{"pci": "Yes", "team": "payments"}, "pci=Yes"},
		{map[string]string{"data-classification": "public"}, ""},
		{map[string]string{"data-classification": "internal"}, ""},
		{map[string]string{"contains-pii": "false"}, ""},
		{map[string]string{"Name": "confidential-reports"}, ""}, // a value of another key
		{map[string]string{}, ""},
	} {
		if got := sensitiveTag(c.tags); got != c.want {
			t.Errorf("sensitiveTag(%v) = %q, want %q", c.tags, got, c.want)
		}
	}
}

func tagsKnown(kv ...string) model.Tags {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return model.Known(m, model.Source{File: "global/s3api/get-bucket-tagging/x.json", Path: "TagSet"})
}

func TestSensitiveDataAccess(t *testing.T) {
	inv := engInv()
	admin := engPolicy(t, inv, "AdministratorAccess", engAdmin, true)
	engUser(inv, "alice", nil, admin)
	engUser(inv, "analyst", nil, engPolicy(t, inv, "payroll-reports-read",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::acme-payroll/reports/*"}]}`, false))
	engRole(t, inv, "hr-app", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"`+userARN("dev")+`"},"Action":"sts:AssumeRole"}]}`,
		engPolicy(t, inv, "hr-app", `{"Version":"2012-10-17","Statement":[
			{"Effect":"Allow","Action":["secretsmanager:GetSecretValue"],"Resource":"arn:aws:secretsmanager:us-east-1:`+engAcct+`:secret:hr/db-*"},
			{"Effect":"Allow","Action":["sqs:SendMessage"],"Resource":"arn:aws:sqs:us-east-1:`+engAcct+`:payroll-events"}]}`, false))
	engUser(inv, "dev", nil, engPolicy(t, inv, "dev-assume", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}`, false))
	engUser(inv, "web", nil, engPolicy(t, inv, "web", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::acme-website/*"}]}`, false))

	bucket := func(name string, tags model.Tags) {
		inv.Buckets = append(inv.Buckets, &awsm.Bucket{Identity: awsm.Identity{ARN: "arn:aws:s3:::" + name, Name: name, ID: name, Tags: tags},
			Policy: model.Known[*awsm.PolicyDocument](nil, model.Source{})})
	}
	bucket("acme-payroll", tagsKnown("data-classification", "confidential"))
	bucket("acme-website", tagsKnown("data-classification", "public"))
	bucket("acme-archive", model.Unknown[map[string]string]("AccessDenied: s3:GetBucketTagging", model.Source{}))
	bucket("acme-legal", tagsKnown("classification", "restricted"))
	inv.PolicyHolders.Secrets = []*awsm.Secret{{Identity: awsm.Identity{ARN: "arn:aws:secretsmanager:us-east-1:" + engAcct + ":secret:hr/db-AbCdEf",
		Name: "hr/db", Tags: tagsKnown("sensitivity", "secret")}, Policy: model.Known[*awsm.PolicyDocument](nil, model.Source{})}}
	inv.PolicyHolders.Queues = []*awsm.Queue{{Identity: awsm.Identity{ARN: "arn:aws:sqs:us-east-1:" + engAcct + ":payroll-events",
		Name: "payroll-events", Tags: tagsKnown("contains-pii", "true")}, Policy: model.Known[*awsm.PolicyDocument](nil, model.Source{})}}
	inv.DBInstances = []*awsm.DBInstance{{Identity: awsm.Identity{ARN: "arn:aws:rds:us-east-1:" + engAcct + ":db:hr", Name: "hr",
		Tags: tagsKnown("DataClassification", "PII")}}}
	inv.Index()

	engRun(t, iamSensitiveDataAccess, inv, map[string]engWant{
		// A grant on one key prefix is found; admins are left out.
		"arn:aws:s3:::acme-payroll": {check.Fail, "user/analyst: read (s3:GetObject), allowed by identity policy arn:aws:iam::" + engAcct + ":policy/payroll-reports-read"},
		"arn:aws:s3:::acme-website": {check.NotApplicable, ""},
		"arn:aws:s3:::acme-archive": {check.Unknown, ""},
		"arn:aws:s3:::acme-legal":   {check.Pass, "tagged classification=restricted"},
		// The role reads the secret; dev reaches it by assuming the role.
		"arn:aws:secretsmanager:us-east-1:" + engAcct + ":secret:hr/db-AbCdEf": {check.Fail,
			"user/dev: read (secretsmanager:GetSecretValue) through user/dev -> sts:AssumeRole -> " + roleARN("hr-app")},
		"arn:aws:sqs:us-east-1:" + engAcct + ":payroll-events": {check.Fail, "role/hr-app: write (sqs:SendMessage)"},
		"arn:aws:rds:us-east-1:" + engAcct + ":db:hr":          {check.Pass, "tagged DataClassification=PII"},
	})
	// The web user's access to its own bucket is not reported anywhere.
	for _, f := range iamSensitiveDataAccess.Evaluate(inv) {
		for _, e := range f.Evidence {
			if strings.Contains(e.Detail, "user/web") || strings.Contains(e.Detail, "user/alice") {
				t.Errorf("%s: unexpected principal in evidence: %s", f.Resource.ID, e.Detail)
			}
		}
	}
}

func TestSensitiveDataAccessUnknownPolicies(t *testing.T) {
	inv := engInv()
	engUser(inv, "ghost", []string{"DeletedGroup"})
	inv.Buckets = []*awsm.Bucket{{Identity: awsm.Identity{ARN: "arn:aws:s3:::acme-payroll", Name: "acme-payroll", Tags: tagsKnown("pii", "true")},
		Policy: model.Known[*awsm.PolicyDocument](nil, model.Source{})}}
	inv.Index()
	engRun(t, iamSensitiveDataAccess, inv, map[string]engWant{"arn:aws:s3:::acme-payroll": {check.Unknown, "DeletedGroup"}})
}

// TestSensitiveDataAccessIaC: Terraform inventories have no account ID and
// no ARNs for IAM principals; the analysis still runs (buckets by name),
// stores without an ARN are skipped, and no SCP assumption is printed.
func TestSensitiveDataAccessIaC(t *testing.T) {
	src := model.Source{File: "main.tf"}
	inv := &awsm.Inventory{Partition: "aws", IaC: true}
	doc := engDoc(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::acme-payroll/*"}]}`)
	inv.Users = []*awsm.User{{Identity: awsm.Identity{Name: "analyst", ID: "aws_iam_user.analyst", Address: "aws_iam_user.analyst", Source: src},
		InlinePolicies: []awsm.InlinePolicy{{Name: "read", Document: doc}}, PermissionsBoundary: model.Known("", src)}}
	inv.Buckets = []*awsm.Bucket{{Identity: awsm.Identity{ARN: "arn:aws:s3:::acme-payroll", Name: "acme-payroll", Address: "aws_s3_bucket.payroll",
		Tags: model.Known(map[string]string{"data-classification": "confidential"}, src)}, Policy: model.Known[*awsm.PolicyDocument](nil, src)}}
	inv.PolicyHolders.Queues = []*awsm.Queue{{Identity: awsm.Identity{Name: "orders", Address: "aws_sqs_queue.orders",
		Tags: model.Known(map[string]string{"pii": "true"}, src)}}}
	inv.Index()
	fs := iamSensitiveDataAccess.Evaluate(inv)
	if len(fs) != 1 || fs[0].Status != check.Fail {
		t.Fatalf("findings = %+v, want one FAIL on the bucket (the queue has no ARN before deployment)", fs)
	}
	var ev []string
	for _, e := range fs[0].Evidence {
		ev = append(ev, e.Detail)
	}
	got := strings.Join(ev, "\n")
	if !strings.Contains(got, "user/analyst: read (s3:GetObject), allowed by identity policy inline user/analyst/read") || strings.Contains(got, "assuming") {
		t.Errorf("evidence:\n%s", got)
	}
}
