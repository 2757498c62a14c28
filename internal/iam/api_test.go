package iam

import "testing"

// TestAPILevelsAndResultReuse drives the Go API directly: a level of the
// organization path with several SCPs allows when any of them does, and a
// reused Result carries no reasons over from the previous call.
func TestAPILevelsAndResultReuse(t *testing.T) {
	in := &Input{
		Identity: []*Policy{mustCompile(t, allowAll(), KindIdentity, "AdministratorAccess")},
		SCPs: []Level{
			{Name: "r-root", Policies: []*Policy{mustCompile(t, allowAll(), KindSCP, "FullAWSAccess")}},
			{Name: "ou-workloads", Policies: []*Policy{
				mustCompile(t, doc(st("Allow", "ec2:*", "*")), KindSCP, "AllowEC2"),
				mustCompile(t, doc(st("Allow", "s3:*", "*")), KindSCP, "AllowS3"),
			}},
		},
	}
	var res Result
	ask := func(action, resource string) Decision {
		req, err := NewRequest(alice, action, resource, nil)
		if err != nil {
			t.Fatal(err)
		}
		Evaluate(in, req, &res)
		return res.Decision
	}
	if d := ask("s3:GetObject", bucketO); d != Allow {
		t.Errorf("s3 allowed by the second SCP of the level: got %s", d)
	}
	if d := ask("sqs:SendMessage", queueA); d != ImplicitDeny {
		t.Errorf("sqs not allowed by any SCP of the level: got %s", d)
	}
	if len(res.Reasons) != 1 || res.Reasons[0].String() != "scp ou-workloads: "+RuleSCPGate {
		t.Errorf("reasons %v", res.Reasons)
	}
	if d := ask("ec2:RunInstances", "*"); d != Allow || len(res.Reasons) != 1 || res.Reasons[0].Policy != "AdministratorAccess" {
		t.Errorf("reused result: %s %v", d, res.Reasons)
	}
}

// TestCompileIsShared: one compiled policy answers many requests and many
// principals; compiling does not depend on the request.
func TestCompileIsShared(t *testing.T) {
	p := mustCompile(t, doc(st("Allow", "s3:*", "arn:aws:s3:::home/${aws:username}/*")), KindIdentity, "home")
	in := &Input{Identity: []*Policy{p}}
	var res Result
	for _, u := range []string{"alice", "bob", "carol"} {
		req, err := NewRequest("arn:aws:iam::111122223333:user/"+u, "s3:PutObject", "arn:aws:s3:::home/"+u+"/f", nil)
		if err != nil {
			t.Fatal(err)
		}
		if Evaluate(in, req, &res); res.Decision != Allow {
			t.Errorf("%s in own home: %s", u, res.Decision)
		}
		req2, _ := NewRequest("arn:aws:iam::111122223333:user/"+u, "s3:PutObject", "arn:aws:s3:::home/mallory/f", nil)
		if Evaluate(in, req2, &res); res.Decision != ImplicitDeny {
			t.Errorf("%s in mallory's home: %s", u, res.Decision)
		}
	}
}
