package aws

import (
	"strconv"
	"strings"
	"testing"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// netCase is one table row shared by the network and encryption tests:
// the status wanted and, for FAIL and UNKNOWN, text every finding's
// evidence (joined) must contain.
type netCase struct {
	name string
	inv  *awsm.Inventory
	want check.Status // check.NotApplicable: the check must skip the resource
	ev   []string
}

func netRun(t *testing.T, c *check.Check, tests []netCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := c.Evaluate(tt.inv)
			if tt.want == check.NotApplicable {
				if len(got) != 0 {
					t.Fatalf("want the resource skipped, got %s: %s %v", got[0].Status, got[0].Message, got[0].Evidence)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("got %d findings, want 1", len(got))
			}
			f := got[0]
			if f.Status != tt.want {
				t.Fatalf("status %s (%s; %v), want %s", f.Status, f.Message, f.Evidence, tt.want)
			}
			if f.Status != check.Pass && len(f.Evidence) == 0 {
				t.Fatalf("%s without evidence", f.Status)
			}
			var details []string
			for _, e := range f.Evidence {
				details = append(details, e.Detail)
				if f.Status == check.Fail && e.Source.File == "" {
					t.Errorf("evidence %q has no source file", e.Detail)
				}
			}
			joined := strings.Join(details, "\n")
			for _, want := range tt.ev {
				if !strings.Contains(joined, want) {
					t.Errorf("evidence %q does not contain %q", joined, want)
				}
			}
		})
	}
}

const (
	netAccount = "111122223333"
	netSGFile  = "us-east-1/ec2/describe-security-groups.json"
)

func netSGSrc(path string) model.Source { return model.Source{File: netSGFile, Path: path} }

// netSG builds a security group the way the importer does, one SGRule per
// IpPermission, each with its own source.
func netSG(id, name string, ingress ...awsm.SGRule) *awsm.SecurityGroup {
	for i := range ingress {
		ingress[i].Source = netSGSrc("SecurityGroups[0].IpPermissions[" + strconv.Itoa(i) + "]")
	}
	return &awsm.SecurityGroup{
		Identity: awsm.Identity{
			ARN: "arn:aws:ec2:us-east-1:" + netAccount + ":security-group/" + id, ID: id, Name: name,
			Region: "us-east-1", AccountID: netAccount, Partition: "aws", Source: netSGSrc("SecurityGroups[0]"),
		},
		VPCID:   "vpc-0a12b34c56d78e90f",
		OwnerID: netAccount,
		Ingress: model.Known(ingress, netSGSrc("SecurityGroups[0].IpPermissions")),
		Egress: model.Known([]awsm.SGRule{{Protocol: "-1", FromPort: 0, ToPort: 0, IPv4Ranges: []string{"0.0.0.0/0"},
			Source: netSGSrc("SecurityGroups[0].IpPermissionsEgress[0]")}}, netSGSrc("SecurityGroups[0].IpPermissionsEgress")),
	}
}

func netSGInv(sg *awsm.SecurityGroup) *awsm.Inventory {
	return &awsm.Inventory{AccountID: netAccount, SecurityGroups: []*awsm.SecurityGroup{sg}}
}

func netSGUnknown() *awsm.SecurityGroup {
	sg := netSG("sg-0d4e5f6a7b8c9d0e1", "batch")
	sg.Ingress = model.Unknown[[]awsm.SGRule]("AccessDenied: not authorized to perform ec2:DescribeSecurityGroups", model.Source{File: netSGFile})
	return sg
}

