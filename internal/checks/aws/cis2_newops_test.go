package aws

import (
	"testing"
	"time"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

var cis2Collected = time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)

func cis2Src(file, path string) model.Source { return model.Source{File: file, Path: path} }

func cis2Inv(regions ...*awsm.Region) *awsm.Inventory {
	return &awsm.Inventory{AccountID: netAccount, Partition: "aws", CollectedAt: cis2Collected, Regions: regions,
		Account: &awsm.Account{Identity: awsm.Identity{ARN: netAccount, ID: netAccount, Name: netAccount, Region: "global",
			AccountID: netAccount, Partition: "aws"}}}
}

func cis2Region(name string) *awsm.Region {
	return &awsm.Region{Identity: awsm.Identity{ARN: netAccount + "/" + name, ID: name, Name: name, Region: name,
		AccountID: netAccount, Partition: "aws"}}
}

func TestIAMRootHardwareMFAMissing(t *testing.T) {
	const mfaFile = "global/iam/list-virtual-mfa-devices.json"
	root := func(mfa bool, hw awsm.Bool) *awsm.Inventory {
		inv := cis2Inv()
		inv.Root = &awsm.RootUser{Identity: awsm.Identity{ARN: "arn:aws:iam::" + netAccount + ":root", ID: "root", Name: "<root_account>",
			Region: "global", AccountID: netAccount, Partition: "aws"},
			MFAEnabled: model.Known(mfa, cis2Src("global/iam/get-account-summary.json", "SummaryMap.AccountMFAEnabled")), HardwareMFA: hw}
		return inv
	}
	netRun(t, iamRootHardwareMFAMissing, []netCase{
		{"virtual device", root(true, model.Known(false, cis2Src(mfaFile, "VirtualMFADevices[0]"))), check.Fail, []string{"virtual MFA device"}},
		{"no MFA", root(false, model.Known(false, cis2Src("global/iam/get-account-summary.json", "SummaryMap.AccountMFAEnabled"))), check.Fail, []string{"root MFA disabled"}},
		{"hardware", root(true, model.Known(true, cis2Src(mfaFile, "VirtualMFADevices"))), check.Pass, nil},
		{"not collected", root(true, model.Unknown[bool]("not collected: "+mfaFile+" missing", cis2Src(mfaFile, ""))), check.Unknown, []string{"not collected"}},
	})
}

func TestIAMServerCertificateExpired(t *testing.T) {
	const file = "global/iam/list-server-certificates.json"
	cert := func(i int, name string, exp time.Time) *awsm.ServerCertificate {
		src := cis2Src(file, "ServerCertificateMetadataList["+string(rune('0'+i))+"]")
		return &awsm.ServerCertificate{Name: name, ARN: "arn:aws:iam::" + netAccount + ":server-certificate/" + name,
			Expiration: model.Known(exp, src.At("Expiration")), Source: src}
	}
	inv := func(certs ...*awsm.ServerCertificate) *awsm.Inventory {
		i := cis2Inv()
		i.CIS.ServerCertificates = model.Known(certs, cis2Src(file, "ServerCertificateMetadataList"))
		return i
	}
	unknownExp := cert(0, "legacy", time.Time{})
	unknownExp.Expiration = model.Unknown[time.Time]("Expiration absent", cis2Src(file, "ServerCertificateMetadataList[0].Expiration"))
	missing := cis2Inv()
	missing.CIS.ServerCertificates = model.Unknown[[]*awsm.ServerCertificate]("not collected: "+file+" missing", cis2Src(file, ""))
	netRun(t, iamServerCertificateExpired, []netCase{
		{"expired yesterday", inv(cert(0, "old-elb", cis2Collected.Add(-24*time.Hour)), cert(1, "new-elb", cis2Collected.AddDate(1, 0, 0))), check.Fail, []string{"old-elb expired 2026-11-19"}},
		{"valid", inv(cert(0, "new-elb", cis2Collected.AddDate(1, 0, 0))), check.Pass, nil},
		{"none", inv(), check.Pass, nil},
		{"expiration unknown", inv(unknownExp), check.Unknown, []string{"Expiration absent"}},
		{"not collected", missing, check.Unknown, []string{"not collected"}},
	})
}

