// Package aws is the typed resource model for Amazon Web Services. Every
// source (snapshot, live collector, Terraform, CloudFormation) fills these
// structs; every AWS check reads only them.
//
// Each attribute is a model.Value: known with its source, or unknown with a
// reason. A resource that exists always has its identity fields (ARN, ID,
// name, region, account) set as plain strings.
package aws

import (
	"time"

	"github.com/cloudward/cloudward/internal/model"
)

// Aliases keep field declarations short.
type (
	Bool   = model.Bool
	String = model.String
	Int    = model.Int
	Time   = model.Value[time.Time]
	// Policy is a policy document; known nil means "there is no policy"
	// (e.g. NoSuchBucketPolicy), unknown means "not collected".
	Policy = model.Value[*PolicyDocument]
)

// Resource types as they appear in findings (CloudFormation type names).
const (
	TypeAccount        = "AWS::Account"
	TypeRegion         = "AWS::Region"
	TypeRootUser       = "AWS::IAM::RootUser"
	TypePasswordPolicy = "AWS::IAM::PasswordPolicy"
	TypeUser           = "AWS::IAM::User"
	TypeGroup          = "AWS::IAM::Group"
	TypeRole           = "AWS::IAM::Role"
	TypeManagedPolicy  = "AWS::IAM::ManagedPolicy"
	TypeBucket         = "AWS::S3::Bucket"
	TypeSecurityGroup  = "AWS::EC2::SecurityGroup"
	TypeInstance       = "AWS::EC2::Instance"
	TypeVolume         = "AWS::EC2::Volume"
	TypeVPC            = "AWS::EC2::VPC"
	TypeNetworkACL     = "AWS::EC2::NetworkAcl"
	TypeDBInstance     = "AWS::RDS::DBInstance"
	TypeKMSKey         = "AWS::KMS::Key"
	TypeTrail          = "AWS::CloudTrail::Trail"
	TypeDetector       = "AWS::GuardDuty::Detector"
)

// Identity is embedded in every resource: who and where it is.
type Identity struct {
	ARN       string
	ID        string // resource ID (sg-..., vol-..., user name for IAM)
	Name      string
	Region    string // "global" for IAM and account-level resources
	AccountID string
	Partition string
	Source    model.Source // where the resource itself was read
	Tags      model.Tags
	// Address and ModuleCalls are set by IaC sources: the resource address
	// and the module call sites that led to it (Source then has the block's
	// line range).
	Address     string
	ModuleCalls []model.Source

	ref *model.Ref // cached by Inventory.Index; see refOf
}

func (id *Identity) makeRef(typ string) model.Ref {
	r := model.Ref{ID: id.ARN, Type: typ, Name: id.Name, Region: id.Region,
		Account: id.AccountID, Provider: "aws"}
	if id.Address != "" {
		// IaC resources have no ARN before deployment: the address is
		// their identity and the block is their location.
		r.Address = id.Address
		if r.ID == "" {
			r.ID = id.Address
		}
		loc := id.Source
		r.Location = &loc
		r.ModuleCalls = id.ModuleCalls
	}
	return r
}

// refOf returns the resource's reference: the one Inventory.Index cached,
// shared by every finding on the resource (so a 100,000-resource scan does
// not copy it once per check), or a fresh one for resources built outside an
// indexed inventory.
func (id *Identity) refOf(typ string) *model.Ref {
	if id.ref != nil {
		return id.ref
	}
	r := id.makeRef(typ)
	return &r
}

// Account holds account-level settings.
type Account struct {
	Identity
	// Summary is iam get-account-summary's SummaryMap (AccountMFAEnabled,
	// AccountAccessKeysPresent, ...); unknown when not collected.
	Summary model.Value[map[string]int64]
	// S3PublicAccessBlock is the account-level S3 Block Public Access
	// (s3control get-public-access-block).
	S3PublicAccessBlock PublicAccessBlock
	PasswordPolicy      PasswordPolicy
}

// Ref identifies the account: its ID, no region.
func (a *Account) Ref() *model.Ref { return a.refOf(TypeAccount) }

// PasswordPolicy is the IAM account password policy. Exists is known false
// when AWS answered NoSuchEntity; the other fields are then unknown.
type PasswordPolicy struct {
	Exists                     Bool
	MinimumPasswordLength      Int
	PasswordReusePrevention    Int
	RequireSymbols             Bool
	RequireNumbers             Bool
	RequireUppercaseCharacters Bool
	RequireLowercaseCharacters Bool
	MaxPasswordAge             Int
	ExpirePasswords            Bool
	HardExpiry                 Bool
	AllowUsersToChangePassword Bool
}

