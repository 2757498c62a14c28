package model

import "testing"

func TestValueKnownAndUnknown(t *testing.T) {
	src := Source{File: "us-east-1/ec2/describe-volumes.json", Path: "Volumes[0]"}
	k := Known(true, src.At("Encrypted"))
	if !k.Known() || !IsTrue(k) || IsFalse(k) || k.Reason() != "" {
		t.Fatalf("known true misreported: %+v", k)
	}
	if k.Source().Path != "Volumes[0].Encrypted" {
		t.Fatalf("path = %q", k.Source().Path)
	}
	var zero Bool
	if zero.Known() || IsTrue(zero) || IsFalse(zero) || zero.Reason() != "not collected" {
		t.Fatal("zero value must be unknown")
	}
	u := Unknown[bool]("AccessDenied: no permission", src)
	if u.Known() || u.String() != "unknown (AccessDenied: no permission)" || u.Or(true) != true {
		t.Fatalf("unknown misreported: %q", u.String())
	}
	f := Known(false, src)
	if !IsFalse(f) || f.Or(true) != false {
		t.Fatal("known false misreported")
	}
}

func TestSourceString(t *testing.T) {
	tests := []struct {
		src  Source
		want string
	}{
		{Source{File: "main.tf", StartLine: 42, EndLine: 47}, "main.tf:42-47"},
		{Source{File: "main.tf", StartLine: 3, EndLine: 3}, "main.tf:3"},
		{Source{File: "global/iam/x.json", Path: "Users[1]"}, "global/iam/x.json Users[1]"},
		{Source{}.At("[2]").At("Port"), "[2].Port"},
	}
	for _, tt := range tests {
		if got := tt.src.String(); got != tt.want {
			t.Errorf("%+v: got %q want %q", tt.src, got, tt.want)
		}
	}
}