func TestAccessAnalyzerDisabled(t *testing.T) {
	const file = "eu-west-1/accessanalyzer/list-analyzers.json"
	region := func(statuses ...string) *awsm.Inventory {
		r := cis2Region("eu-west-1")
		var list []*awsm.Analyzer
		for i, s := range statuses {
			src := cis2Src(file, "analyzers["+string(rune('0'+i))+"]")
			st := model.Known(s, src.At("status"))
			if s == "" {
				st = model.Unknown[string]("status absent from "+file, src.At("status"))
			}
			list = append(list, &awsm.Analyzer{Name: "a" + string(rune('0'+i)), Type: "ACCOUNT", Status: st, Source: src})
		}
		r.CIS.Analyzers = model.Known(list, cis2Src(file, "analyzers"))
		return cis2Inv(r)
	}
	denied := cis2Region("eu-west-1")
	denied.CIS.Analyzers = model.Unknown[[]*awsm.Analyzer]("AccessDeniedException: not authorized", cis2Src("eu-west-1/accessanalyzer/list-analyzers.error.json", ""))
	netRun(t, accessAnalyzerDisabled, []netCase{
		{"none", region(), check.Fail, []string{"no analyzer"}},
		{"disabled only", region("DISABLED", "FAILED"), check.Fail, []string{"a0 status DISABLED", "a1 status FAILED"}},
		{"one active", region("DISABLED", "ACTIVE"), check.Pass, nil},
		{"status unknown", region("DISABLED", ""), check.Unknown, []string{"status absent"}},
		{"access denied", cis2Inv(denied), check.Unknown, []string{"AccessDenied"}},
	})
}

func TestConfigRecorderDisabled(t *testing.T) {
	rec := func(region string, all, global, recording bool) *awsm.ConfigRecorder {
		f := region + "/configservice/describe-configuration-recorders.json"
		return &awsm.ConfigRecorder{Name: "default", Source: cis2Src(f, "ConfigurationRecorders[0]"),
			AllSupported:               model.Known(all, cis2Src(f, "ConfigurationRecorders[0].recordingGroup.allSupported")),
			IncludeGlobalResourceTypes: model.Known(global, cis2Src(f, "ConfigurationRecorders[0].recordingGroup.includeGlobalResourceTypes")),
			Recording:                  model.Known(recording, cis2Src(region+"/configservice/describe-configuration-recorder-status.json", "ConfigurationRecordersStatus[0].recording"))}
	}
	region := func(name string, recs ...*awsm.ConfigRecorder) *awsm.Region {
		r := cis2Region(name)
		r.CIS.ConfigRecorders = model.Known(recs, cis2Src(name+"/configservice/describe-configuration-recorders.json", "ConfigurationRecorders"))
		return r
	}
	one := func(regions ...*awsm.Region) *awsm.Inventory { return cis2Inv(regions...) }
	unknownStatus := rec("eu-west-1", true, true, false)
	unknownStatus.Recording = model.Unknown[bool]("no status entry for recorder default", cis2Src("eu-west-1/configservice/describe-configuration-recorder-status.json", "ConfigurationRecordersStatus"))
	notCollected := cis2Region("eu-west-1")
	notCollected.CIS.ConfigRecorders = model.Unknown[[]*awsm.ConfigRecorder]("not collected: eu-west-1/configservice/describe-configuration-recorders.json missing",
		cis2Src("eu-west-1/configservice/describe-configuration-recorders.json", ""))
	netRun(t, configRecorderDisabled, []netCase{
		{"no recorder", one(region("eu-west-1")), check.Fail, []string{"no recorder"}},
		{"stopped", one(region("eu-west-1", rec("eu-west-1", true, true, false))), check.Fail, []string{"recording false"}},
		{"subset of types", one(region("eu-west-1", rec("eu-west-1", false, false, true))), check.Fail, []string{"allSupported false"}},
		{"all types with globals", one(region("eu-west-1", rec("eu-west-1", true, true, true))), check.Pass, nil},
		{"no region records globals", one(region("eu-west-1", rec("eu-west-1", true, false, true))), check.Fail, []string{"includeGlobalResourceTypes false"}},
		{"status unknown", one(region("eu-west-1", unknownStatus)), check.Unknown, []string{"no status entry"}},
		{"not collected", one(notCollected), check.Unknown, []string{"not collected"}},
	})
	// Two regions: globals recorded in us-east-1 make eu-west-1 pass; each
	// region gets its own finding.
	inv := cis2Inv(region("eu-west-1", rec("eu-west-1", true, false, true)), region("us-east-1", rec("us-east-1", true, true, true)))
	for _, f := range configRecorderDisabled.Evaluate(inv) {
		if f.Status != check.Pass {
			t.Errorf("%s: %s %s, want PASS (globals recorded in us-east-1)", f.Resource.Region, f.Status, f.Message)
		}
	}
	// A stopped recorder with globals does not count for global types.
	inv = cis2Inv(region("eu-west-1", rec("eu-west-1", true, false, true)), region("us-east-1", rec("us-east-1", true, true, false)))
	got := configRecorderDisabled.Evaluate(inv)
	if len(got) != 2 || got[0].Status != check.Fail || got[1].Status != check.Fail {
		t.Fatalf("want 2 FAIL findings, got %v", got)
	}
}