// PublicAccessBlock is an S3 Block Public Access configuration, at account or
// bucket level. Configured is known false when AWS answered
// NoSuchPublicAccessBlockConfiguration; the four settings are then known false.
type PublicAccessBlock struct {
	Configured            Bool
	BlockPublicAcls       Bool
	IgnorePublicAcls      Bool
	BlockPublicPolicy     Bool
	RestrictPublicBuckets Bool
}

// AllOn reports the three-valued "all four settings are on": known true,
// known false (some setting known off), or unknown.
func (p PublicAccessBlock) AllOn() model.Bool {
	all := []model.Bool{p.BlockPublicAcls, p.IgnorePublicAcls, p.BlockPublicPolicy, p.RestrictPublicBuckets}
	var unknown *model.Bool
	for i := range all {
		if model.IsFalse(all[i]) {
			return model.Known(false, all[i].Source())
		}
		if !all[i].Known() && unknown == nil {
			unknown = &all[i]
		}
	}
	if unknown != nil {
		return model.Unknown[bool](unknown.Reason(), unknown.Source())
	}
	return model.Known(true, p.BlockPublicAcls.Source())
}

// RootUser is the account's root user, from the credential report's
// <root_account> row and the account summary.
type RootUser struct {
	Identity
	Credentials Credentials
	// MFAEnabled is AccountMFAEnabled from the account summary or mfa_active
	// from the credential report.
	MFAEnabled Bool
	// HardwareMFA is false when the root's MFA is a virtual device; unknown
	// when the virtual MFA device list was not collected.
	HardwareMFA Bool
}

// Ref identifies the root user: arn:aws:iam::ACCOUNT:root.
func (r *RootUser) Ref() *model.Ref { return r.refOf(TypeRootUser) }

// Credentials are a user's credential-report data.
type Credentials struct {
	// InReport is known true when the user has a credential-report row.
	InReport           Bool
	PasswordEnabled    Bool
	PasswordLastUsed   Time // unknown when never used or N/A; see PasswordNeverUsed
	PasswordNeverUsed  Bool
	PasswordLastChange Time
	MFAActive          Bool
	AccessKeys         []AccessKey // the report's two key slots, present or not
}

// AccessKey is one credential-report access-key slot.
type AccessKey struct {
	Slot         int // 1 or 2
	Active       Bool
	LastRotated  Time
	LastUsed     Time // unknown when never used; see NeverUsed
	NeverUsed    Bool
	LastUsedSvc  String
	LastUsedRegn String
}

// AttachedPolicy names a managed policy attached to a principal.
type AttachedPolicy struct {
	ARN    string
	Name   string
	Source model.Source
}

// InlinePolicy is an inline policy embedded in a user, group or role.
type InlinePolicy struct {
	Name     string
	Document Policy
}

// User is an IAM user with its credential-report data.
type User struct {
	Identity
	Path                string
	CreateDate          Time
	Groups              []string // group names
	AttachedPolicies    []AttachedPolicy
	InlinePolicies      []InlinePolicy
	PermissionsBoundary String // policy ARN; known "" when none
	Credentials         Credentials
}

// Ref identifies the user by ARN.
func (u *User) Ref() *model.Ref { return u.refOf(TypeUser) }

// Group is an IAM group.
type Group struct {
	Identity
	Path             string
	AttachedPolicies []AttachedPolicy
	InlinePolicies   []InlinePolicy
}

// Ref identifies the group by ARN.
func (g *Group) Ref() *model.Ref { return g.refOf(TypeGroup) }

// Role is an IAM role.
type Role struct {
	Identity
	Path                string
	CreateDate          Time
	TrustPolicy         Policy
	AttachedPolicies    []AttachedPolicy
	InlinePolicies      []InlinePolicy
	InstanceProfiles    []string // instance profile ARNs
	PermissionsBoundary String
	LastUsed            Time // unknown when never used or not collected
	LastUsedRegion      String
}

// Ref identifies the role by ARN.
func (r *Role) Ref() *model.Ref { return r.refOf(TypeRole) }

// IsServiceLinked reports whether the role is a service-linked role, which
// AWS manages and users cannot change.
func (r *Role) IsServiceLinked() bool {
	return len(r.Path) >= len("/aws-service-role/") && r.Path[:len("/aws-service-role/")] == "/aws-service-role/"
}

// ManagedPolicy is a customer- or AWS-managed IAM policy with all versions.
type ManagedPolicy struct {
	Identity
	Path             string
	AWSManaged       bool
	DefaultVersionID string
	AttachmentCount  Int
	Versions         []PolicyVersion
}

// PolicyVersion is one version of a managed policy.
type PolicyVersion struct {
	VersionID string
	IsDefault bool
	Document  Policy
}

// Ref identifies the policy by ARN.
func (p *ManagedPolicy) Ref() *model.Ref { return p.refOf(TypeManagedPolicy) }