var (
	netTCP22World    = awsm.SGRule{Protocol: "tcp", FromPort: 22, ToPort: 22, IPv4Ranges: []string{"0.0.0.0/0"}}
	netTCP3389World6 = awsm.SGRule{Protocol: "tcp", FromPort: 3389, ToPort: 3389, IPv6Ranges: []string{"::/0"}}
	netAllWorld      = awsm.SGRule{Protocol: "-1", IPv4Ranges: []string{"0.0.0.0/0"}, IPv6Ranges: []string{"::/0"}}
	netHTTPSWorld    = awsm.SGRule{Protocol: "tcp", FromPort: 443, ToPort: 443, IPv4Ranges: []string{"0.0.0.0/0"}, IPv6Ranges: []string{"::/0"}}
	netSSHOffice     = awsm.SGRule{Protocol: "tcp", FromPort: 22, ToPort: 22, IPv4Ranges: []string{"203.0.113.0/24"}}
	netFromALB       = awsm.SGRule{Protocol: "tcp", FromPort: 0, ToPort: 65535, GroupIDs: []string{"sg-0f1e2d3c4b5a69788"}}
)

func TestSGSSHOpen(t *testing.T) {
	netRun(t, sgSSHOpen, []netCase{
		{"ssh from 0.0.0.0/0", netSGInv(netSG("sg-0a1b2c3d4e5f60718", "bastion", netTCP22World)), check.Fail,
			[]string{"inbound tcp 22 from 0.0.0.0/0 reaches SSH (22)"}},
		{"ssh from ::/0", netSGInv(netSG("sg-0a1b2c3d4e5f60718", "bastion",
			awsm.SGRule{Protocol: "tcp", FromPort: 22, ToPort: 22, IPv6Ranges: []string{"::/0"}})), check.Fail, []string{"from ::/0"}},
		{"tcp range 0-1024 covers 22", netSGInv(netSG("sg-0a1b2c3d4e5f60718", "legacy",
			awsm.SGRule{Protocol: "tcp", FromPort: 0, ToPort: 1024, IPv4Ranges: []string{"0.0.0.0/0"}})), check.Fail, []string{"tcp 0-1024"}},
		{"all traffic both families", netSGInv(netSG("sg-0a1b2c3d4e5f60718", "wide-open", netAllWorld)), check.Fail,
			[]string{"inbound all traffic from 0.0.0.0/0", "inbound all traffic from ::/0"}},
		{"protocol number 6", netSGInv(netSG("sg-0a1b2c3d4e5f60718", "tf",
			awsm.SGRule{Protocol: "6", FromPort: 22, ToPort: 22, IPv4Ranges: []string{"0.0.0.0/0"}})), check.Fail, []string{"6 22"}},
		{"world among other ranges", netSGInv(netSG("sg-0a1b2c3d4e5f60718", "mixed",
			awsm.SGRule{Protocol: "tcp", FromPort: 22, ToPort: 22, IPv4Ranges: []string{"10.0.0.0/8", "0.0.0.0/0"}})), check.Fail, nil},
		{"ssh from office only", netSGInv(netSG("sg-0a1b2c3d4e5f60718", "bastion", netSSHOffice, netHTTPSWorld)), check.Pass, nil},
		{"rdp open is not ssh", netSGInv(netSG("sg-0a1b2c3d4e5f60718", "win", netTCP3389World6)), check.Pass, nil},
		{"udp 22 from anywhere", netSGInv(netSG("sg-0a1b2c3d4e5f60718", "odd",
			awsm.SGRule{Protocol: "udp", FromPort: 22, ToPort: 22, IPv4Ranges: []string{"0.0.0.0/0"}})), check.Pass, nil},
		{"range ending at 21", netSGInv(netSG("sg-0a1b2c3d4e5f60718", "ftp",
			awsm.SGRule{Protocol: "tcp", FromPort: 20, ToPort: 21, IPv4Ranges: []string{"0.0.0.0/0"}})), check.Pass, nil},
		{"all ports from a group", netSGInv(netSG("sg-0a1b2c3d4e5f60718", "app", netFromALB)), check.Pass, nil},
		{"no ingress", netSGInv(netSG("sg-0a1b2c3d4e5f60718", "egress-only")), check.Pass, nil},
		{"ingress not collected", netSGInv(netSGUnknown()), check.Unknown, []string{"AccessDenied"}},
	})
}

