package demo

import (
	"strings"
	"testing"

	"github.com/cloudward/cloudward/internal/check"
)

// TestDemoNetworkOps pins the checks over issue 4's network group: EBS
// and RDS snapshot sharing, Aurora encryption, ALB listeners, CloudFront
// viewers, EKS endpoints and ACM expiry.
func TestDemoNetworkOps(t *testing.T) {
	byKey, _ := runDemo(t)
	P, F := check.Pass, check.Fail
	rds := "arn:aws:rds:us-east-1:" + acct + ":"
	listener := "arn:aws:elasticloadbalancing:us-east-1:" + acct + ":listener/app/"
	cert := "arn:aws:acm:us-east-1:" + acct + ":certificate/"
	for _, tt := range []struct {
		check, resource string
		want            check.Status
		message         string
	}{
		{"aws-ec2-ebs-snapshot-public", ec2("us-east-1", "snapshot", "snap-0d4e5f6a7b8c90011"), F, "every AWS account"},
		{"aws-ec2-ebs-snapshot-public", ec2("us-east-1", "snapshot", "snap-0e5f6a7b8c9d00022"), P, "not shared"},
		{"aws-rds-snapshot-public", rds + "snapshot:legacy-mysql-before-8-0-upgrade", F, "every AWS account"},
		// Automated snapshots cannot be shared: known private without a call.
		{"aws-rds-snapshot-public", rds + "snapshot:rds:legacy-mysql-2026-11-20-04-17", P, "private"},
		{"aws-rds-cluster-storage-unencrypted", rds + "cluster:acme-reporting", F, "not encrypted"},
		{"aws-rds-cluster-storage-unencrypted", rds + "cluster:acme-orders", P, "encrypted"},
		{"aws-elbv2-listener-insecure", listener + "acme-web/7f3c2a1b9d8e4f60/1a2b3c4d5e6f7081", F, "plaintext"},
		{"aws-elbv2-listener-insecure", listener + "acme-web/7f3c2a1b9d8e4f60/9f8e7d6c5b4a3928", F, "ELBSecurityPolicy-2016-08 accepts TLS 1.0"},
		{"aws-elbv2-listener-insecure", listener + "acme-api/2b4d6f8a0c1e3579/5e6f7a8b9c0d1e2f", P, "redirects to HTTPS"},
		{"aws-elbv2-listener-insecure", listener + "acme-api/2b4d6f8a0c1e3579/0f1e2d3c4b5a6978", P, "TLS 1.2 or later"},
		{"aws-cloudfront-viewer-insecure", "arn:aws:cloudfront::" + acct + ":distribution/E1ACMEWEB7Q2XZ", F, "plaintext HTTP and TLS older"},
		{"aws-eks-endpoint-public", "arn:aws:eks:us-east-1:" + acct + ":cluster/acme-platform", F, "0.0.0.0/0"},
		// Imported, expires 2026-12-04 (collected 2026-11-20); used by acme-web and the distribution.
		{"aws-acm-certificate-expiring", cert + "6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0", F, "expires in 14 day(s)"},
		{"aws-acm-certificate-expiring", cert + "0a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d", P, "expires in"},
	} {
		f, ok := byKey[findingKey{tt.check, tt.resource}]
		if !ok {
			t.Errorf("%s on %s: no finding", tt.check, tt.resource)
			continue
		}
		if f.Status != tt.want || !strings.Contains(f.Message, tt.message) {
			t.Errorf("%s on %s: %s (%s), want %s %q", tt.check, tt.resource, f.Status, f.Message, tt.want, tt.message)
		}
	}
}
