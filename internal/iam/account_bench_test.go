package iam

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/cloudward/cloudward/internal/model"
	awsmodel "github.com/cloudward/cloudward/internal/model/aws"
)

// questions are the effective-permission questions asked of every role in
// the account-scale benchmark: admin and privilege-escalation actions and
// data-store reads, on their usual targets.
var questions = []struct{ action, resource string }{
	{"iam:CreatePolicyVersion", "arn:aws:iam::111122223333:policy/ops"},
	{"iam:SetDefaultPolicyVersion", "arn:aws:iam::111122223333:policy/ops"},
	{"iam:AttachUserPolicy", "arn:aws:iam::111122223333:user/alice"},
	{"iam:AttachRolePolicy", "arn:aws:iam::111122223333:role/admin"},
	{"iam:PutRolePolicy", "arn:aws:iam::111122223333:role/admin"},
	{"iam:AddUserToGroup", "arn:aws:iam::111122223333:group/admins"},
	{"iam:CreateAccessKey", "arn:aws:iam::111122223333:user/alice"},
	{"iam:CreateLoginProfile", "arn:aws:iam::111122223333:user/alice"},
	{"iam:UpdateAssumeRolePolicy", "arn:aws:iam::111122223333:role/admin"},
	{"iam:PassRole", "arn:aws:iam::111122223333:role/admin"},
	{"ec2:RunInstances", "*"},
	{"lambda:CreateFunction", "arn:aws:lambda:us-east-1:111122223333:function:f"},
	{"lambda:InvokeFunction", "arn:aws:lambda:us-east-1:111122223333:function:f"},
	{"glue:CreateDevEndpoint", "*"},
	{"cloudformation:CreateStack", "arn:aws:cloudformation:us-east-1:111122223333:stack/s/1"},
	{"sagemaker:CreateNotebookInstance", "*"},
	{"codebuild:CreateProject", "arn:aws:codebuild:us-east-1:111122223333:project/p"},
	{"ecs:RunTask", "*"},
	{"sts:AssumeRole", "arn:aws:iam::111122223333:role/admin"},
	{"s3:GetObject", "arn:aws:s3:::data-sensitive-0/k"},
	{"s3:PutObject", "arn:aws:s3:::data-sensitive-0/k"},
	{"dynamodb:Scan", "arn:aws:dynamodb:us-east-1:111122223333:table/customers"},
	{"rds:DeleteDBInstance", "arn:aws:rds:us-east-1:111122223333:db:prod"},
	{"kms:Decrypt", "*"},
	{"secretsmanager:GetSecretValue", "arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf"},
	{"organizations:LeaveOrganization", "*"},
	{"cloudtrail:StopLogging", "arn:aws:cloudtrail:us-east-1:111122223333:trail/main"},
	{"guardduty:DeleteDetector", "*"},
	{"ec2:DescribeInstances", "*"},
	{"s3:ListAllMyBuckets", "*"},
}

var services = []string{"s3", "ec2", "iam", "lambda", "dynamodb", "rds", "kms", "sqs", "sns", "logs", "cloudwatch", "glue", "ecs", "secretsmanager"}

// synthPolicy returns a realistic customer managed policy: 1-6 statements of
// service read/write grants on ARNs with wildcards, some conditions and
// denies; about 1 in 200 is admin and 1 in 100 uses NotAction.
func synthPolicy(r *rand.Rand, i int) string {
	if i%200 == 7 {
		return allowAll()
	}
	n := 1 + r.IntN(6)
	stmts := make([]string, 0, n)
	for j := 0; j < n; j++ {
		svc := services[r.IntN(len(services))]
		verbs := []string{`"` + svc + `:Get*"`, `"` + svc + `:List*"`, `"` + svc + `:Describe*"`}
		if r.IntN(3) == 0 {
			verbs = append(verbs, `"`+svc+`:Put*"`, `"`+svc+`:Create*"`)
		}
		res := fmt.Sprintf(`["arn:aws:%s:*:111122223333:app-%d-*","arn:aws:%s:us-east-1:111122223333:*/team-%d/*"]`, svc, r.IntN(500), svc, r.IntN(50))
		if svc == "s3" {
			res = fmt.Sprintf(`["arn:aws:s3:::bucket-%d","arn:aws:s3:::bucket-%d/*"]`, r.IntN(1000), r.IntN(1000))
		}
		if r.IntN(4) == 0 {
			res = `"*"`
		}
		effect, extra := "Allow", []string{fmt.Sprintf(`"Sid":"S%d"`, j)}
		switch r.IntN(10) {
		case 0:
			effect = "Deny"
		case 1:
			extra = append(extra, `"Condition":{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","2001:db8::/32"]}}`)
		case 2:
			extra = append(extra, `"Condition":{"StringEquals":{"aws:RequestedRegion":["us-east-1","eu-west-1"]},"BoolIfExists":{"aws:MultiFactorAuthPresent":"true"}}`)
		}
		stmts = append(stmts, st(effect, "["+strings.Join(verbs, ",")+"]", res, extra...))
	}
	if i%100 == 3 {
		stmts = append(stmts, `{"Effect":"Allow","NotAction":["iam:*","organizations:*"],"Resource":"*"}`)
	}
	return doc(stmts...)
}

