package snapshot

import (
	"reflect"
	"strings"
	"testing"

	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

func TestLoadBasicS3(t *testing.T) {
	inv := mustLoad(t, basicDir).Inventory
	bucket := func(name string) *awsm.Bucket {
		return find(t, inv.Buckets, func(b *awsm.Bucket) bool { return b.Name == name })
	}
	logs, site, restricted := bucket(logsBk), bucket("cw-public-site"), bucket("cw-restricted")
	if logs.ARN != "arn:aws:s3:::"+logsBk {
		t.Errorf("bucket ARN = %q", logs.ARN)
	}
	// LocationConstraint null => us-east-1, "EU" => eu-west-1.
	for b, want := range map[*awsm.Bucket]string{logs: "us-east-1", site: "eu-west-1", restricted: "us-west-2"} {
		if b.Region != want {
			t.Errorf("%s region = %q, want %q", b.Name, b.Region, want)
		}
	}
	pf := func(op, b string) string { return "global/s3api/" + op + "/" + b + ".json" }
	ef := func(op, b string) string { return "global/s3api/" + op + "/" + b + ".error.json" }
	checkValues(t, []valueCase{
		{"policy from JSON string", view(logs.Policy), true, anyValue, pf("get-bucket-policy", logsBk), "Policy"},
		{"NoSuchBucketPolicy is known none", view(restricted.Policy), true, "<nil>", ef("get-bucket-policy", "cw-restricted"), ""},
		{"ACL AccessDenied", view(restricted.ACL), false, "AccessDenied: Access Denied", ef("get-bucket-acl", "cw-restricted"), ""},
		{"ACL owner", view(site.Owner), true, "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be", pf("get-bucket-acl", "cw-public-site"), "Owner.ID"},
		{"owner from list-buckets when ACL denied", view(restricted.Owner), true, anyValue, "global/s3api/list-buckets.json", "Owner.ID"},
		{"bucket BPA all on", view(logs.PublicAccessBlock.AllOn()), true, "true", "", ""},
		{"bucket BPA source", view(logs.PublicAccessBlock.RestrictPublicBuckets), true, "true", pf("get-public-access-block", logsBk), "PublicAccessBlockConfiguration.RestrictPublicBuckets"},
		{"NoSuchPublicAccessBlockConfiguration: not configured", view(site.PublicAccessBlock.Configured), true, "false", ef("get-public-access-block", "cw-public-site"), ""},
		{"NoSuchPublicAccessBlockConfiguration: settings off", view(site.PublicAccessBlock.BlockPublicPolicy), true, "false", "", ""},
		{"BPA AccessDenied", view(restricted.PublicAccessBlock.BlockPublicAcls), false, "AccessDenied", "", ""},
		{"encryption kms", view(logs.Encryption), true, anyValue, pf("get-bucket-encryption", logsBk), "ServerSideEncryptionConfiguration"},
		{"encryption not found is known none", view(site.Encryption), true, "<nil>", ef("get-bucket-encryption", "cw-public-site"), ""},
		{"encryption AccessDenied", view(restricted.Encryption), false, "AccessDenied", "", ""},
		{"versioning enabled", view(logs.Versioning), true, "Enabled", pf("get-bucket-versioning", logsBk), "Status"},
		{"mfa delete disabled", view(logs.MFADelete), true, "Disabled", "", "MFADelete"},
		{"versioning empty output: never enabled", view(site.Versioning), true, "", pf("get-bucket-versioning", "cw-public-site"), ""},
		{"versioning not collected", view(restricted.Versioning), false, "not collected: global/s3api/get-bucket-versioning/cw-restricted.json missing", "", ""},
		{"logging empty output: off", view(logs.LoggingTarget), true, "", pf("get-bucket-logging", logsBk), ""},
		{"logging target", view(site.LoggingTarget), true, logsBk, "", "LoggingEnabled.TargetBucket"},
		{"logging not collected", view(restricted.LoggingTarget), false, "not collected", "", ""},
		{"bucket tags", view(logs.Tags), true, "map[data-classification:internal team:platform]", pf("get-bucket-tagging", logsBk), "TagSet"},
		{"NoSuchTagSet is known no tags", view(site.Tags), true, "map[]", ef("get-bucket-tagging", "cw-public-site"), ""},
		{"tags not collected", view(restricted.Tags), false, "not collected: global/s3api/get-bucket-tagging/cw-restricted.json missing", "", ""},
		{"creation date", view(site.CreationDate), true, "2022-06-15 08:00:00 +0000 UTC", "global/s3api/list-buckets.json", "Buckets[1].CreationDate"},
	})
	enc := logs.Encryption.Or(nil)
	if enc.SSEAlgorithm != "aws:kms" || !enc.BucketKeyEnabled || enc.KMSMasterKeyID == "" || enc.Source.Path != "ServerSideEncryptionConfiguration.Rules[0]" {
		t.Errorf("encryption = %+v", enc)
	}
	grants := site.ACL.Or(nil)
	if len(grants) != 2 || grants[1].GranteeType != "Group" || grants[1].URI != "http://acs.amazonaws.com/groups/global/AllUsers" ||
		grants[1].Permission != "READ" || grants[1].Source.Path != "Grants[1]" {
		t.Errorf("grants = %+v", grants)
	}
	pol := logs.Policy.Or(nil)
	if len(pol.Statements) != 2 || pol.Statements[0].Effect != "Deny" || !pol.Statements[0].Principal.IsEveryone() ||
		pol.Statements[0].Condition[0].Key != "aws:SecureTransport" || pol.Statements[0].Condition[0].Values[0] != "false" {
		t.Errorf("bucket policy = %+v", pol)
	}
}

func TestLoadBasicEC2(t *testing.T) {
	inv := mustLoad(t, basicDir).Inventory
	sg := func(id string) *awsm.SecurityGroup {
		return find(t, inv.SecurityGroups, func(g *awsm.SecurityGroup) bool { return g.ID == id })
	}
	def, web, euDef := sg("sg-0a1b2c3d4e5f60001"), sg("sg-0a1b2c3d4e5f60002"), sg("sg-0e0e0e0e0e0e00001")
	if web.ARN != "arn:aws:ec2:us-east-1:"+acct+":security-group/sg-0a1b2c3d4e5f60002" || web.Region != "us-east-1" {
		t.Errorf("built SG ARN = %q region %q", web.ARN, web.Region)
	}
	if !def.IsDefault() || web.IsDefault() || web.Name != "web" || web.VPCID != "vpc-0abc0000000000001" || web.Description != "web servers" {
		t.Errorf("SG identity: default=%v web=%+v", def.IsDefault(), web.Identity)
	}
	if euDef.Region != "eu-west-1" || euDef.ARN != "arn:aws:ec2:eu-west-1:"+acct+":security-group/sg-0e0e0e0e0e0e00001" {
		t.Errorf("eu SG = %q %q", euDef.ARN, euDef.Region)
	}
	in := web.Ingress.Or(nil)
	wantIn := []awsm.SGRule{
		{Protocol: "tcp", FromPort: 22, ToPort: 22, IPv4Ranges: []string{"0.0.0.0/0"}, IPv6Ranges: []string{"::/0"}},
		{Protocol: "tcp", FromPort: 443, ToPort: 443, IPv4Ranges: []string{"0.0.0.0/0"}, PrefixListIDs: []string{"pl-63a5400a"}},
		{Protocol: "icmp", FromPort: -1, ToPort: -1, IPv4Ranges: []string{"10.0.0.0/8"}},
	}
	if len(in) != len(wantIn) {
		t.Fatalf("web ingress = %+v", in)
	}
	for i := range in {
		if in[i].Source.File != sgF || in[i].Source.Path != "SecurityGroups[1].IpPermissions["+string(rune('0'+i))+"]" {
			t.Errorf("rule %d source = %v", i, in[i].Source)
		}
		in[i].Source = wantIn[i].Source
		if !reflect.DeepEqual(in[i], wantIn[i]) {
			t.Errorf("rule %d = %+v, want %+v", i, in[i], wantIn[i])
		}
	}
	defIn := def.Ingress.Or(nil)
	if len(defIn) != 1 || defIn[0].Protocol != "-1" || defIn[0].FromPort != 0 || defIn[0].ToPort != 65535 ||
		!reflect.DeepEqual(defIn[0].GroupIDs, []string{"sg-0a1b2c3d4e5f60001"}) {
		t.Errorf("default SG ingress (-1, self-reference) = %+v", defIn)
	}
	if eg := web.Egress.Or(nil); len(eg) != 1 || eg[0].Source.Path != "SecurityGroups[1].IpPermissionsEgress[0]" {
		t.Errorf("egress = %+v", eg)
	}
	if r, ok := euDef.Ingress.Get(); !ok || len(r) != 0 {
		t.Errorf("empty ingress should be known empty: %v %v", r, ok)
	}

	web1 := find(t, inv.Instances, func(i *awsm.Instance) bool { return i.ID == "i-0123456789abcdef0" })
	stopped := find(t, inv.Instances, func(i *awsm.Instance) bool { return i.ID == "i-0123456789abcdef1" })
	instF := "us-east-1/ec2/describe-instances.json"
	vol1 := find(t, inv.Volumes, func(v *awsm.Volume) bool { return v.ID == "vol-0aaa0000000000001" })
	vol2 := find(t, inv.Volumes, func(v *awsm.Volume) bool { return v.ID == "vol-0aaa0000000000002" })
	region := func(name string) *awsm.Region {
		return find(t, inv.Regions, func(r *awsm.Region) bool { return r.Name == name })
	}
	use1, euw1 := region("us-east-1"), region("eu-west-1")
	vpc := func(id string) *awsm.VPC { return find(t, inv.VPCs, func(v *awsm.VPC) bool { return v.ID == id }) }
	mainVPC, defVPC, euVPC := vpc("vpc-0abc0000000000001"), vpc("vpc-0abc0000000000002"), vpc("vpc-0e0e000000000001")
	checkValues(t, []valueCase{
		{"instance public IP", view(web1.PublicIP), true, "54.0.0.10", instF, "Reservations[0].Instances[0].PublicIpAddress"},
		{"instance without public IP", view(stopped.PublicIP), true, "", instF, "Reservations[0].Instances[1].PublicIpAddress"},
		{"instance IMDSv1", view(web1.MetadataHTTPTokens), true, "optional", instF, "Reservations[0].Instances[0].MetadataOptions.HttpTokens"},
		{"instance IMDSv2", view(stopped.MetadataHTTPTokens), true, "required", "", ""},
		{"instance endpoint", view(web1.MetadataHTTPEndpoint), true, "enabled", "", ""},
		{"instance profile", view(web1.InstanceProfile), true, "arn:aws:iam::" + acct + ":instance-profile/web-instance", "", "Reservations[0].Instances[0].IamInstanceProfile.Arn"},
		{"instance no profile", view(stopped.InstanceProfile), true, "", "", ""},
		{"instance state", view(stopped.State), true, "stopped", "", "Reservations[0].Instances[1].State.Name"},
		{"instance launch", view(web1.LaunchTime), true, "2024-03-10 12:00:00 +0000 UTC", "", ""},
		{"instance tags", view(web1.Tags), true, "map[Name:web-1]", "", ""},
		{"volume unencrypted", view(vol1.Encrypted), true, "false", volF, "Volumes[0].Encrypted"},
		{"volume encrypted", view(vol2.Encrypted), true, "true", volF, "Volumes[1].Encrypted"},
		{"volume kms key", view(vol2.KMSKeyID), true, "arn:aws:kms:us-east-1:" + acct + ":key/" + k1, "", ""},
		{"volume no kms key", view(vol1.KMSKeyID), true, "", "", ""},
		{"volume size", view(vol2.Size), true, "100", "", ""},
		{"volume state", view(vol1.State), true, "in-use", "", ""},
		{"ebs default off", view(use1.EBSEncryptionByDefault), true, "false", "us-east-1/ec2/get-ebs-encryption-by-default.json", "EbsEncryptionByDefault"},
		{"ebs default on", view(euw1.EBSEncryptionByDefault), true, "true", "", ""},
		{"vpc flow logs", view(mainVPC.FlowLogs), true, anyValue, "us-east-1/ec2/describe-flow-logs.json", "FlowLogs"},
		{"vpc without flow logs", view(defVPC.FlowLogs), true, "[]", "us-east-1/ec2/describe-flow-logs.json", ""},
		{"vpc flow logs error answer", view(euVPC.FlowLogs), false, "UnauthorizedOperation: You are not authorized", "eu-west-1/ec2/describe-flow-logs.error.json", ""},
		{"vpc default", view(defVPC.IsDefault), true, "true", "us-east-1/ec2/describe-vpcs.json", "Vpcs[1].IsDefault"},
		{"vpc cidr", view(mainVPC.CIDRBlock), true, "10.0.0.0/16", "", ""},
	})
	if web1.ARN != "arn:aws:ec2:us-east-1:"+acct+":instance/i-0123456789abcdef0" || web1.Name != "web-1" || stopped.Name != "i-0123456789abcdef1" {
		t.Errorf("instance identity = %q %q %q", web1.ARN, web1.Name, stopped.Name)
	}
	if !reflect.DeepEqual(web1.SecurityGroupIDs, []string{"sg-0a1b2c3d4e5f60002"}) || web1.VPCID != "vpc-0abc0000000000001" || web1.SubnetID != "subnet-0aa0000000000001" {
		t.Errorf("instance network = %+v", web1)
	}
	if vol1.ARN != "arn:aws:ec2:us-east-1:"+acct+":volume/vol-0aaa0000000000001" || !reflect.DeepEqual(vol1.InstanceIDs, []string{"i-0123456789abcdef0"}) {
		t.Errorf("volume = %q %v", vol1.ARN, vol1.InstanceIDs)
	}
	if fl := mainVPC.FlowLogs.Or(nil); len(fl) != 1 || fl[0].ID != "fl-0abc0000000000001" || fl[0].Status != "ACTIVE" || fl[0].TrafficType != "ALL" || fl[0].Destination != "vpc-flow-logs" {
		t.Errorf("flow logs = %+v", fl)
	}
	if mainVPC.ARN != "arn:aws:ec2:us-east-1:"+acct+":vpc/vpc-0abc0000000000001" {
		t.Errorf("vpc ARN = %q", mainVPC.ARN)
	}
	if use1.ARN != acct+"/us-east-1" || use1.Region != "us-east-1" {
		t.Errorf("region identity = %q %q", use1.ARN, use1.Region)
	}

	acl := inv.NetworkACLs[0]
	if acl.ARN != "arn:aws:ec2:us-east-1:"+acct+":network-acl/acl-0abc0000000000001" || !acl.IsDefault.Or(false) || acl.VPCID != "vpc-0abc0000000000001" {
		t.Errorf("nacl identity = %+v", acl.Identity)
	}
	entries := acl.Entries.Or(nil)
	want := []awsm.ACLEntry{
		{RuleNumber: 100, Protocol: "-1", Egress: true, Allow: true, CIDR: "0.0.0.0/0", FromPort: 0, ToPort: 65535},
		{RuleNumber: 32767, Protocol: "-1", Egress: true, Allow: false, CIDR: "0.0.0.0/0", FromPort: 0, ToPort: 65535},
		{RuleNumber: 100, Protocol: "6", Allow: true, CIDR: "0.0.0.0/0", FromPort: 22, ToPort: 22},
		{RuleNumber: 101, Protocol: "-1", Allow: true, IPv6CIDR: "::/0", FromPort: 0, ToPort: 65535},
		{RuleNumber: 32767, Protocol: "-1", Allow: false, CIDR: "0.0.0.0/0", FromPort: 0, ToPort: 65535},
	}
	if len(entries) != len(want) {
		t.Fatalf("entries = %+v", entries)
	}
	for i := range entries {
		if entries[i].Source.Path != "NetworkAcls[0].Entries["+string(rune('0'+i))+"]" {
			t.Errorf("entry %d source = %v", i, entries[i].Source)
		}
		entries[i].Source = want[i].Source
		if !reflect.DeepEqual(entries[i], want[i]) {
			t.Errorf("entry %d = %+v, want %+v", i, entries[i], want[i])
		}
	}
}

func TestLoadBasicRDSKMS(t *testing.T) {
	inv := mustLoad(t, basicDir).Inventory
	orders := find(t, inv.DBInstances, func(d *awsm.DBInstance) bool { return d.ID == "orders-db" })
	reports := find(t, inv.DBInstances, func(d *awsm.DBInstance) bool { return d.ID == "reports-db" })
	dbF := "us-east-1/rds/describe-db-instances.json"
	pgF := "us-east-1/rds/describe-db-parameters/orders-pg15.json"
	if orders.ARN != "arn:aws:rds:us-east-1:"+acct+":db:orders-db" || orders.Region != "us-east-1" {
		t.Errorf("db identity = %q %q", orders.ARN, orders.Region)
	}
	params := orders.ParameterGroups[0].Parameters.Or(nil)
	key := func(id string) *awsm.KMSKey {
		return find(t, inv.KMSKeys, func(k *awsm.KMSKey) bool { return k.ID == id })
	}
	cmk, awsKey, rsa := key(k1), key("0987dcba-09fe-87dc-65ba-ab0987654321"), key(k3)
	checkValues(t, []valueCase{
		{"storage unencrypted", view(orders.StorageEncrypted), true, "false", dbF, "DBInstances[0].StorageEncrypted"},
		{"storage encrypted", view(reports.StorageEncrypted), true, "true", dbF, "DBInstances[1].StorageEncrypted"},
		{"public", view(orders.PubliclyAccessible), true, "true", "", ""},
		{"multi-az", view(reports.MultiAZ), true, "true", "", ""},
		{"auto minor", view(reports.AutoMinorVersionUpgrade), true, "false", "", ""},
		{"engine", view(orders.Engine), true, "postgres", "", ""},
		{"engine version", view(reports.EngineVersion), true, "8.0.35", "", ""},
		{"no kms key", view(orders.KMSKeyID), true, "", "", ""},
		{"tags", view(orders.Tags), true, "map[env:prod]", dbF, "DBInstances[0].TagList"},
		{"parameters known", view(orders.ParameterGroups[0].Parameters), true, anyValue, pgF, "Parameters"},
		{"parameters not collected", view(reports.ParameterGroups[0].Parameters), false, "not collected: us-east-1/rds/describe-db-parameters/default.mysql8.0.json missing", "", ""},
		{"force_ssl", view(params["rds.force_ssl"].Value), true, "0", pgF, "Parameters[1].ParameterValue"},
		{"parameter without value", view(params["work_mem"].Value), true, "", pgF, "Parameters[2].ParameterValue"},

		{"key manager", view(cmk.Manager), true, "CUSTOMER", "us-east-1/kms/describe-key/" + k1 + ".json", "KeyMetadata.KeyManager"},
		{"key state", view(cmk.State), true, "Enabled", "", ""},
		{"key spec", view(rsa.KeySpec), true, "RSA_2048", "", ""},
		{"key usage", view(rsa.KeyUsage), true, "SIGN_VERIFY", "", ""},
		{"key origin", view(cmk.Origin), true, "AWS_KMS", "", ""},
		{"rotation off", view(cmk.RotationEnabled), true, "false", "us-east-1/kms/get-key-rotation-status/" + k1 + ".json", "KeyRotationEnabled"},
		{"aws key rotation on", view(awsKey.RotationEnabled), true, "true", "", ""},
		{"aws key manager", view(awsKey.Manager), true, "AWS", "", ""},
		{"UnsupportedOperationException: rotation off", view(rsa.RotationEnabled), true, "false", "us-east-1/kms/get-key-rotation-status/" + k3 + ".error.json", ""},
	})
	if orders.ParameterGroups[0].Name != "orders-pg15" {
		t.Errorf("parameter group = %q", orders.ParameterGroups[0].Name)
	}
	if cmk.ARN != "arn:aws:kms:us-east-1:"+acct+":key/"+k1 || cmk.Region != "us-east-1" {
		t.Errorf("key identity = %q %q", cmk.ARN, cmk.Region)
	}
}

func TestLoadBasicLoggingDetection(t *testing.T) {
	inv := mustLoad(t, basicDir).Inventory
	trails, ok := inv.Trails.Get()
	// The multi-region trail is listed in both regions: one trail remains.
	if !ok || len(trails) != 1 {
		t.Fatalf("trails = %v (known %v)", trails, ok)
	}
	tr := trails[0]
	if tr.ARN != "arn:aws:cloudtrail:us-east-1:"+acct+":trail/main-trail" || tr.HomeRegion != "us-east-1" || tr.Region != "us-east-1" ||
		tr.Source.File != "us-east-1/cloudtrail/describe-trails.json" {
		t.Errorf("trail identity = %+v", tr.Identity)
	}
	region := func(name string) *awsm.Region {
		return find(t, inv.Regions, func(r *awsm.Region) bool { return r.Name == name })
	}
	checkValues(t, []valueCase{
		{"multi-region", view(tr.IsMultiRegion), true, "true", "us-east-1/cloudtrail/describe-trails.json", "trailList[0].IsMultiRegionTrail"},
		{"validation", view(tr.LogFileValidation), true, "true", "", ""},
		{"global events", view(tr.IncludeGlobalEvents), true, "true", "", ""},
		{"org trail", view(tr.IsOrganizationTrail), true, "false", "", ""},
		{"kms", view(tr.KMSKeyID), true, "arn:aws:kms:us-east-1:" + acct + ":key/" + k1, "", ""},
		{"bucket", view(tr.S3BucketName), true, logsBk, "", ""},
		{"cloudwatch", view(tr.CloudWatchLogsGroupARN), true, "arn:aws:logs:us-east-1:" + acct + ":log-group:cloudtrail:*", "", ""},
		{"logging", view(tr.IsLogging), true, "true", "us-east-1/cloudtrail/get-trail-status/main-trail.json", "IsLogging"},
		{"selectors", view(tr.EventSelectors), true, anyValue, "us-east-1/cloudtrail/get-event-selectors/main-trail.json", "EventSelectors"},
		{"no advanced selectors", view(tr.AdvancedSelectors), true, "[]", "", ""},
		{"guardduty read", view(region("us-east-1").GuardDutyDetectors), true, anyValue, "us-east-1/guardduty/list-detectors.json", "DetectorIds"},
		{"guardduty AccessDenied", view(region("eu-west-1").GuardDutyDetectors), false, "AccessDeniedException: User:", "eu-west-1/guardduty/list-detectors.error.json", ""},
	})
	sel := tr.EventSelectors.Or(nil)
	if len(sel) != 1 || sel[0].ReadWriteType != "All" || !sel[0].IncludeManagementEvents ||
		len(sel[0].DataResources) != 1 || sel[0].DataResources[0].Type != "AWS::S3::Object" {
		t.Errorf("selectors = %+v", sel)
	}
	dets := region("us-east-1").GuardDutyDetectors.Or(nil)
	if len(dets) != 1 {
		t.Fatalf("detectors = %v", dets)
	}
	d := dets[0]
	if d.ARN != "arn:aws:guardduty:us-east-1:"+acct+":detector/12abc34d567e8fa901bc2d34e56789f0" || d.Region != "us-east-1" {
		t.Errorf("detector identity = %+v", d.Identity)
	}
	checkValues(t, []valueCase{
		{"detector status", view(d.Status), true, "ENABLED", "us-east-1/guardduty/get-detector/12abc34d567e8fa901bc2d34e56789f0.json", "Status"},
		{"detector tags", view(d.Tags), true, "map[env:prod]", "", ""},
	})
}

func TestLoadBasicCoverage(t *testing.T) {
	inv := mustLoad(t, basicDir).Inventory
	cases := []struct {
		region, service, op string
		status              awsm.CoverageStatus
		detail              string
	}{
		{"global", "iam", "get-account-authorization-details", awsm.CoverageRead, ""},
		{"global", "s3api", "get-bucket-policy", awsm.CoverageRead, "3 read"},
		{"global", "s3api", "get-bucket-acl", awsm.CoverageError, "AccessDenied"},
		{"global", "s3api", "get-bucket-versioning", awsm.CoverageMissing, "get-bucket-versioning/cw-restricted.json missing"},
		{"eu-west-1", "ec2", "describe-volumes", awsm.CoverageMissing, "not collected: eu-west-1/ec2/describe-volumes.json missing"},
		{"eu-west-1", "ec2", "describe-flow-logs", awsm.CoverageError, "UnauthorizedOperation"},
		{"eu-west-1", "guardduty", "list-detectors", awsm.CoverageError, "AccessDeniedException"},
		{"us-east-1", "rds", "describe-db-parameters", awsm.CoverageMissing, "default.mysql8.0.json missing"},
		{"us-east-1", "kms", "get-key-rotation-status", awsm.CoverageRead, ""},
		{"us-east-1", "cloudtrail", "get-trail-status", awsm.CoverageRead, ""},
	}
	for _, c := range cases {
		got, ok := coverageOf(inv, c.region, c.service, c.op)
		if !ok {
			t.Errorf("no coverage for %s/%s/%s", c.region, c.service, c.op)
			continue
		}
		if got.Status != c.status || !strings.Contains(got.Detail, c.detail) {
			t.Errorf("%s/%s/%s = %s %q, want %s containing %q", c.region, c.service, c.op, got.Status, got.Detail, c.status, c.detail)
		}
	}
	// One entry per operation and region, in a stable order.
	seen := map[[3]string]bool{}
	for _, c := range inv.Coverage {
		k := [3]string{c.Region, c.Service, c.Operation}
		if seen[k] {
			t.Errorf("duplicate coverage entry %v", k)
		}
		seen[k] = true
	}
	// 15 global operations (with s3api get-bucket-tagging), 15 per region plus 4 monitoring operations per
	// region (monitoring.go), and the two per-trail calls in the trail's
	// home region only; plus the CIS operations (cisextra.go): 3 global and
	// 6 per region; plus the policy group (policy_resources.go): 5
	// organizations operations and 12 per region (15 with the lambda, sns
	// and ecr tag operations); plus the network group
	// (network.go): cloudfront and 15 per region; plus logs
	// describe-log-groups per region (loggroups.go); plus the compliance
	// operations (compliance_ops.go): list-saml-providers,
	// list-organizations-features and Macie per region.
	if n, want := len(inv.Coverage), 70+5+2*15+1+2*15+2*1+2+2*1; n != want {
		t.Errorf("coverage entries = %d, want %d", n, want)
	}
}

// TestLoadDeterministic loads twice (reads are concurrent) and expects the
// same inventory and warnings.
func TestLoadDeterministic(t *testing.T) {
	a, b := mustLoad(t, basicDir), mustLoad(t, basicDir)
	if !reflect.DeepEqual(a.Inventory, b.Inventory) || !reflect.DeepEqual(a.Warnings, b.Warnings) {
		t.Error("two loads of the same snapshot differ")
	}
	c, err := LoadFS(basicMapFS(t))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a.Inventory.Coverage, c.Inventory.Coverage) || len(c.Inventory.Buckets) != 3 {
		t.Error("LoadFS over an in-memory FS differs from Load")
	}
}
