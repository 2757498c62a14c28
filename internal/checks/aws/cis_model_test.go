package aws

import (
	"strings"
	"testing"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

const cisAuthFile = "global/iam/get-account-authorization-details.json"

func cisAttach(arn, path string) awsm.AttachedPolicy {
	return awsm.AttachedPolicy{ARN: arn, Name: arn[strings.LastIndexByte(arn, '/')+1:], Source: model.Source{File: cisAuthFile, Path: path}}
}

// cisIAM is an account as get-account-authorization-details describes it:
// a deploy role, an admins group and one user, each with the given extra
// attachments.
func cisIAM(roleExtra, groupExtra, userExtra []awsm.AttachedPolicy) *awsm.Inventory {
	id := func(kind, name string) awsm.Identity {
		return awsm.Identity{ARN: "arn:aws:iam::" + netAccount + ":" + kind + "/" + name, ID: name, Name: name, Region: "global",
			AccountID: netAccount, Partition: "aws", Source: model.Source{File: cisAuthFile}}
	}
	role := &awsm.Role{Identity: id("role", "deploy"), Path: "/",
		AttachedPolicies: append([]awsm.AttachedPolicy{cisAttach("arn:aws:iam::aws:policy/ReadOnlyAccess", "RoleDetailList[0].AttachedManagedPolicies[0]")}, roleExtra...)}
	linked := &awsm.Role{Identity: id("role", "AWSServiceRoleForSupport"), Path: "/aws-service-role/support.amazonaws.com/",
		AttachedPolicies: []awsm.AttachedPolicy{cisAttach("arn:aws:iam::aws:policy/aws-service-role/AWSSupportServiceRolePolicy", "RoleDetailList[1].AttachedManagedPolicies[0]")}}
	group := &awsm.Group{Identity: id("group", "admins"), Path: "/",
		AttachedPolicies: append([]awsm.AttachedPolicy{cisAttach("arn:aws:iam::aws:policy/AdministratorAccess", "GroupDetailList[0].AttachedManagedPolicies[0]")}, groupExtra...)}
	user := &awsm.User{Identity: id("user", "alice"), Path: "/", Groups: []string{"admins"}, AttachedPolicies: userExtra}
	return &awsm.Inventory{AccountID: netAccount, Partition: "aws", Roles: []*awsm.Role{role, linked}, Groups: []*awsm.Group{group},
		Users: []*awsm.User{user}, Account: &awsm.Account{Identity: awsm.Identity{ARN: netAccount, ID: netAccount, Name: netAccount,
			Region: "global", AccountID: netAccount, Partition: "aws"}}}
}

func cisNoAuthDetails(inv *awsm.Inventory) *awsm.Inventory {
	inv.Coverage = []awsm.Coverage{{Region: "global", Service: "iam", Operation: "get-account-authorization-details",
		Status: awsm.CoverageError, Detail: "AccessDenied: not authorized to perform iam:GetAccountAuthorizationDetails"}}
	return inv
}

func TestIAMSupportRoleMissing(t *testing.T) {
	support := func(path string) []awsm.AttachedPolicy {
		return []awsm.AttachedPolicy{cisAttach("arn:aws:iam::aws:policy/AWSSupportAccess", path)}
	}
	gov := cisIAM(nil, nil, nil)
	gov.Roles[0].AttachedPolicies = append(gov.Roles[0].AttachedPolicies, cisAttach("arn:aws-us-gov:iam::aws:policy/AWSSupportAccess", "RoleDetailList[0].AttachedManagedPolicies[1]"))
	lookalike := cisIAM([]awsm.AttachedPolicy{cisAttach("arn:aws:iam::"+netAccount+":policy/AWSSupportAccess", "RoleDetailList[0].AttachedManagedPolicies[1]")}, nil, nil)
	netRun(t, iamSupportRoleMissing, []netCase{
		{"no principal", cisIAM(nil, nil, nil), check.Fail, []string{"none of 2 roles, 1 group or 1 user has arn:aws:iam::aws:policy/AWSSupportAccess attached"}},
		{"customer policy of the same name", lookalike, check.Fail, nil},
		{"role", cisIAM(support("RoleDetailList[0].AttachedManagedPolicies[1]"), nil, nil), check.Pass, []string{"role deploy"}},
		{"group", cisIAM(nil, support("GroupDetailList[0].AttachedManagedPolicies[1]"), nil), check.Pass, []string{"group admins"}},
		{"user", cisIAM(nil, nil, support("UserDetailList[0].AttachedManagedPolicies[0]")), check.Pass, []string{"user alice"}},
		{"GovCloud partition", gov, check.Pass, nil},
		{"authorization details failed", cisNoAuthDetails(cisIAM(nil, nil, nil)), check.Unknown, []string{"AccessDenied"}},
	})
}

func TestIAMCloudShellFullAccess(t *testing.T) {
	shell := func(path string) []awsm.AttachedPolicy {
		return []awsm.AttachedPolicy{cisAttach("arn:aws:iam::aws:policy/AWSCloudShellFullAccess", path)}
	}
	// One finding per principal (user, group, role; the service-linked role is skipped).
	statuses := func(inv *awsm.Inventory) map[string]check.Finding {
		out := map[string]check.Finding{}
		for _, f := range iamCloudShellFullAccess.Evaluate(inv) {
			out[f.Resource.ID] = f
		}
		return out
	}
	got := statuses(cisIAM(shell("RoleDetailList[0].AttachedManagedPolicies[1]"), nil, shell("UserDetailList[0].AttachedManagedPolicies[0]")))
	if len(got) != 3 {
		t.Fatalf("got %d findings, want 3 (user, group, role; not the service-linked role): %v", len(got), got)
	}
	deploy := got["arn:aws:iam::"+netAccount+":role/deploy"]
	if deploy.Status != check.Fail || !strings.Contains(deploy.Message, "role deploy has AWSCloudShellFullAccess") ||
		deploy.Evidence[0].Source.Path != "RoleDetailList[0].AttachedManagedPolicies[1]" {
		t.Errorf("role: %s %q %+v", deploy.Status, deploy.Message, deploy.Evidence)
	}
	if f := got["arn:aws:iam::"+netAccount+":user/alice"]; f.Status != check.Fail {
		t.Errorf("user: %s %q", f.Status, f.Message)
	}
	if f := got["arn:aws:iam::"+netAccount+":group/admins"]; f.Status != check.Pass {
		t.Errorf("group: %s %q", f.Status, f.Message)
	}
	for id, f := range statuses(cisIAM(nil, shell("GroupDetailList[0].AttachedManagedPolicies[1]"), nil)) {
		want := check.Pass
		if strings.HasSuffix(id, ":group/admins") {
			want = check.Fail
		}
		if f.Status != want {
			t.Errorf("group attachment: %s is %s, want %s", id, f.Status, want)
		}
	}
	for id, f := range statuses(cisNoAuthDetails(cisIAM(nil, nil, nil))) {
		if f.Status != check.Unknown {
			t.Errorf("no authorization details: %s is %s, want UNKNOWN", id, f.Status)
		}
	}
}

func TestInstanceNoProfile(t *testing.T) {
	with := func(state string, profile model.String) *awsm.Inventory {
		inv := netInstance(state, "required", "enabled")
		inv.Instances[0].InstanceProfile = profile
		return inv
	}
	src := netInstSrc("IamInstanceProfile.Arn")
	web := model.Known("arn:aws:iam::"+netAccount+":instance-profile/web-app", src)
	none := model.Known("", src)
	netRun(t, instanceNoProfile, []netCase{
		{"running without profile", with("running", none), check.Fail, []string{"instance i-0abcdef1234567890 has no IamInstanceProfile"}},
		{"pending without profile", with("pending", none), check.Fail, nil},
		{"running with profile", with("running", web), check.Pass, nil},
		{"stopped", with("stopped", none), check.NotApplicable, nil},
		{"terminated", with("terminated", none), check.NotApplicable, nil},
		{"state unknown (IaC) without profile", with("", none), check.Fail, nil},
		{"profile unknown", with("running", model.Unknown[string]("not collected: "+netInstFile+" missing", src)), check.Unknown, []string{"IamInstanceProfile"}},
	})
}

func TestS3MFADeleteDisabled(t *testing.T) {
	vsrc := model.Source{File: "global/s3api/get-bucket-versioning/" + encBucketName + ".json"}
	with := func(versioning, mfa string) *awsm.Inventory {
		b := encBucket()
		b.Versioning = model.Known(versioning, vsrc.At("Status"))
		b.MFADelete = model.Known(mfa, vsrc.At("MFADelete"))
		return encBucketInv(b)
	}
	unknown := encBucket()
	unknown.Versioning = model.Unknown[string]("AccessDenied: Access Denied", vsrc)
	unknown.MFADelete = model.Unknown[string]("AccessDenied: Access Denied", vsrc)
	netRun(t, s3MFADeleteDisabled, []netCase{
		{"versioned, MFA Delete enabled", with("Enabled", "Enabled"), check.Pass, nil},
		{"versioned, MFA Delete disabled", with("Enabled", "Disabled"), check.Fail, []string{`MFADelete is "Disabled"`}},
		{"versioning never enabled", with("", ""), check.Fail, []string{"MFADelete was never enabled", "MFA Delete requires it"}},
		{"versioning suspended", with("Suspended", "Disabled"), check.Fail, []string{`Status "Suspended"`}},
		{"access denied", encBucketInv(unknown), check.Unknown, []string{"AccessDenied"}},
	})
}

func TestRDSAutoMinorUpgradeAndMultiAZ(t *testing.T) {
	with := func(engine string, minor, multi model.Bool) *awsm.Inventory {
		inv := encDB(engine, "16.3", "default.postgres16", map[string]string{})
		inv.DBInstances[0].AutoMinorVersionUpgrade = minor
		inv.DBInstances[0].MultiAZ = multi
		return inv
	}
	kb := func(v bool, f string) model.Bool { return model.Known(v, encRDSSrc(f)) }
	ub := func(f string) model.Bool {
		return model.Unknown[bool]("not collected: "+encRDSFile+" missing", encRDSSrc(f))
	}
	netRun(t, rdsAutoMinorUpgradeDisabled, []netCase{
		{"disabled", with("postgres", kb(false, "AutoMinorVersionUpgrade"), kb(true, "MultiAZ")), check.Fail,
			[]string{"AutoMinorVersionUpgrade is false for orders-prod"}},
		{"enabled", with("postgres", kb(true, "AutoMinorVersionUpgrade"), kb(false, "MultiAZ")), check.Pass, nil},
		{"unknown", with("postgres", ub("AutoMinorVersionUpgrade"), kb(true, "MultiAZ")), check.Unknown, []string{"describe-db-instances.json missing"}},
	})
	netRun(t, rdsMultiAZDisabled, []netCase{
		{"single-AZ", with("postgres", kb(true, "AutoMinorVersionUpgrade"), kb(false, "MultiAZ")), check.Fail, []string{"MultiAZ is false for orders-prod"}},
		{"Multi-AZ", with("mysql", kb(false, "AutoMinorVersionUpgrade"), kb(true, "MultiAZ")), check.Pass, nil},
		{"unknown", with("postgres", kb(true, "AutoMinorVersionUpgrade"), ub("MultiAZ")), check.Unknown, []string{"MultiAZ"}},
		{"aurora decides at cluster level", with("aurora-postgresql", kb(true, "AutoMinorVersionUpgrade"), kb(false, "MultiAZ")), check.Unknown,
			[]string{"describe-db-clusters"}},
	})
}

func TestCloudTrailBucketAccessLogging(t *testing.T) {
	lsrc := model.Source{File: "global/s3api/get-bucket-logging/acme-cloudtrail-logs.json", Path: "LoggingEnabled"}
	with := func(target model.String, mod ...func(*awsm.Trail)) *awsm.Inventory {
		b := &awsm.Bucket{Identity: awsm.Identity{ARN: "arn:aws:s3:::acme-cloudtrail-logs", ID: "acme-cloudtrail-logs", Name: "acme-cloudtrail-logs",
			Region: "us-east-1", AccountID: netAccount, Partition: "aws", Source: model.Source{File: "global/s3api/list-buckets.json", Path: "Buckets[0]"}},
			LoggingTarget: target}
		return &awsm.Inventory{AccountID: netAccount, Buckets: []*awsm.Bucket{encBucket(), b},
			Trails: model.Known([]*awsm.Trail{logTrail("management-events", mod...)}, model.Source{File: "us-east-1/cloudtrail/describe-trails.json"})}
	}
	otherBucket := func(t *awsm.Trail) {
		t.S3BucketName = model.Known("org-log-archive-999988887777", t.S3BucketName.Source())
	}
	netRun(t, cloudtrailBucketAccessLoggingDisabled, []netCase{
		{"logging off", with(model.Known("", lsrc)), check.Fail, []string{"bucket acme-cloudtrail-logs has no LoggingEnabled"}},
		{"logging on", with(model.Known("acme-s3-access-logs", lsrc)), check.Pass, nil},
		{"bucket in another account", with(model.Known("", lsrc), otherBucket), check.Unknown, []string{"S3BucketName org-log-archive-999988887777 is not among the collected buckets"}},
		{"logging unknown", with(model.Unknown[string]("AccessDenied: Access Denied", lsrc)), check.Unknown, []string{"AccessDenied"}},
	})
}

func TestCloudTrailS3ObjectEvents(t *testing.T) {
	inv := func(trails ...*awsm.Trail) *awsm.Inventory {
		return &awsm.Inventory{AccountID: netAccount, Trails: model.Known(trails, model.Source{File: "us-east-1/cloudtrail/describe-trails.json"})}
	}
	basicBucket := func(t *awsm.Trail) {
		s := t.EventSelectors.Source()
		t.EventSelectors = model.Known([]awsm.EventSelector{{ReadWriteType: "All", IncludeManagementEvents: true,
			DataResources: []awsm.DataResource{{Type: "AWS::S3::Object", Values: []string{"arn:aws:s3:::acme-prod-invoices/"}}}, Source: s.At("[0]")}}, s)
	}
	advRead := awsm.AdvancedEventSelector{Name: "S3 reads", FieldSelectors: []awsm.FieldSelector{
		{Field: "eventCategory", Equals: []string{"Data"}}, {Field: "resources.type", Equals: []string{"AWS::S3::Object"}}, {Field: "readOnly", Equals: []string{"true"}}}}
	advOneBucket := awsm.AdvancedEventSelector{Name: "S3 one bucket", FieldSelectors: []awsm.FieldSelector{
		{Field: "eventCategory", Equals: []string{"Data"}}, {Field: "resources.type", Equals: []string{"AWS::S3::Object"}},
		{Field: "resources.ARN", StartsWith: []string{"arn:aws:s3:::acme-prod-invoices/"}}}}
	advLambda := awsm.AdvancedEventSelector{Name: "Lambda", FieldSelectors: []awsm.FieldSelector{
		{Field: "eventCategory", Equals: []string{"Data"}}, {Field: "resources.type", Equals: []string{"AWS::Lambda::Function"}}}}
	cases := []struct {
		name        string
		inv         *awsm.Inventory
		write, read check.Status
		ev          string
	}{
		{"management only", inv(logTrail("management-events")), check.Fail, check.Fail, "do not record S3 object"},
		{"basic All, all buckets", inv(logTrail("t", logBasic("All", true))), check.Pass, check.Pass, ""},
		{"basic WriteOnly", inv(logTrail("t", logBasic("WriteOnly", true))), check.Pass, check.Fail, ""},
		{"basic ReadOnly", inv(logTrail("t", logBasic("ReadOnly", true))), check.Fail, check.Pass, ""},
		{"basic one bucket only", inv(logTrail("t", basicBucket)), check.Fail, check.Fail, ""},
		{"basic all buckets but single-region", inv(logTrail("t", logBasic("All", true), logSingleRegion)), check.Fail, check.Fail, "not multi-region"},
		{"basic all buckets but not logging", inv(logTrail("t", logBasic("All", true), logNotLogging)), check.Fail, check.Fail, "not logging"},
		{"advanced all S3 objects", inv(logTrail("t", logAdvanced(logAdvManagementAll, logAdvS3Data))), check.Pass, check.Pass, ""},
		{"advanced reads only", inv(logTrail("t", logAdvanced(logAdvManagementAll, advRead))), check.Fail, check.Pass, ""},
		{"advanced one bucket", inv(logTrail("t", logAdvanced(advOneBucket))), check.Fail, check.Fail, ""},
		{"advanced Lambda only", inv(logTrail("t", logAdvanced(advLambda))), check.Fail, check.Fail, ""},
		{"second trail qualifies", inv(logTrail("management-events"), logTrail("data-events", logBasic("All", false))), check.Pass, check.Pass, ""},
		{"selectors unknown", inv(logTrail("t", logSelectorsUnknown)), check.Unknown, check.Unknown, "AccessDenied"},
		{"no trail", inv(), check.Fail, check.Fail, "describe-trails lists no trails"},
		{"describe-trails missing", &awsm.Inventory{AccountID: netAccount, Trails: model.Unknown[[]*awsm.Trail]("not collected",
			model.Source{File: "us-east-1/cloudtrail/describe-trails.json"})}, check.Unknown, check.Unknown, "describe-trails"},
	}
	for _, tt := range cases {
		for _, c := range []struct {
			check *check.Check
			want  check.Status
		}{{cloudtrailS3WriteEventsMissing, tt.write}, {cloudtrailS3ReadEventsMissing, tt.read}} {
			t.Run(tt.name+"/"+c.check.ID, func(t *testing.T) {
				got := c.check.Evaluate(tt.inv)
				if len(got) != 1 {
					t.Fatalf("got %d findings, want 1", len(got))
				}
				f := got[0]
				if f.Status != c.want {
					t.Fatalf("status %s (%s; %v), want %s", f.Status, f.Message, f.Evidence, c.want)
				}
				if f.Status == check.Pass {
					return
				}
				var all []string
				for _, e := range f.Evidence {
					all = append(all, e.Detail)
				}
				if j := strings.Join(all, "\n"); !strings.Contains(j, tt.ev) {
					t.Errorf("evidence %q does not contain %q", j, tt.ev)
				}
			})
		}
	}
}

func TestSGCIFSOpen(t *testing.T) {
	smbWorld := awsm.SGRule{Protocol: "tcp", FromPort: 445, ToPort: 445, IPv4Ranges: []string{"0.0.0.0/0"}}
	smbRange6 := awsm.SGRule{Protocol: "tcp", FromPort: 135, ToPort: 445, IPv6Ranges: []string{"::/0"}}
	smbOffice := awsm.SGRule{Protocol: "tcp", FromPort: 445, ToPort: 445, IPv4Ranges: []string{"10.0.0.0/8"}}
	udp445 := awsm.SGRule{Protocol: "udp", FromPort: 445, ToPort: 445, IPv4Ranges: []string{"0.0.0.0/0"}}
	netRun(t, sgCIFSOpen, []netCase{
		{"445 from 0.0.0.0/0", netSGInv(netSG("sg-0a1b2c3d4e5f60718", "fileshare", netHTTPSWorld, smbWorld)), check.Fail,
			[]string{"from 0.0.0.0/0 reaches CIFS (445)"}},
		{"range including 445 from ::/0", netSGInv(netSG("sg-0a1b2c3d4e5f60718", "fileshare", smbRange6)), check.Fail, []string{"::/0"}},
		{"all traffic", netSGInv(netSG("sg-0a1b2c3d4e5f60718", "open", netAllWorld)), check.Fail, nil},
		{"445 from private range", netSGInv(netSG("sg-0a1b2c3d4e5f60718", "fileshare", smbOffice, netHTTPSWorld)), check.Pass, nil},
		{"UDP 445 only", netSGInv(netSG("sg-0a1b2c3d4e5f60718", "fileshare", udp445)), check.Pass, nil},
		{"rules unknown", netSGInv(netSGUnknown()), check.Unknown, []string{"AccessDenied"}},
	})
}

// TestCISModelChecksMetadata pins IDs, CIS mappings and the remediation
// shape of the checks in cis_model.go.
func TestCISModelChecksMetadata(t *testing.T) {
	want := map[string]string{
		"aws-iam-support-role-missing":                  "1.17",
		"aws-ec2-instance-no-profile":                   "1.18",
		"aws-iam-cloudshell-full-access":                "1.22",
		"aws-s3-bucket-mfa-delete-disabled":             "2.1.2",
		"aws-rds-auto-minor-upgrade-disabled":           "2.2.2",
		"aws-rds-multi-az-disabled":                     "2.2.4",
		"aws-cloudtrail-bucket-access-logging-disabled": "3.4",
		"aws-cloudtrail-s3-object-write-events-missing": "3.8",
		"aws-cloudtrail-s3-object-read-events-missing":  "3.9",
		"aws-ec2-sg-cifs-open":                          "5.1.2",
	}
	got := cisModelChecks()
	if len(got) != len(want) {
		t.Errorf("cisModelChecks has %d checks, want %d", len(got), len(want))
	}
	for _, c := range got {
		w, ok := want[c.ID]
		if !ok {
			t.Errorf("unexpected check %s", c.ID)
			continue
		}
		if strings.Join(c.Frameworks[CIS], ",") != w {
			t.Errorf("%s: CIS %v, want %s", c.ID, c.Frameworks[CIS], w)
		}
		if !strings.Contains(c.Remediation.CLI, "aws ") || c.Remediation.Console == "" || c.Remediation.Terraform == "" {
			t.Errorf("%s: incomplete remediation", c.ID)
		}
	}
}

// TestCISModelPassPathsDoNotAllocate: per-resource checks cost no allocation
// on a compliant resource (the engine's throughput target).
func TestCISModelPassPathsDoNotAllocate(t *testing.T) {
	inst := netInstance("running", "required", "enabled").Instances[0]
	inst.InstanceProfile = model.Known("arn:aws:iam::"+netAccount+":instance-profile/web-app", netInstSrc("IamInstanceProfile.Arn"))
	bucket := encBucket()
	bucket.MFADelete = model.Known("Enabled", model.Source{})
	sg := netSG("sg-0a1b2c3d4e5f60718", "web", netHTTPSWorld, netSSHOffice, netFromALB)
	inv := cisIAM(nil, nil, nil)
	env := &check.Env{AWS: inv}
	cases := []struct {
		name string
		run  func() check.Result
	}{
		{"instance profile", func() check.Result { return evalInstanceNoProfile(env, inst) }},
		{"mfa delete", func() check.Result { return evalS3MFADelete(env, bucket) }},
		{"cifs", func() check.Result {
			return netSGAdminPort(sg, 445, "CIFS (445)", "no ingress rule opens CIFS (445) to the internet")
		}},
	}
	for _, c := range cases {
		if got := c.run(); got.Status != check.Pass {
			t.Fatalf("%s: %s %s", c.name, got.Status, got.Message)
		}
		if n := testing.AllocsPerRun(100, func() { c.run() }); n != 0 {
			t.Errorf("%s: %.0f allocations per PASS", c.name, n)
		}
	}
}
