package aws

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// CIS AWS v4.0.1 checks over operations collected for them (issue 6):
// virtual MFA devices, server certificates, Access Analyzer, AWS Config
// recorders and EFS file systems.

// cisNewOpsChecks lists them.
func cisNewOpsChecks() []*check.Check {
	return []*check.Check{
		iamRootHardwareMFAMissing,
		iamServerCertificateExpired,
		accessAnalyzerDisabled,
		configRecorderDisabled,
		efsUnencrypted,
		accountSecurityContactMissing,
		ec2PeeringRouteTooBroad,
	}
}

var iamRootHardwareMFAMissing = check.AWS(check.Meta{
	ID:           "aws-iam-root-hardware-mfa-missing",
	Frameworks:   map[string][]string{CIS: {"1.6"}},
	Title:        "The root user's MFA is not a hardware device",
	Severity:     check.Medium,
	Domain:       check.Identity,
	Service:      "iam",
	ResourceType: awsm.TypeRootUser,
	Rationale: "A virtual MFA lives on a phone or laptop that is also used for everything else and can be cloned, " +
		"backed up or phished along with it. The root user cannot be restricted by any policy, so its second factor " +
		"should be a dedicated hardware key (FIDO2 security key or hardware TOTP token) kept in a safe. cloudward reads " +
		"iam list-virtual-mfa-devices: a device assigned to the root (serial ...:mfa/root-account-mfa-device or user " +
		"arn ...:root) means virtual MFA; no MFA at all also fails here (and in aws-iam-root-mfa-disabled).",
	Remediation: check.Remediation{
		Console: "Sign in as the root user > Security credentials > Multi-factor authentication > Assign MFA device > " +
			"Security key or Hardware TOTP token; then remove the virtual device.",
		CLI:       "# Root MFA devices can only be managed by the root user in the console.",
		Terraform: "# Root MFA cannot be managed with Terraform.",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/enable-hw-mfa-for-root.html",
		"https://docs.aws.amazon.com/cli/latest/reference/iam/list-virtual-mfa-devices.html",
	},
	DeployedOnly: true,
}, func(inv *awsm.Inventory) []*awsm.RootUser {
	if inv.Root == nil {
		return nil
	}
	return []*awsm.RootUser{inv.Root}
}, func(_ *check.Env, r *awsm.RootUser) check.Result {
	hw, ok := r.HardwareMFA.Get()
	switch {
	case !ok:
		return check.UnknownOf("root user MFA device type", r.HardwareMFA)
	case hw:
		return check.PassResult("the root user has MFA and no virtual MFA device is assigned to it")
	}
	if on, known := r.MFAEnabled.Get(); known && !on {
		return check.FailResult("the root user has no MFA at all", check.Ev(r.MFAEnabled.Source(), "root MFA disabled"))
	}
	return check.FailResult("the root user's MFA is a virtual device", check.Ev(r.HardwareMFA.Source(), "virtual MFA device assigned to the root user"))
})

var iamServerCertificateExpired = check.AWS(check.Meta{
	ID:           "aws-iam-server-certificate-expired",
	Frameworks:   map[string][]string{CIS: {"1.19"}},
	Title:        "Expired SSL/TLS certificates are stored in IAM",
	Severity:     check.Low,
	Domain:       check.Identity,
	Service:      "iam",
	ResourceType: awsm.TypeAccount,
	Rationale: "An expired server certificate in IAM serves no purpose; it can be deployed by mistake to an ELB or " +
		"CloudFront and break clients, or make users learn to click through certificate warnings. cloudward fails " +
		"for each certificate whose Expiration is before the collection time.",
	Remediation: check.Remediation{
		Console: "IAM server certificates have no console page: use the CLI (or move to AWS Certificate Manager).",
		CLI:     "aws iam delete-server-certificate --server-certificate-name <name>",
		Terraform: "# remove the aws_iam_server_certificate resource whose certificate expired, or replace it with " +
			"aws_acm_certificate",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_server-certs.html",
	},
	DeployedOnly: true,
}, accountList, func(env *check.Env, _ *awsm.Account) check.Result {
	list := env.AWS.CIS.ServerCertificates
	certs, ok := list.Get()
	if !ok {
		return check.UnknownOf("IAM server certificate list", list)
	}
	var ev []check.Evidence
	unknown := -1
	for i, c := range certs {
		exp, known := c.Expiration.Get()
		switch {
		case !known:
			if unknown < 0 {
				unknown = i
			}
		case exp.Before(env.Now):
			ev = append(ev, check.Ev(c.Expiration.Source(), "%s expired %s", c.Name, exp.Format("2006-01-02")))
		}
	}
	switch {
	case len(ev) > 0:
		return check.FailResult(fmt.Sprintf("%d expired server certificate(s) stored in IAM", len(ev)), ev...)
	case unknown >= 0:
		return check.UnknownOf("expiration of server certificate "+certs[unknown].Name, certs[unknown].Expiration)
	}
	return check.PassResult(fmt.Sprintf("none of %d IAM server certificates has expired", len(certs)))
})