// account is a synthetic account of compiled policies.
type account struct {
	roles []struct {
		arn    string
		input  Input
		caller Caller
	}
}

func buildAccount(tb testing.TB, nPolicies, nRoles int) *account {
	r := rand.New(rand.NewPCG(1, 2))
	compile := func(js string, kind Kind, name string) *Policy {
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
	managed := make([]*Policy, nPolicies)
	for i := range managed {
		managed[i] = compile(synthPolicy(r, i), KindIdentity, fmt.Sprintf("policy-%d", i))
	}
	boundary := compile(doc(st("Allow", `["s3:*","ec2:*","lambda:*","logs:*","sqs:*"]`, "*")), KindBoundary, "boundary")
	scp := []Level{{Name: "root", Policies: []*Policy{compile(allowAll(), KindSCP, "FullAWSAccess")}},
		{Name: "workloads", Policies: []*Policy{compile(doc(st("Allow", "*", "*"), st("Deny", `["organizations:LeaveOrganization","cloudtrail:StopLogging"]`, "*")), KindSCP, "guardrails")}}}
	acct := &account{}
	acct.roles = make([]struct {
		arn    string
		input  Input
		caller Caller
	}, nRoles)
	for i := range acct.roles {
		role := &acct.roles[i]
		role.arn = fmt.Sprintf("arn:aws:sts::111122223333:assumed-role/role-%d/analysis", i)
		c, err := ParseCaller(role.arn)
		if err != nil {
			tb.Fatal(err)
		}
		role.caller = c
		for k := 1 + r.IntN(10); k > 0; k-- {
			role.input.Identity = append(role.input.Identity, managed[r.IntN(len(managed))])
		}
		if r.IntN(5) == 0 {
			role.input.Identity = append(role.input.Identity, compile(synthPolicy(r, i), KindIdentity, "inline"))
		}
		if r.IntN(10) == 0 {
			role.input.Boundary = boundary
		}
		role.input.SCPs = scp
	}
	return acct
}

// analyse asks every question of every role and counts the allows.
func (a *account) analyse(tb testing.TB) (evals, allows int) {
	reqs := make([]*Request, len(questions))
	for i, q := range questions {
		ctx := NewContext()
		ctx.Set("aws:SourceIp", "10.1.2.3")
		ctx.Set("aws:RequestedRegion", "us-east-1")
		req, err := NewRequest("arn:aws:sts::111122223333:assumed-role/x/analysis", q.action, q.resource, ctx)
		if err != nil {
			tb.Fatal(err)
		}
		reqs[i] = req
	}
	var res Result
	for i := range a.roles {
		role := &a.roles[i]
		for _, req := range reqs {
			req.SetCaller(role.caller) // the principal varies, action and resource do not
			Evaluate(&role.input, req, &res)
			evals++
			if res.Decision == Allow {
				allows++
			}
		}
	}
	return evals, allows
}

// TestAccountScaleSmoke keeps the account-scale benchmark honest on a small
// account: admins are found, boundaries bite, guardrails deny.
func TestAccountScaleSmoke(t *testing.T) {
	a := buildAccount(t, 400, 200)
	evals, allows := a.analyse(t)
	if evals != 200*len(questions) || allows == 0 || allows == evals {
		t.Fatalf("%d evaluations, %d allows", evals, allows)
	}
}

// BenchmarkAccountScale is issue 8's account-scale target: 10,000 managed
// policies and 5,000 roles, parsed and compiled, then every role asked the
// admin/escalation/data questions (30 per role). One op is the whole
// analysis; peak-heap is the live heap after building the account.
func BenchmarkAccountScale(b *testing.B) {
	for b.Loop() {
		start := time.Now()
		a := buildAccount(b, 10000, 5000)
		built := time.Since(start)
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		evals, _ := a.analyse(b)
		b.ReportMetric(built.Seconds(), "build-s")
		b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "heap-MiB")
		b.ReportMetric(float64(evals), "evals")
	}
}