// Default returns the default version, or nil when it is not in the data.
func (p *ManagedPolicy) Default() *PolicyVersion {
	for i := range p.Versions {
		if p.Versions[i].IsDefault {
			return &p.Versions[i]
		}
	}
	return nil
}

// Bucket is an S3 bucket.
type Bucket struct {
	Identity
	CreationDate      Time
	Policy            Policy
	ACL               model.Value[[]Grant]
	Owner             String // canonical user ID of the owner
	PublicAccessBlock PublicAccessBlock
	// Encryption is the default encryption; known nil when AWS answered
	// ServerSideEncryptionConfigurationNotFoundError.
	Encryption model.Value[*BucketEncryption]
	// Versioning is "Enabled", "Suspended", or known "" when never enabled.
	Versioning String
	MFADelete  String // "Enabled", "Disabled" or known ""
	// LoggingTarget is the target bucket; known "" when logging is off.
	LoggingTarget String
}

// Ref identifies the bucket: arn:aws:s3:::NAME.
func (b *Bucket) Ref() *model.Ref { return b.refOf(TypeBucket) }

// Grant is one ACL grant.
type Grant struct {
	GranteeType string // CanonicalUser, Group, AmazonCustomerByEmail
	ID          string
	URI         string // for Group grantees, e.g. http://acs.amazonaws.com/groups/global/AllUsers
	DisplayName string
	Permission  string // FULL_CONTROL, READ, WRITE, READ_ACP, WRITE_ACP
	Source      model.Source
}

// BucketEncryption is a bucket's default encryption rule.
type BucketEncryption struct {
	SSEAlgorithm     string // AES256, aws:kms, aws:kms:dsse
	KMSMasterKeyID   string
	BucketKeyEnabled bool
	Source           model.Source
}

// SecurityGroup is a VPC security group.
type SecurityGroup struct {
	Identity
	VPCID       string
	Description string
	OwnerID     string
	Ingress     model.Value[[]SGRule]
	Egress      model.Value[[]SGRule]
}

// Ref identifies the group by ARN.
func (g *SecurityGroup) Ref() *model.Ref { return g.refOf(TypeSecurityGroup) }

// IsDefault reports whether this is a VPC's default security group.
func (g *SecurityGroup) IsDefault() bool { return g.Name == "default" }

// SGRule is one IpPermission: a protocol and port range with its peers.
// Protocol "-1" means all protocols (and all ports). FromPort and ToPort are
// -1 for all ICMP types.
type SGRule struct {
	Protocol      string
	FromPort      int64
	ToPort        int64
	IPv4Ranges    []string
	IPv6Ranges    []string
	PrefixListIDs []string
	GroupIDs      []string
	Source        model.Source
	// Unresolved, when not "", says why part of the rule is unknown before
	// deployment (IaC: an unresolved variable or reference); PortsUnknown
	// (protocol or ports) and PeersUnknown (CIDR ranges) say which part.
	// The other rules of the group stay known, so a check still FAILs on a
	// known open rule and is UNKNOWN only when this rule could decide it.
	// Snapshots never set them.
	Unresolved                 string
	PortsUnknown, PeersUnknown bool
}

// Instance is an EC2 instance.
type Instance struct {
	Identity
	State            String
	PublicIP         String // known "" when none
	PrivateIP        String
	SubnetID         string
	VPCID            string
	SecurityGroupIDs []string
	InstanceProfile  String // profile ARN; known "" when none
	// IMDS options: HttpTokens is "required" (IMDSv2 only) or "optional".
	MetadataHTTPTokens   String
	MetadataHTTPEndpoint String // "enabled" or "disabled"
	LaunchTime           Time
}

// Ref identifies the instance by ARN.
func (i *Instance) Ref() *model.Ref { return i.refOf(TypeInstance) }

// Volume is an EBS volume.
type Volume struct {
	Identity
	Encrypted   Bool
	KMSKeyID    String
	State       String
	Size        Int
	InstanceIDs []string
}

// Ref identifies the volume by ARN.
func (v *Volume) Ref() *model.Ref { return v.refOf(TypeVolume) }

// VPC is a virtual private cloud with its flow logs.
type VPC struct {
	Identity
	IsDefault Bool
	CIDRBlock String
	// FlowLogs are the flow logs whose resource is this VPC; unknown when
	// describe-flow-logs was not collected in the region.
	FlowLogs model.Value[[]FlowLog]
}

// Ref identifies the VPC by ARN.
func (v *VPC) Ref() *model.Ref { return v.refOf(TypeVPC) }

// FlowLog is a VPC flow log.
type FlowLog struct {
	ID          string
	Status      string // ACTIVE
	TrafficType string // ACCEPT, REJECT, ALL
	Destination string
	Source      model.Source
}

// NetworkACL is a VPC network ACL.
type NetworkACL struct {
	Identity
	VPCID     string
	IsDefault Bool
	Entries   model.Value[[]ACLEntry]
}