var accessAnalyzerDisabled = check.AWS(check.Meta{
	ID:           "aws-accessanalyzer-disabled",
	Frameworks:   map[string][]string{CIS: {"1.20"}},
	Title:        "IAM Access Analyzer has no active analyzer in the region",
	Severity:     check.Medium,
	Domain:       check.Detection,
	Service:      "accessanalyzer",
	ResourceType: awsm.TypeRegion,
	Rationale: "Access Analyzer reports buckets, keys, roles, queues and other resources shared outside the account " +
		"or organization. It is regional: a region without an ACTIVE analyzer has no such report. Any analyzer type " +
		"counts (account or organization zone of trust).",
	Remediation: check.Remediation{
		Console:   "IAM console > Access analyzer > select the region > Create analyzer (zone of trust: account or organization).",
		CLI:       "aws accessanalyzer create-analyzer --analyzer-name account-analyzer --type ACCOUNT --region <region>",
		Terraform: "resource \"aws_accessanalyzer_analyzer\" \"this\" {\n  analyzer_name = \"account-analyzer\"\n}  # one per region",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/what-is-access-analyzer.html",
	},
	DeployedOnly: true,
}, func(inv *awsm.Inventory) []*awsm.Region { return inv.Regions }, func(_ *check.Env, r *awsm.Region) check.Result {
	list, ok := r.CIS.Analyzers.Get()
	if !ok {
		return check.UnknownOf("Access Analyzer analyzer list", r.CIS.Analyzers)
	}
	if len(list) == 0 {
		return check.FailResult("no Access Analyzer analyzer in "+r.Region, check.Ev(r.CIS.Analyzers.Source(), "list-analyzers returns no analyzer"))
	}
	unknown := -1
	ev := make([]check.Evidence, 0, len(list))
	for i, a := range list {
		st, known := a.Status.Get()
		if st == "ACTIVE" {
			return check.PassResult("analyzer " + a.Name + " is ACTIVE")
		}
		if !known && unknown < 0 {
			unknown = i
		}
		ev = append(ev, check.Ev(a.Status.Source(), "analyzer %s status %s", a.Name, a.Status.Or("unknown")))
	}
	if unknown >= 0 {
		return check.UnknownOf("status of analyzer "+list[unknown].Name, list[unknown].Status)
	}
	return check.FailResult("no Access Analyzer analyzer in "+r.Region+" is ACTIVE", ev...)
})

var configRecorderDisabled = check.AWS(check.Meta{
	ID:           "aws-config-recorder-disabled",
	Frameworks:   map[string][]string{CIS: {"3.3"}},
	Title:        "AWS Config does not record all resource types in the region",
	Severity:     check.Medium,
	Domain:       check.Logging,
	Service:      "config",
	ResourceType: awsm.TypeRegion,
	Rationale: "AWS Config keeps the configuration history of resources and the relationships between them: it is what " +
		"tells an investigator what a security group or policy looked like last week. CIS asks for a recorder in every " +
		"region that records all supported resource types and is on, and for global resources (IAM) to be recorded in " +
		"at least one region. cloudward fails a region whose recorders are all off or record a subset; global resource " +
		"types are checked account-wide: when no region's recorder includes them, every region that records all " +
		"types but not global ones fails too.",
	Remediation: check.Remediation{
		Console: "AWS Config console > select the region > Settings > Edit: Record all resource types supported in this " +
			"region (and include global resources in one region) > Save; then Recording on.",
		CLI: "aws configservice put-configuration-recorder --configuration-recorder name=default,roleARN=<role-arn> " +
			"--recording-group allSupported=true,includeGlobalResourceTypes=true --region <region>\n" +
			"aws configservice start-configuration-recorder --configuration-recorder-name default --region <region>",
		Terraform: "resource \"aws_config_configuration_recorder\" \"this\" {\n  role_arn = aws_iam_role.config.arn\n" +
			"  recording_group {\n    all_supported                 = true\n    include_global_resource_types = true\n  }\n}\n\n" +
			"resource \"aws_config_configuration_recorder_status\" \"this\" {\n  name       = aws_config_configuration_recorder.this.name\n" +
			"  is_enabled = true\n  depends_on = [aws_config_delivery_channel.this]\n}",
	},
	References: []string{
		"https://docs.aws.amazon.com/config/latest/developerguide/stop-start-recorder.html",
		"https://docs.aws.amazon.com/config/latest/developerguide/select-resources.html",
	},
	DeployedOnly: true,
}, func(inv *awsm.Inventory) []*awsm.Region { return inv.Regions }, evalConfigRecorder)