func TestSGRDPOpen(t *testing.T) {
	netRun(t, sgRDPOpen, []netCase{
		{"rdp from ::/0", netSGInv(netSG("sg-0b2c3d4e5f6071829", "windows", netTCP3389World6)), check.Fail,
			[]string{"inbound tcp 3389 from ::/0 reaches RDP (3389)"}},
		{"range 3000-4000", netSGInv(netSG("sg-0b2c3d4e5f6071829", "dev",
			awsm.SGRule{Protocol: "tcp", FromPort: 3000, ToPort: 4000, IPv4Ranges: []string{"0.0.0.0/0"}})), check.Fail, []string{"tcp 3000-4000"}},
		{"all traffic", netSGInv(netSG("sg-0b2c3d4e5f6071829", "wide-open", netAllWorld)), check.Fail, []string{"RDP (3389)"}},
		{"ssh open is not rdp", netSGInv(netSG("sg-0b2c3d4e5f6071829", "bastion", netTCP22World)), check.Pass, nil},
		{"rdp from vpn", netSGInv(netSG("sg-0b2c3d4e5f6071829", "windows",
			awsm.SGRule{Protocol: "tcp", FromPort: 3389, ToPort: 3389, IPv4Ranges: []string{"198.51.100.7/32"}})), check.Pass, nil},
		{"ingress not collected", netSGInv(netSGUnknown()), check.Unknown, nil},
	})
}

func TestSGAllPortsOpen(t *testing.T) {
	netRun(t, sgAllPortsOpen, []netCase{
		{"protocol -1", netSGInv(netSG("sg-0c3d4e5f607182930", "wide-open", netAllWorld)), check.Fail,
			[]string{"inbound all traffic from 0.0.0.0/0 opens every port", "from ::/0"}},
		{"tcp 0-65535", netSGInv(netSG("sg-0c3d4e5f607182930", "tcp-all",
			awsm.SGRule{Protocol: "tcp", FromPort: 0, ToPort: 65535, IPv4Ranges: []string{"0.0.0.0/0"}})), check.Fail, []string{"tcp 0-65535"}},
		{"udp 1-65535", netSGInv(netSG("sg-0c3d4e5f607182930", "udp-all",
			awsm.SGRule{Protocol: "udp", FromPort: 1, ToPort: 65535, IPv6Ranges: []string{"::/0"}})), check.Fail, []string{"udp 1-65535"}},
		{"tcp 1024-65535 is not all", netSGInv(netSG("sg-0c3d4e5f607182930", "ephemeral",
			awsm.SGRule{Protocol: "tcp", FromPort: 1024, ToPort: 65535, IPv4Ranges: []string{"0.0.0.0/0"}})), check.Pass, nil},
		{"all ports from a group only", netSGInv(netSG("sg-0c3d4e5f607182930", "app", netFromALB)), check.Pass, nil},
		{"all traffic from private range", netSGInv(netSG("sg-0c3d4e5f607182930", "internal",
			awsm.SGRule{Protocol: "-1", IPv4Ranges: []string{"10.0.0.0/8"}})), check.Pass, nil},
		{"icmp from anywhere", netSGInv(netSG("sg-0c3d4e5f607182930", "ping",
			awsm.SGRule{Protocol: "icmp", FromPort: -1, ToPort: -1, IPv4Ranges: []string{"0.0.0.0/0"}})), check.Pass, nil},
		{"ingress not collected", netSGInv(netSGUnknown()), check.Unknown, nil},
	})
}