// Ref identifies the ACL by ARN.
func (n *NetworkACL) Ref() *model.Ref { return n.refOf(TypeNetworkACL) }

// ACLEntry is one network ACL rule. Protocol "-1" means all; From/To are the
// port range (0-65535 when the entry has none and the protocol is all).
type ACLEntry struct {
	RuleNumber int64
	Protocol   string // "-1", "6" (tcp), "17" (udp), "1" (icmp)
	Egress     bool
	Allow      bool
	CIDR       string
	IPv6CIDR   string
	FromPort   int64
	ToPort     int64
	Source     model.Source
}

// DBInstance is an RDS database instance with its parameter group values.
type DBInstance struct {
	Identity
	Engine                  String
	EngineVersion           String
	StorageEncrypted        Bool
	KMSKeyID                String
	PubliclyAccessible      Bool
	MultiAZ                 Bool
	AutoMinorVersionUpgrade Bool
	ParameterGroups         []DBParameterGroup
	// VPCID and SubnetIDs are the instance's DB subnet group
	// (DBSubnetGroup.VpcId and .Subnets); SubnetIDs is unknown when the
	// answer has no subnet group (IaC, or an old snapshot).
	VPCID     string
	SubnetIDs model.Value[[]string]
}

// Ref identifies the instance by ARN.
func (d *DBInstance) Ref() *model.Ref { return d.refOf(TypeDBInstance) }

// DBParameterGroup is a parameter group applied to an instance. Parameters
// is unknown when describe-db-parameters was not collected for it.
type DBParameterGroup struct {
	Name       string
	Parameters model.Value[map[string]DBParameter]
}

// DBParameter is one parameter; Value is known "" when the parameter has no
// value (engine default applies).
type DBParameter struct {
	Value  String
	Source model.Source
}

// KMSKey is a KMS key.
type KMSKey struct {
	Identity
	Manager         String // "AWS" or "CUSTOMER"
	State           String // Enabled, Disabled, PendingDeletion, ...
	KeySpec         String // SYMMETRIC_DEFAULT, RSA_2048, ...
	KeyUsage        String
	Origin          String
	RotationEnabled Bool
	// Policy is the key policy (kms get-key-policy --policy-name default);
	// unknown when not collected.
	Policy Policy
}

// Ref identifies the key by ARN.
func (k *KMSKey) Ref() *model.Ref { return k.refOf(TypeKMSKey) }

// Trail is a CloudTrail trail with its status and event selectors.
type Trail struct {
	Identity
	HomeRegion             string
	IsMultiRegion          Bool
	IsOrganizationTrail    Bool
	LogFileValidation      Bool
	IncludeGlobalEvents    Bool
	KMSKeyID               String // known "" when not KMS-encrypted
	S3BucketName           String
	CloudWatchLogsGroupARN String
	IsLogging              Bool
	EventSelectors         model.Value[[]EventSelector]
	AdvancedSelectors      model.Value[[]AdvancedEventSelector]
}

// Ref identifies the trail by ARN.
func (t *Trail) Ref() *model.Ref { return t.refOf(TypeTrail) }

// EventSelector is a basic CloudTrail event selector.
type EventSelector struct {
	ReadWriteType           string // All, ReadOnly, WriteOnly
	IncludeManagementEvents bool
	DataResources           []DataResource
	Source                  model.Source
}

// DataResource is a data-event selector (type and ARN prefixes).
type DataResource struct {
	Type   string
	Values []string
}

// AdvancedEventSelector is a CloudTrail advanced event selector.
type AdvancedEventSelector struct {
	Name           string
	FieldSelectors []FieldSelector
	Source         model.Source
}

// FieldSelector is one field condition of an advanced event selector.
type FieldSelector struct {
	Field         string
	Equals        []string
	NotEquals     []string
	StartsWith    []string
	NotStartsWith []string
	EndsWith      []string
	NotEndsWith   []string
}

// Region holds region-level settings of one account.
type Region struct {
	Identity
	EBSEncryptionByDefault Bool
	// GuardDutyDetectors is unknown when guardduty list-detectors was not
	// collected in the region; known empty when there is none.
	GuardDutyDetectors model.Value[[]*Detector]
	// Monitoring is metric filters, alarms, SNS subscriptions and Security
	// Hub (monitoring.go).
	Monitoring Monitoring
	CIS        RegionCIS // Access Analyzer, AWS Config (cisextra.go)
}

// Ref identifies the region: ID "ACCOUNT/REGION".
func (r *Region) Ref() *model.Ref { return r.refOf(TypeRegion) }

// Detector is a GuardDuty detector.
type Detector struct {
	Identity
	Status String // ENABLED or DISABLED
}

// Ref identifies the detector by ARN.
func (d *Detector) Ref() *model.Ref { return d.refOf(TypeDetector) }
