package check

import (
	"context"
	"fmt"
	"testing"

	"github.com/cloudward/cloudward/internal/model/aws"
)

// Run schedules chunks by resource type and block, not by check; the output
// must still be account, then check, then inventory order, with N/A dropped,
// across several accounts and mixed resource types.
func TestRunOrderWithMixedTypesAndAccounts(t *testing.T) {
	userCheck := AWS(func() Meta { m := testMeta("test-user"); m.ResourceType = aws.TypeUser; return m }(),
		func(inv *aws.Inventory) []*aws.User { return inv.Users },
		func(_ *Env, u *aws.User) Result {
			if u.Name[len(u.Name)-1] == '3' {
				return Skip()
			}
			return PassResult("ok")
		})
	var accounts []*aws.Inventory
	for a := 0; a < 3; a++ {
		inv := volumes(1300 + a*700)
		inv.AccountID = fmt.Sprintf("11112222333%d", a)
		for i := 0; i < 1100; i++ {
			name := fmt.Sprintf("u%04d", i)
			inv.Users = append(inv.Users, &aws.User{Identity: aws.Identity{ARN: "arn:aws:iam::" + inv.AccountID + ":user/" + name, Name: name}})
		}
		accounts = append(accounts, inv)
	}
	checks := []*Check{encrypted, userCheck}
	got, err := Run(context.Background(), Input{AWS: accounts}, checks)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, inv := range accounts {
		for _, c := range checks {
			for _, f := range c.Evaluate(inv) {
				want = append(want, c.ID+" "+f.Resource.ID)
			}
		}
	}
	if len(got) != len(want) {
		t.Fatalf("got %d findings, want %d", len(got), len(want))
	}
	for i := range want {
		if g := got[i].Check.ID + " " + got[i].Resource.ID; g != want[i] {
			t.Fatalf("finding %d = %s, want %s", i, g, want[i])
		}
	}
	if n := Evaluations(Input{AWS: accounts}, checks); n != (1300+2000+2700)+3*1100 {
		t.Errorf("Evaluations = %d", n)
	}
}

// A check that panics on one resource gives an UNKNOWN finding for that
// resource only; the rest of its chunk is still evaluated.
func TestRunPanicMidChunk(t *testing.T) {
	inv := volumes(1000)
	boomAt := inv.Volumes[700].ARN
	flaky := AWS(testMeta("test-flaky"), func(inv *aws.Inventory) []*aws.Volume { return inv.Volumes },
		func(_ *Env, v *aws.Volume) Result {
			if v.ARN == boomAt {
				var m map[string]int
				m["x"] = 1 // a nil-map write, the classic check bug
			}
			return PassResult("ok")
		})
	got, err := Run(context.Background(), Input{AWS: []*aws.Inventory{inv}}, []*Check{flaky})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1000 {
		t.Fatalf("got %d findings, want 1000", len(got))
	}
	for i, f := range got {
		want := Pass
		if i == 700 {
			want = Unknown
		}
		if f.Status != want {
			t.Fatalf("finding %d: %s %q, want %s", i, f.Status, f.Message, want)
		}
	}
	if got[701].Resource.ID != inv.Volumes[701].ARN {
		t.Fatalf("finding after the panic is %s", got[701].Resource.ID)
	}
}