// configRecordsAll reports whether the recorder records every type and is on.
func configRecordsAll(c *awsm.ConfigRecorder) (yes, known bool) {
	all, k1 := c.AllSupported.Get()
	on, k2 := c.Recording.Get()
	if (k1 && !all) || (k2 && !on) {
		return false, true
	}
	return all && on, k1 && k2
}

// configGlobalsRecorded reports whether some region's recorder that records
// all types also includes global resources; known false only when every
// region was read.
func configGlobalsRecorded(inv *awsm.Inventory) (yes, known bool) {
	known = true
	for _, r := range inv.Regions {
		list, ok := r.CIS.ConfigRecorders.Get()
		if !ok {
			known = false
			continue
		}
		for _, c := range list {
			g, gk := c.IncludeGlobalResourceTypes.Get()
			all, ak := configRecordsAll(c)
			if g && all {
				return true, true
			}
			if !gk || !ak {
				known = false
			}
		}
	}
	return false, known
}

func evalConfigRecorder(env *check.Env, r *awsm.Region) check.Result {
	list, ok := r.CIS.ConfigRecorders.Get()
	if !ok {
		return check.UnknownOf("AWS Config recorders", r.CIS.ConfigRecorders)
	}
	if len(list) == 0 {
		return check.FailResult("no AWS Config recorder in "+r.Region, check.Ev(r.CIS.ConfigRecorders.Source(), "describe-configuration-recorders returns no recorder"))
	}
	var good *awsm.ConfigRecorder
	unknown := -1
	ev := make([]check.Evidence, 0, 2*len(list))
	for i, c := range list {
		all, known := configRecordsAll(c)
		if all {
			good = c
			break
		}
		if !known && unknown < 0 {
			unknown = i
		}
		ev = append(ev, check.Ev(c.AllSupported.Source(), "recorder %s allSupported %s", c.Name, fmtBool(c.AllSupported)),
			check.Ev(c.Recording.Source(), "recorder %s recording %s", c.Name, fmtBool(c.Recording)))
	}
	switch {
	case good == nil && unknown >= 0:
		c := list[unknown]
		if _, k := c.AllSupported.Get(); !k {
			return check.UnknownOf("recording group of recorder "+c.Name, c.AllSupported)
		}
		return check.UnknownOf("recording status of recorder "+c.Name, c.Recording)
	case good == nil:
		return check.FailResult("no AWS Config recorder in "+r.Region+" records all resource types and is on", ev...)
	}
	if g, _ := good.IncludeGlobalResourceTypes.Get(); g {
		return check.PassResult("recorder " + good.Name + " records all resource types, global ones included, and is on")
	}
	yes, known := configGlobalsRecorded(env.AWS)
	switch {
	case yes:
		return check.PassResult("recorder " + good.Name + " records all resource types and is on; global types are recorded in another region")
	case !known:
		return check.PassResult("recorder " + good.Name + " records all resource types and is on (whether another region records global types is not fully known)")
	}
	return check.FailResult("no region's AWS Config recorder includes global resource types (IAM)",
		check.Ev(good.IncludeGlobalResourceTypes.Source(), "recorder %s includeGlobalResourceTypes false", good.Name))
}