func TestSGDBPortsOpen(t *testing.T) {
	netRun(t, sgDBPortsOpen, []netCase{
		{"mysql", netSGInv(netSG("sg-0d4e5f60718293a4b", "rds-mysql",
			awsm.SGRule{Protocol: "tcp", FromPort: 3306, ToPort: 3306, IPv4Ranges: []string{"0.0.0.0/0"}})), check.Fail,
			[]string{"inbound tcp 3306 from 0.0.0.0/0 reaches database ports 3306 (MySQL/MariaDB/Aurora MySQL)"}},
		{"postgres over ipv6", netSGInv(netSG("sg-0d4e5f60718293a4b", "pg",
			awsm.SGRule{Protocol: "tcp", FromPort: 5432, ToPort: 5432, IPv6Ranges: []string{"::/0"}})), check.Fail, []string{"5432 (PostgreSQL"}},
		{"mongodb range", netSGInv(netSG("sg-0d4e5f60718293a4b", "mongo",
			awsm.SGRule{Protocol: "tcp", FromPort: 27017, ToPort: 27019, IPv4Ranges: []string{"0.0.0.0/0"}})), check.Fail,
			[]string{"27017 (MongoDB)", "27018 (MongoDB shard)", "27019 (MongoDB config server)"}},
		{"redis and elasticsearch in one range", netSGInv(netSG("sg-0d4e5f60718293a4b", "data",
			awsm.SGRule{Protocol: "tcp", FromPort: 6000, ToPort: 9999, IPv4Ranges: []string{"0.0.0.0/0"}})), check.Fail,
			[]string{"6379 (Redis/Valkey)", "9200 (Elasticsearch/OpenSearch HTTP)", "9042 (Cassandra CQL)", "8086 (InfluxDB)"}},
		{"memcached", netSGInv(netSG("sg-0d4e5f60718293a4b", "cache",
			awsm.SGRule{Protocol: "tcp", FromPort: 11211, ToPort: 11211, IPv4Ranges: []string{"0.0.0.0/0"}})), check.Fail, []string{"11211 (Memcached)"}},
		{"redshift", netSGInv(netSG("sg-0d4e5f60718293a4b", "dw",
			awsm.SGRule{Protocol: "tcp", FromPort: 5439, ToPort: 5439, IPv4Ranges: []string{"0.0.0.0/0"}})), check.Fail, []string{"5439 (Redshift)"}},
		{"sql server and oracle", netSGInv(netSG("sg-0d4e5f60718293a4b", "legacy-db",
			awsm.SGRule{Protocol: "tcp", FromPort: 1433, ToPort: 1434, IPv4Ranges: []string{"0.0.0.0/0"}},
			awsm.SGRule{Protocol: "tcp", FromPort: 1521, ToPort: 1521, IPv4Ranges: []string{"0.0.0.0/0"}})), check.Fail,
			[]string{"1433 (SQL Server)", "1434 (SQL Server Browser)", "1521 (Oracle)"}},
		{"all traffic names every engine", netSGInv(netSG("sg-0d4e5f60718293a4b", "wide-open", netAllWorld)), check.Fail,
			[]string{"3306", "5984 (CouchDB)", "7000 (Cassandra inter-node)", "7001"}},
		{"mysql from app tier only", netSGInv(netSG("sg-0d4e5f60718293a4b", "rds-mysql",
			awsm.SGRule{Protocol: "tcp", FromPort: 3306, ToPort: 3306, GroupIDs: []string{"sg-0f1e2d3c4b5a69788"}},
			netHTTPSWorld)), check.Pass, nil},
		{"web ports only", netSGInv(netSG("sg-0d4e5f60718293a4b", "web", netHTTPSWorld,
			awsm.SGRule{Protocol: "tcp", FromPort: 80, ToPort: 80, IPv4Ranges: []string{"0.0.0.0/0"}})), check.Pass, nil},
		{"udp 3306 is not mysql", netSGInv(netSG("sg-0d4e5f60718293a4b", "odd",
			awsm.SGRule{Protocol: "udp", FromPort: 3306, ToPort: 3306, IPv4Ranges: []string{"0.0.0.0/0"}})), check.Pass, nil},
		{"ingress not collected", netSGInv(netSGUnknown()), check.Unknown, nil},
	})
}