func TestEFSUnencrypted(t *testing.T) {
	const file = "eu-west-1/efs/describe-file-systems.json"
	fs := func(enc awsm.Bool) *awsm.Inventory {
		inv := cis2Inv()
		inv.CIS.EFSFileSystems = []*awsm.EFSFileSystem{{Identity: awsm.Identity{
			ARN: "arn:aws:elasticfilesystem:eu-west-1:" + netAccount + ":file-system/fs-0a1b2c3d", ID: "fs-0a1b2c3d", Name: "shared-home",
			Region: "eu-west-1", AccountID: netAccount, Partition: "aws", Source: cis2Src(file, "FileSystems[0]")}, Encrypted: enc}}
		return inv
	}
	netRun(t, efsUnencrypted, []netCase{
		{"unencrypted", fs(model.Known(false, cis2Src(file, "FileSystems[0].Encrypted"))), check.Fail, []string{"Encrypted false"}},
		{"encrypted", fs(model.Known(true, cis2Src(file, "FileSystems[0].Encrypted"))), check.Pass, nil},
		{"unknown", fs(model.Unknown[bool]("FileSystems[0].Encrypted absent from "+file, cis2Src(file, "FileSystems[0].Encrypted"))), check.Unknown, []string{"absent"}},
	})
}

func TestAccountSecurityContactMissing(t *testing.T) {
	const file = "global/account/get-alternate-contact/SECURITY"
	inv := func(v awsm.Bool) *awsm.Inventory {
		i := cis2Inv()
		i.CIS.SecurityContact = v
		return i
	}
	netRun(t, accountSecurityContactMissing, []netCase{
		{"none registered", inv(model.Known(false, cis2Src(file+".error.json", ""))), check.Fail, []string{"none registered"}},
		{"registered", inv(model.Known(true, cis2Src(file+".json", "AlternateContact.EmailAddress"))), check.Pass, nil},
		{"denied", inv(model.Unknown[bool]("AccessDeniedException: not authorized to perform: account:GetAlternateContact", cis2Src(file+".error.json", ""))), check.Unknown, []string{"AccessDenied"}},
	})
}

func TestEC2PeeringRouteTooBroad(t *testing.T) {
	const file = "us-east-1/ec2/describe-route-tables.json"
	pcx := &awsm.PeeringConnection{ID: "pcx-0a1b2c3d", Status: "active", RequesterVPC: "vpc-app", AccepterVPC: "vpc-shared",
		RequesterCIDRs: []string{"10.10.0.0/16"}, AccepterCIDRs: []string{"10.20.0.0/16", "10.21.0.0/24", "2600:1f18:abcd:1200::/56"}}
	table := func(vpc string, routes ...awsm.PeeringRoute) *awsm.Inventory {
		inv := cis2Inv()
		inv.CIS.PeeringConnections = map[string]*awsm.PeeringConnection{pcx.ID: pcx}
		for i := range routes {
			routes[i].Source = cis2Src(file, "RouteTables[0].Routes["+string(rune('0'+i))+"]")
		}
		inv.CIS.RouteTables = []*awsm.RouteTable{{Identity: awsm.Identity{ARN: "arn:aws:ec2:us-east-1:" + netAccount + ":route-table/rtb-1",
			ID: "rtb-1", Name: "rtb-1", Region: "us-east-1", AccountID: netAccount, Partition: "aws"}, VPCID: vpc, PeeringRoutes: routes}}
		return inv
	}
	route := func(dest string) awsm.PeeringRoute { return awsm.PeeringRoute{PeeringID: pcx.ID, Destination: dest} }
	unlisted := table("vpc-app", awsm.PeeringRoute{PeeringID: "pcx-gone", Destination: "10.20.0.0/16"})
	netRun(t, ec2PeeringRouteTooBroad, []netCase{
		{"default route to peer", table("vpc-app", route("0.0.0.0/0")), check.Fail, []string{"0.0.0.0/0 -> pcx-0a1b2c3d"}},
		{"supernet of peer", table("vpc-app", route("10.20.0.0/16"), route("10.0.0.0/8")), check.Fail, []string{"10.0.0.0/8"}},
		{"outside the peer", table("vpc-app", route("192.168.0.0/24")), check.Fail, nil},
		{"accepter side sees requester CIDR", table("vpc-shared", route("10.20.0.0/16")), check.Fail, []string{"10.10.0.0/16"}},
		{"exact peer CIDR", table("vpc-app", route("10.20.0.0/16")), check.Pass, nil},
		{"peer subnet and second CIDR", table("vpc-app", route("10.20.4.0/24"), route("10.21.0.0/24")), check.Pass, nil},
		{"IPv6 subnet", table("vpc-app", route("2600:1f18:abcd:1234::/64")), check.Pass, nil},
		{"requester side", table("vpc-shared", route("10.10.1.0/24")), check.Pass, nil},
		{"prefix list", table("vpc-app", awsm.PeeringRoute{PeeringID: pcx.ID, PrefixListID: "pl-0123"}), check.Unknown, []string{"prefix list pl-0123"}},
		{"connection not listed", unlisted, check.Unknown, []string{"pcx-gone not in describe-vpc-peering-connections"}},
	})
}
