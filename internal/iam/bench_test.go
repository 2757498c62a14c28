package iam

import (
	"testing"

	"github.com/cloudward/cloudward/internal/model"
	awsmodel "github.com/cloudward/cloudward/internal/model/aws"
)

func mustCompile(tb testing.TB, js string, kind Kind, name string) *Policy {
	tb.Helper()
	d, err := awsmodel.ParsePolicy([]byte(js), model.Source{File: name})
	if err != nil {
		tb.Fatal(err)
	}
	p, err := Compile(d, kind, name)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// BenchmarkEvaluateSimple is the "simple request evaluation": a
// user with two managed policies (five statements, one with a condition),
// an SCP path of two levels and no resource policy.
func BenchmarkEvaluateSimple(b *testing.B) {
	in := &Input{
		Identity: []*Policy{
			mustCompile(b, doc(st("Allow", `["ec2:Describe*","ec2:Get*"]`, "*"), st("Allow", "sqs:*", "arn:aws:sqs:*:111122223333:*")), KindIdentity, "ReadOnly"),
			mustCompile(b, doc(st("Deny", "s3:DeleteBucket", "*"), st("Allow", "s3:PutObject", "arn:aws:s3:::uploads/*"),
				st("Allow", "s3:GetObject", "arn:aws:s3:::reports/*", `"Condition":{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","2001:db8::/32"]}}`)), KindIdentity, "Reports"),
		},
		SCPs: []Level{
			{Name: "root", Policies: []*Policy{mustCompile(b, allowAll(), KindSCP, "FullAWSAccess")}},
			{Name: "ou", Policies: []*Policy{mustCompile(b, doc(st("Allow", "*", "*"), st("Deny", "organizations:LeaveOrganization", "*")), KindSCP, "guardrails")}},
		},
	}
	ctx := NewContext()
	ctx.Set("aws:SourceIp", "10.1.2.3")
	req, err := NewRequest(alice, "s3:GetObject", bucketO, ctx)
	if err != nil {
		b.Fatal(err)
	}
	var res Result
	Evaluate(in, req, &res)
	if res.Decision != Allow {
		b.Fatalf("decision %s, want Allow", res.Decision)
	}
	b.ReportAllocs()
	cpu0 := processCPU()
	for b.Loop() {
		Evaluate(in, req, &res)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "evals/s")
	if cpu := processCPU() - cpu0; cpu > 0 {
		b.ReportMetric(float64(b.N)/cpu.Seconds(), "evals/cpu-s")
	}
}
