package iam

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/cloudward/cloudward/internal/model"
	awsmodel "github.com/cloudward/cloudward/internal/model/aws"
)

// synthInventory is a synthetic account as a source would fill it: nPolicies
// customer managed policies (synthPolicy), nRoles roles with 1-10 attached
// policies, some inline policies and boundaries, and trust policies of the
// usual shapes (services, the account, specific roles, partners with an
// ExternalId), plus nUsers users in a few groups.
func synthInventory(tb testing.TB, nPolicies, nRoles, nUsers int) *awsmodel.Inventory {
	r := rand.New(rand.NewPCG(3, 4))
	const a = "111122223333"
	parse := func(js, name string) awsmodel.Policy {
		d, err := awsmodel.ParsePolicy([]byte(js), model.Source{File: name})
		if err != nil {
			tb.Fatal(err)
		}
		return model.Known(d, model.Source{File: name})
	}
	inv := &awsmodel.Inventory{AccountID: a, Partition: "aws", RegionNames: []string{"us-east-1"}}
	for i := 0; i < nPolicies; i++ {
		name := fmt.Sprintf("policy-%d", i)
		inv.Policies = append(inv.Policies, &awsmodel.ManagedPolicy{
			Identity:         awsmodel.Identity{ARN: "arn:aws:iam::" + a + ":policy/" + name, Name: name, AccountID: a},
			DefaultVersionID: "v1",
			Versions:         []awsmodel.PolicyVersion{{VersionID: "v1", IsDefault: true, Document: parse(synthPolicy(r, i), name)}}})
	}
	boundary := "arn:aws:iam::" + a + ":policy/boundary"
	inv.Policies = append(inv.Policies, &awsmodel.ManagedPolicy{Identity: awsmodel.Identity{ARN: boundary, Name: "boundary"},
		Versions: []awsmodel.PolicyVersion{{VersionID: "v1", IsDefault: true,
			Document: parse(doc(st("Allow", `["s3:*","ec2:*","lambda:*","logs:*","sqs:*"]`, "*")), "boundary")}}})
	none := model.Known("", model.Source{})
	for i := 0; i < nRoles; i++ {
		name := fmt.Sprintf("role-%d", i)
		var trust string
		switch r.IntN(5) {
		case 0, 1:
			svc := []string{"ec2", "lambda", "ecs-tasks", "glue", "codebuild"}[r.IntN(5)]
			trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"` + svc + `.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
		case 2:
			trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + a + `:root"},"Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`
		case 3:
			trust = fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:role/role-%d"},"Action":"sts:AssumeRole"}]}`, a, r.IntN(nRoles))
		default:
			trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"x"}}}]}`
		}
		role := &awsmodel.Role{Identity: awsmodel.Identity{ARN: "arn:aws:iam::" + a + ":role/" + name, Name: name, AccountID: a},
			Path: "/", TrustPolicy: parse(trust, name), PermissionsBoundary: none}
		for k := 1 + r.IntN(10); k > 0; k-- {
			role.AttachedPolicies = append(role.AttachedPolicies, awsmodel.AttachedPolicy{ARN: inv.Policies[r.IntN(nPolicies)].ARN})
		}
		if r.IntN(5) == 0 {
			role.InlinePolicies = append(role.InlinePolicies, awsmodel.InlinePolicy{Name: "inline", Document: parse(synthPolicy(r, i), name)})
		}
		if r.IntN(10) == 0 {
			role.PermissionsBoundary = model.Known(boundary, model.Source{})
		}
		inv.Roles = append(inv.Roles, role)
	}
	for g := 0; g < 10; g++ {
		name := fmt.Sprintf("group-%d", g)
		inv.Groups = append(inv.Groups, &awsmodel.Group{Identity: awsmodel.Identity{ARN: "arn:aws:iam::" + a + ":group/" + name, Name: name},
			AttachedPolicies: []awsmodel.AttachedPolicy{{ARN: inv.Policies[r.IntN(nPolicies)].ARN}}})
	}
	for i := 0; i < nUsers; i++ {
		name := fmt.Sprintf("user-%d", i)
		inv.Users = append(inv.Users, &awsmodel.User{Identity: awsmodel.Identity{ARN: "arn:aws:iam::" + a + ":user/" + name, Name: name, AccountID: a},
			Groups: []string{fmt.Sprintf("group-%d", r.IntN(10))}, PermissionsBoundary: none,
			AttachedPolicies: []awsmodel.AttachedPolicy{{ARN: inv.Policies[r.IntN(nPolicies)].ARN}}})
	}
	inv.Index()
	return inv
}

// TestAccountAnalysisSmoke runs the whole analysis on a small synthetic
// account: some principals are admins, some can escalate, most cannot.
func TestAccountAnalysisSmoke(t *testing.T) {
	inv := synthInventory(t, 400, 200, 20)
	acct := NewAccount(inv)
	if len(acct.Principals) != 220 {
		t.Fatalf("%d principals", len(acct.Principals))
	}
	admins, escalating := 0, 0
	for _, e := range acct.Escalations() {
		if e.Admin {
			admins++
		} else if len(e.Paths) > 0 {
			escalating++
		}
	}
	if admins == 0 || escalating == 0 || admins+escalating > 150 {
		t.Errorf("%d admins, %d escalating of 220", admins, escalating)
	}
}

// BenchmarkAccountAnalysis is issue 8's effective-permission target: an
// inventory of 10,000 managed policies and 5,000 roles (plus 200 users)
// turned into per-principal inputs (every policy compiled once), then the
// full analysis: effective admin and every escalation method and chain for
// every principal. One op is the whole analysis from the inventory.
func BenchmarkAccountAnalysis(b *testing.B) {
	n := 5000
	if testing.Short() {
		n = 1000
	}
	inv := synthInventory(b, 2*n, n, 200)
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	for b.Loop() {
		start, cpu0 := time.Now(), processCPU()
		acct := NewAccount(inv)
		built := time.Since(start)
		esc := acct.Escalations()
		b.ReportMetric((processCPU() - cpu0).Seconds(), "cpu-s")
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		admins, escalating := 0, 0
		for _, e := range esc {
			if e.Admin {
				admins++
			} else if len(e.Paths) > 0 {
				escalating++
			}
		}
		b.ReportMetric(built.Seconds(), "build-s")
		b.ReportMetric(float64(ms.HeapAlloc-min(ms.HeapAlloc, before.HeapAlloc))/(1<<20), "analysis-heap-MiB")
		b.ReportMetric(float64(ms.Sys)/(1<<20), "sys-MiB")
		b.ReportMetric(float64(admins), "admins")
		b.ReportMetric(float64(escalating), "escalating")
	}
}
