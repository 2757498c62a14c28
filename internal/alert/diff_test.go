package alert

import (
	"context"
	"strings"
	"testing"

	"github.com/cloudward/cloudward/internal/check"
	awschecks "github.com/cloudward/cloudward/internal/checks/aws"
	"github.com/cloudward/cloudward/internal/store"
)

func TestFromDiff(t *testing.T) {
	reg, err := check.NewRegistry(awschecks.Checks()...)
	if err != nil {
		t.Fatal(err)
	}
	sf := func(fp, id, status string, sev check.Severity, muted bool) store.Finding {
		return store.Finding{Fingerprint: fp, CheckID: id, Severity: int(sev), Status: status, Muted: muted,
			ResourceID: "arn:aws:s3:::acme-corp-website", ResourceType: "AWS::S3::Bucket", Region: "us-east-1", Account: "123456789012"}
	}
	a := []store.Finding{
		sf("fp-open", "aws-s3-bucket-public-policy", "FAIL", check.Critical, false),
		sf("fp-fixed", "aws-s3-bucket-public-acl", "FAIL", check.High, false),
		sf("fp-regressed", "aws-s3-bucket-tls-not-enforced", "PASS", check.Medium, false),
		sf("fp-unknown", "aws-s3-bucket-default-encryption-missing", "FAIL", check.Medium, false),
	}
	b := []store.Finding{
		sf("fp-open", "aws-s3-bucket-public-policy", "FAIL", check.Critical, false),
		sf("fp-fixed", "aws-s3-bucket-public-acl", "PASS", check.High, false),
		sf("fp-regressed", "aws-s3-bucket-tls-not-enforced", "FAIL", check.Medium, false),
		sf("fp-unknown", "aws-s3-bucket-default-encryption-missing", "UNKNOWN", check.Medium, false),
		sf("fp-new", "aws-ec2-sg-ssh-open", "FAIL", check.High, false),
		sf("fp-muted", "aws-ec2-sg-rdp-open", "FAIL", check.High, true),
	}
	evs := FromDiff(store.Compare(a, b, false), reg)
	var got []string
	for _, ev := range evs {
		got = append(got, string(ev.Kind)+" "+ev.Finding.Fingerprint)
	}
	want := "new fp-new\nnew fp-regressed\nopen fp-open\nresolved fp-fixed"
	if strings.Join(got, "\n") != want {
		t.Errorf("events:\n%s\nwant:\n%s", strings.Join(got, "\n"), want)
	}
	for _, ev := range evs {
		if ev.Finding.Fingerprint == "fp-open" {
			f := ev.Finding
			if f.Title != "S3 bucket policy grants public access" || f.Domain != check.Exposure || f.Severity != check.Critical || f.Service != "s3" {
				t.Errorf("finding = %+v", f)
			}
		}
	}

	// Through a pager: the diff pages the new ones and resolves the fixed one.
	rc := newReceiver(t)
	d := dispatcher(t, []Destination{{Name: "pd", Type: PagerDuty, URL: rc.URL, Key: "k"}}, everything("pd"))
	res := d.Dispatch(context.Background(), testScan, evs)
	if len(res) != 1 || res[0].Sent != 3 {
		t.Errorf("result = %+v", res)
	}
}