func TestSGDefaultHasRules(t *testing.T) {
	// A VPC's default group as AWS creates it: all traffic from itself, all
	// traffic out.
	fresh := netSG("sg-0e5f60718293a4b5c", "default",
		awsm.SGRule{Protocol: "-1", GroupIDs: []string{"sg-0e5f60718293a4b5c"}})
	emptied := netSG("sg-0e5f60718293a4b5c", "default")
	emptied.Egress = model.Known([]awsm.SGRule{}, netSGSrc("SecurityGroups[0].IpPermissionsEgress"))
	egressOnly := netSG("sg-0e5f60718293a4b5c", "default")
	egressUnknown := netSG("sg-0e5f60718293a4b5c", "default")
	egressUnknown.Egress = model.Unknown[[]awsm.SGRule]("not collected", model.Source{File: netSGFile})
	ingressUnknownEgressRule := netSG("sg-0e5f60718293a4b5c", "default")
	ingressUnknownEgressRule.Ingress = model.Unknown[[]awsm.SGRule]("not collected", model.Source{File: netSGFile})

	netRun(t, sgDefaultHasRules, []netCase{
		{"as created by AWS", netSGInv(fresh), check.Fail,
			[]string{"inbound rule: all traffic from sg-0e5f60718293a4b5c", "outbound rule: all traffic to 0.0.0.0/0"}},
		{"outbound rule only", netSGInv(egressOnly), check.Fail, []string{"outbound rule"}},
		{"known rule fails even with the other side unknown", netSGInv(ingressUnknownEgressRule), check.Fail, []string{"outbound rule"}},
		{"no rules", netSGInv(emptied), check.Pass, nil},
		{"egress unknown, no ingress", netSGInv(egressUnknown), check.Unknown, []string{"egress rules"}},
		{"not a default group", netSGInv(netSG("sg-0a1b2c3d4e5f60718", "web", netHTTPSWorld)), check.NotApplicable, nil},
	})
}

func TestRegistryAcceptsAllChecks(t *testing.T) {
	if _, err := check.NewRegistry(Checks()...); err != nil {
		t.Fatal(err)
	}
}

// TestNetEncChecksMetadata pins the IDs, severities, domains and CIS
// mappings the brief fixes for the network and encryption checks.
func TestNetEncChecksMetadata(t *testing.T) {
	want := map[string]struct {
		sev check.Severity
		dom check.Domain
		cis []string
	}{
		"aws-ec2-sg-ssh-open":                      {check.High, check.Network, []string{"5.3", "5.4"}},
		"aws-ec2-sg-rdp-open":                      {check.High, check.Network, []string{"5.3", "5.4"}},
		"aws-ec2-sg-all-ports-open":                {check.Critical, check.Network, nil},
		"aws-ec2-sg-db-ports-open":                 {check.High, check.Network, nil},
		"aws-ec2-sg-default-has-rules":             {check.Medium, check.Network, []string{"5.5"}},
		"aws-ec2-nacl-admin-ports-open":            {check.Medium, check.Network, []string{"5.2"}},
		"aws-ec2-vpc-flow-logs-disabled":           {check.Medium, check.Network, []string{"3.7"}},
		"aws-ec2-instance-imdsv1":                  {check.Medium, check.Network, []string{"5.7"}},
		"aws-ec2-ebs-volume-unencrypted":           {check.Medium, check.Encryption, nil},
		"aws-ec2-ebs-default-encryption-off":       {check.Medium, check.Encryption, []string{"5.1.1"}},
		"aws-s3-bucket-default-encryption-missing": {check.Medium, check.Encryption, nil},
		"aws-s3-bucket-tls-not-enforced":           {check.Medium, check.Encryption, []string{"2.1.1"}},
		"aws-rds-storage-unencrypted":              {check.High, check.Encryption, []string{"2.2.1"}},
		"aws-rds-tls-not-enforced":                 {check.Medium, check.Encryption, nil},
		"aws-kms-key-rotation-disabled":            {check.Medium, check.Encryption, []string{"3.6"}},
	}
	got := append(networkChecks(), encryptionChecks()...)
	if len(got) != len(want) {
		t.Errorf("networkChecks+encryptionChecks has %d checks, want %d", len(got), len(want))
	}
	for _, c := range got {
		w, ok := want[c.ID]
		if !ok {
			t.Errorf("unexpected check %s", c.ID)
			continue
		}
		if c.Severity != w.sev || c.Domain != w.dom {
			t.Errorf("%s: severity %s domain %s, want %s %s", c.ID, c.Severity, c.Domain, w.sev, w.dom)
		}
		if strings.Join(c.Frameworks[CIS], ",") != strings.Join(w.cis, ",") {
			t.Errorf("%s: CIS %v, want %v", c.ID, c.Frameworks[CIS], w.cis)
		}
		for _, ref := range c.References {
			if !strings.HasPrefix(ref, "https://") {
				t.Errorf("%s: reference %q is not an https URL", c.ID, ref)
			}
		}
		if !strings.Contains(c.Remediation.CLI, "aws ") {
			t.Errorf("%s: CLI remediation is not an AWS CLI command", c.ID)
		}
	}
}