func fmtBool(v awsm.Bool) string {
	b, ok := v.Get()
	if !ok {
		return "unknown"
	}
	return fmt.Sprint(b)
}

var efsUnencrypted = check.AWS(check.Meta{
	ID:           "aws-efs-unencrypted",
	Frameworks:   map[string][]string{CIS: {"2.3.1"}},
	Title:        "EFS file system is not encrypted at rest",
	Severity:     check.Medium,
	Domain:       check.Encryption,
	Service:      "efs",
	ResourceType: awsm.TypeEFSFileSystem,
	Rationale: "Encryption at rest protects file data on the underlying storage and lets a KMS key policy decide who can " +
		"read it. EFS encryption can only be chosen at creation: an unencrypted file system must be copied to a new, " +
		"encrypted one.",
	Remediation: check.Remediation{
		Console: "EFS console > Create file system > Customize > Enable encryption of data at rest; copy the data " +
			"(AWS DataSync) and delete the old file system.",
		CLI:       "aws efs create-file-system --encrypted --kms-key-id <key> --region <region>",
		Terraform: "resource \"aws_efs_file_system\" \"this\" {\n  encrypted  = true\n  kms_key_id = aws_kms_key.efs.arn\n}",
	},
	References: []string{
		"https://docs.aws.amazon.com/efs/latest/ug/encryption.html",
	},
}, func(inv *awsm.Inventory) []*awsm.EFSFileSystem { return inv.CIS.EFSFileSystems }, func(_ *check.Env, f *awsm.EFSFileSystem) check.Result {
	enc, ok := f.Encrypted.Get()
	switch {
	case !ok:
		return check.UnknownOf("EFS encryption", f.Encrypted)
	case enc:
		return check.PassResult("the file system is encrypted at rest")
	}
	return check.FailResult("EFS file system "+strings.TrimSpace(f.Name)+" is not encrypted", check.Ev(f.Encrypted.Source(), "Encrypted false"))
})

var accountSecurityContactMissing = check.AWS(check.Meta{
	ID:           "aws-account-security-contact-missing",
	Frameworks:   map[string][]string{CIS: {"1.2"}},
	Title:        "No security alternate contact is registered for the account",
	Severity:     check.Low,
	Domain:       check.Detection,
	Service:      "account",
	ResourceType: awsm.TypeAccount,
	Rationale: "AWS sends abuse reports, compromised-credential notices and security bulletins to the security " +
		"alternate contact. Without one they go to the root e-mail address, which is often an unattended mailbox, and " +
		"an incident can go unnoticed for days.",
	Remediation: check.Remediation{
		Console: "Account console (as root or an administrator) > Alternate contacts > Security contact > Edit: a team " +
			"mailbox or distribution list, not a person.",
		CLI: "aws account put-alternate-contact --alternate-contact-type SECURITY --email-address security@example.com " +
			"--name \"Security team\" --phone-number \"+1-555-0100\" --title \"Security\"",
		Terraform: "resource \"aws_account_alternate_contact\" \"security\" {\n  alternate_contact_type = \"SECURITY\"\n" +
			"  name                   = \"Security team\"\n  title                  = \"Security\"\n" +
			"  email_address          = \"security@example.com\"\n  phone_number           = \"+1-555-0100\"\n}",
	},
	References: []string{
		"https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-update-contact-alternate.html",
	},
	DeployedOnly: true,
}, accountList, func(env *check.Env, _ *awsm.Account) check.Result {
	c := env.AWS.CIS.SecurityContact
	has, ok := c.Get()
	switch {
	case !ok:
		return check.UnknownOf("security alternate contact", c)
	case has:
		return check.PassResult("a security alternate contact is registered")
	}
	return check.FailResult("no security alternate contact is registered", check.Ev(c.Source(), "get-alternate-contact SECURITY: none registered"))
})

