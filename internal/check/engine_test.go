package check

import (
	"context"
	"fmt"
	"testing"

	"github.com/cloudward/cloudward/internal/model"
	"github.com/cloudward/cloudward/internal/model/aws"
)

func testMeta(id string) Meta {
	return Meta{ID: id, Title: "t", Severity: Medium, Domain: Encryption, Service: "ec2",
		ResourceType: aws.TypeVolume, Rationale: "r", References: []string{"https://example.com"},
		Remediation: Remediation{Console: "c", CLI: "aws x", Terraform: "y"}}
}

func volumes(n int) *aws.Inventory {
	inv := &aws.Inventory{AccountID: "111122223333"}
	for i := 0; i < n; i++ {
		v := &aws.Volume{Identity: aws.Identity{ARN: fmt.Sprintf("arn:aws:ec2:us-east-1:111122223333:volume/vol-%06d", i)}}
		switch i % 3 {
		case 0:
			v.Encrypted = model.Known(true, model.Source{})
		case 1:
			v.Encrypted = model.Known(false, model.Source{})
		}
		inv.Volumes = append(inv.Volumes, v)
	}
	return inv
}

var encrypted = AWS(testMeta("test-ebs-encrypted"), func(inv *aws.Inventory) []*aws.Volume { return inv.Volumes },
	func(_ *Env, v *aws.Volume) Result {
		switch {
		case !v.Encrypted.Known():
			return UnknownOf("Encrypted", v.Encrypted)
		case model.IsTrue(v.Encrypted):
			return PassResult("encrypted")
		}
		return FailResult("not encrypted")
	})

func TestRunIsDeterministicAndComplete(t *testing.T) {
	inv := volumes(5000) // several chunks, so workers interleave
	skipOdd := AWS(testMeta("test-skip-odd"), func(inv *aws.Inventory) []*aws.Volume { return inv.Volumes },
		func(_ *Env, v *aws.Volume) Result {
			if v.ARN[len(v.ARN)-1]%2 == 1 {
				return Skip()
			}
			return PassResult("ok")
		})
	got, err := Run(context.Background(), Input{AWS: []*aws.Inventory{inv}}, []*Check{encrypted, skipOdd})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 5000+2500 {
		t.Fatalf("got %d findings, want 7500 (N/A dropped)", len(got))
	}
	counts := map[Status]int{}
	for i, f := range got[:5000] {
		if f.Check != encrypted || f.Resource.ID != inv.Volumes[i].ARN {
			t.Fatalf("finding %d out of order: %s %s", i, f.Check.ID, f.Resource.ID)
		}
		counts[f.Status]++
	}
	if counts[Pass] != 1667 || counts[Fail] != 1667 || counts[Unknown] != 1666 {
		t.Fatalf("status counts %v", counts)
	}
	for _, f := range got[5000:] {
		if f.Check != skipOdd || f.Status != Pass {
			t.Fatalf("unexpected %s %s", f.Check.ID, f.Status)
		}
	}
}

func TestRunUnknownNamesReason(t *testing.T) {
	got, _ := Run(context.Background(), Input{AWS: []*aws.Inventory{volumes(3)}}, []*Check{encrypted})
	if got[2].Status != Unknown || len(got[2].Evidence) == 0 || got[2].Evidence[0].Detail != "Encrypted: not collected" {
		t.Fatalf("unknown finding = %+v", got[2])
	}
}

func TestRunRecoversFromPanickingCheck(t *testing.T) {
	boom := AWS(testMeta("test-boom"), func(inv *aws.Inventory) []*aws.Volume { return inv.Volumes },
		func(_ *Env, v *aws.Volume) Result { panic("nil map") })
	got, err := Run(context.Background(), Input{AWS: []*aws.Inventory{volumes(2)}}, []*Check{boom})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Status != Unknown {
		t.Fatalf("got %+v", got)
	}
}

func TestRunCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, Input{AWS: []*aws.Inventory{volumes(10)}}, []*Check{encrypted}); err == nil {
		t.Fatal("want context error")
	}
}

func TestRegistryRejectsBadMetadata(t *testing.T) {
	bad := testMeta("Not-An-ID")
	if _, err := NewRegistry(AWS(bad, func(*aws.Inventory) []*aws.Volume { return nil }, nil)); err == nil {
		t.Fatal("bad ID accepted")
	}
	noFix := testMeta("test-no-fix")
	noFix.Remediation.Terraform = ""
	if _, err := NewRegistry(AWS(noFix, func(*aws.Inventory) []*aws.Volume { return nil }, nil)); err == nil {
		t.Fatal("missing remediation accepted")
	}
	if _, err := NewRegistry(encrypted, encrypted); err == nil {
		t.Fatal("duplicate accepted")
	}
	r, err := NewRegistry(encrypted)
	if err != nil || r.Get("test-ebs-encrypted") != encrypted {
		t.Fatal("registry lookup failed", err)
	}
}

func TestParseSeverity(t *testing.T) {
	for _, s := range Severities() {
		got, err := ParseSeverity(s.String())
		if err != nil || got != s {
			t.Fatalf("%s: %v %v", s, got, err)
		}
	}
	if _, err := ParseSeverity("urgent"); err == nil {
		t.Fatal("accepted urgent")
	}
}