// TestNetEncPassPathsDoNotAllocate: the engine targets 2 million
// evaluations per second, so a compliant resource must cost no allocation.
func TestNetEncPassPathsDoNotAllocate(t *testing.T) {
	sg := netSG("sg-0a1b2c3d4e5f60718", "web", netHTTPSWorld, netSSHOffice, netFromALB)
	def := netSG("sg-0e5f60718293a4b5c", "default")
	def.Egress = model.Known([]awsm.SGRule{}, netSGSrc("SecurityGroups[0].IpPermissionsEgress"))
	acl := netACL(netIn(10, "6", false, "0.0.0.0/0", 22, 22), netIn(11, "6", false, "0.0.0.0/0", 3389, 3389),
		netIn(12, "-1", false, "::/0", 0, 65535), netIn(100, "-1", true, "0.0.0.0/0", 0, 65535), netDenyAllV4).NetworkACLs[0]
	vpc := &awsm.VPC{FlowLogs: model.Known([]awsm.FlowLog{{ID: "fl-0123456789abcdef0", Status: "ACTIVE"}}, model.Source{})}
	inst := netInstance("running", "required", "enabled").Instances[0]
	vol := &awsm.Volume{Encrypted: model.Known(true, model.Source{})}
	region := &awsm.Region{EBSEncryptionByDefault: model.Known(true, model.Source{})}
	bucket := encBucket()
	bucket.Encryption = model.Known(&awsm.BucketEncryption{SSEAlgorithm: "AES256"}, model.Source{})
	doc, err := awsm.ParsePolicy([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*",`+
		`"Resource":["arn:aws:s3:::acme-prod-invoices","arn:aws:s3:::acme-prod-invoices/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`), model.Source{})
	if err != nil {
		t.Fatal(err)
	}
	bucket.Policy = model.Known(doc, model.Source{})
	pg := encDB("postgres", "16.3", "pg16-tls", map[string]string{"rds.force_ssl": "1"}).DBInstances[0]
	pgDefault := encDB("postgres", "16.3", "default.postgres16", map[string]string{"rds.force_ssl": ""}).DBInstances[0]
	key := encKey("CUSTOMER", "Enabled", "SYMMETRIC_DEFAULT", "AWS_KMS", "true").KMSKeys[0]

	var r check.Result
	for name, f := range map[string]func(){
		"ssh":             func() { r = evalSGSSHOpen(nil, sg) },
		"rdp":             func() { r = evalSGRDPOpen(nil, sg) },
		"all ports":       func() { r = evalSGAllPortsOpen(nil, sg) },
		"db ports":        func() { r = evalSGDBPortsOpen(nil, sg) },
		"default sg":      func() { r = evalSGDefaultHasRules(nil, def) },
		"nacl":            func() { r = evalNACLAdminPorts(nil, acl) },
		"flow logs":       func() { r = evalVPCFlowLogs(nil, vpc) },
		"imds":            func() { r = evalInstanceIMDSv1(nil, inst) },
		"ebs volume":      func() { r = evalEBSVolumeUnencrypted(nil, vol) },
		"ebs default":     func() { r = evalEBSDefaultEncryption(nil, region) },
		"s3 encryption":   func() { r = evalS3DefaultEncryption(nil, bucket) },
		"s3 tls":          func() { r = evalS3TLSNotEnforced(nil, bucket) },
		"rds storage":     func() { r = evalRDSStorageUnencrypted(nil, pg) },
		"rds tls":         func() { r = evalRDSTLSNotEnforced(nil, pg) },
		"rds tls default": func() { r = evalRDSTLSNotEnforced(nil, pgDefault) },
		"kms rotation":    func() { r = evalKMSKeyRotation(nil, key) },
	} {
		if n := testing.AllocsPerRun(100, f); n != 0 || r.Status != check.Pass {
			t.Errorf("%s PASS path: %v allocations, status %s (%s)", name, n, r.Status, r.Message)
		}
	}
}