var ec2PeeringRouteTooBroad = check.AWS(check.Meta{
	ID:           "aws-ec2-peering-route-too-broad",
	Frameworks:   map[string][]string{CIS: {"5.6"}},
	Title:        "A route to a VPC peering connection is wider than the peer VPC",
	Severity:     check.Medium,
	Domain:       check.Network,
	Service:      "ec2",
	ResourceType: awsm.TypeRouteTable,
	Rationale: "A peering route should send to the peer only the addresses that need to reach it. CIS 5.6 leaves " +
		"\"least access\" to judgement; cloudward applies a precise rule: every route whose target is a pcx- must have a " +
		"destination inside one of the peer VPC's CIDR blocks (IPv4 or IPv6). A destination wider than the peer VPC " +
		"(0.0.0.0/0, 10.0.0.0/8 for a /16 peer) or outside it fails: traffic for other networks is handed to the peer " +
		"account's routing. Routes to a subnet of the peer pass. Prefix-list destinations and connections absent from " +
		"describe-vpc-peering-connections are unknown.",
	Remediation: check.Remediation{
		Console: "VPC console > Route tables > select the table > Routes > Edit routes: replace the destination of the " +
			"pcx- route with the peer VPC's CIDR (or the peer subnets that need access).",
		CLI: "aws ec2 delete-route --route-table-id <rtb> --destination-cidr-block <too-wide>\n" +
			"aws ec2 create-route --route-table-id <rtb> --destination-cidr-block <peer-subnet-cidr> --vpc-peering-connection-id <pcx>",
		Terraform: "resource \"aws_route\" \"to_peer\" {\n  route_table_id            = aws_route_table.app.id\n" +
			"  destination_cidr_block    = \"10.20.1.0/24\" # a peer subnet, never 0.0.0.0/0\n" +
			"  vpc_peering_connection_id = aws_vpc_peering_connection.peer.id\n}",
	},
	References: []string{
		"https://docs.aws.amazon.com/vpc/latest/peering/peering-configurations-partial-access.html",
	},
	DeployedOnly: true,
}, func(inv *awsm.Inventory) []*awsm.RouteTable { return inv.CIS.RouteTables }, evalPeeringRoutes)

// cidrWithin reports whether prefix dest lies inside one of cidrs.
func cidrWithin(dest string, cidrs []string) (within, valid bool) {
	d, err := netip.ParsePrefix(dest)
	if err != nil {
		return false, false
	}
	for _, c := range cidrs {
		p, err := netip.ParsePrefix(c)
		if err != nil {
			continue
		}
		if p.Bits() <= d.Bits() && p.Contains(d.Masked().Addr()) {
			return true, true
		}
	}
	return false, true
}

func evalPeeringRoutes(env *check.Env, t *awsm.RouteTable) check.Result {
	var fails []check.Evidence
	var unknown *check.Result
	setUnknown := func(reason string, src model.Source) {
		if unknown == nil {
			r := check.UnknownOf("peering route", model.Unknown[bool](reason, src))
			unknown = &r
		}
	}
	for _, r := range t.PeeringRoutes {
		pcx := env.AWS.CIS.PeeringConnections[r.PeeringID]
		if pcx == nil {
			reason := r.PeeringID + " not in describe-vpc-peering-connections"
			if c, ok := env.AWS.CoverageOf("ec2", "describe-vpc-peering-connections"); ok && c.Status != awsm.CoverageRead {
				reason += " (" + string(c.Status) + ": " + c.Detail + ")"
			}
			setUnknown(reason, r.Source)
			continue
		}
		var peer []string
		switch t.VPCID {
		case pcx.RequesterVPC:
			peer = pcx.AccepterCIDRs
		case pcx.AccepterVPC:
			peer = pcx.RequesterCIDRs
		default:
			setUnknown(fmt.Sprintf("route table VPC %s is neither side of %s", t.VPCID, r.PeeringID), r.Source)
			continue
		}
		if r.Destination == "" {
			setUnknown(fmt.Sprintf("destination is prefix list %s, whose CIDRs are not collected", r.PrefixListID), r.Source)
			continue
		}
		within, valid := cidrWithin(r.Destination, peer)
		switch {
		case !valid:
			setUnknown("unparsable destination "+r.Destination, r.Source)
		case !within:
			fails = append(fails, check.Ev(r.Source, "route %s -> %s: peer VPC CIDRs are %s", r.Destination, r.PeeringID, strings.Join(peer, ", ")))
		}
	}
	switch {
	case len(fails) > 0:
		return check.FailResult(fmt.Sprintf("%d peering route(s) wider than the peer VPC", len(fails)), fails...)
	case unknown != nil:
		return *unknown
	}
	return check.PassResult(fmt.Sprintf("all %d peering routes stay inside the peer VPC", len(t.PeeringRoutes)))
}