// Rules with an unresolved part (IaC variables) decide nothing alone: a
// known open rule still fails, an unknown part that could open the port
// gives UNKNOWN, and one that cannot (its known ports miss) is ignored.
func TestSGUnresolvedRules(t *testing.T) {
	peersUnknown := awsm.SGRule{Protocol: "tcp", FromPort: 22, ToPort: 22, Unresolved: "var.admin_cidr has no value", PeersUnknown: true}
	portsUnknown := awsm.SGRule{Protocol: "tcp", FromPort: -1, ToPort: -1, IPv4Ranges: []string{"0.0.0.0/0"}, Unresolved: "var.port has no value", PortsUnknown: true}
	officePortsUnknown := awsm.SGRule{Protocol: "tcp", FromPort: -1, ToPort: -1, IPv4Ranges: []string{"203.0.113.0/24"}, Unresolved: "var.port has no value", PortsUnknown: true}
	netRun(t, sgSSHOpen, []netCase{
		{"unknown peers on port 22", netSGInv(netSG("sg-1", "web", peersUnknown)), check.Unknown, []string{"var.admin_cidr has no value"}},
		{"unknown ports from the world", netSGInv(netSG("sg-1", "web", portsUnknown)), check.Unknown, []string{"var.port has no value"}},
		{"unknown ports from the office only", netSGInv(netSG("sg-1", "web", officePortsUnknown)), check.Pass, nil},
		{"a known open rule fails beside an unknown one", netSGInv(netSG("sg-1", "web", peersUnknown, netTCP22World)), check.Fail,
			[]string{"inbound tcp 22 from 0.0.0.0/0 reaches SSH (22)"}},
	})
	netRun(t, sgRDPOpen, []netCase{
		{"unknown peers on port 22 cannot open RDP", netSGInv(netSG("sg-1", "web", peersUnknown, netTCP3389World6)), check.Fail,
			[]string{"RDP (3389)"}},
		{"unknown peers on port 22 alone", netSGInv(netSG("sg-1", "web", peersUnknown)), check.Pass, nil},
	})
	netRun(t, sgAllPortsOpen, []netCase{
		{"unknown ports from the world", netSGInv(netSG("sg-1", "web", portsUnknown)), check.Unknown, []string{"var.port"}},
		{"unknown peers on one port", netSGInv(netSG("sg-1", "web", peersUnknown)), check.Pass, nil},
	})
	netRun(t, sgDBPortsOpen, []netCase{
		{"unknown ports from the world", netSGInv(netSG("sg-1", "web", portsUnknown)), check.Unknown, []string{"var.port"}},
		{"unknown peers on ssh only", netSGInv(netSG("sg-1", "web", peersUnknown)), check.Pass, nil},
	})
}
