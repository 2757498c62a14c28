package aws

import "github.com/cloudward/cloudward/internal/model"

// Resource types of the network group (CloudFormation type names where one
// exists; EBS snapshots have none, so the EC2 resource-type name is used).
const (
	TypeEBSSnapshot      = "AWS::EC2::Snapshot"
	TypeDBSnapshot       = "AWS::RDS::DBSnapshot"
	TypeDBCluster        = "AWS::RDS::DBCluster"
	TypeSubnet           = "AWS::EC2::Subnet"
	TypeInternetGateway  = "AWS::EC2::InternetGateway"
	TypeNetworkInterface = "AWS::EC2::NetworkInterface"
	TypeLoadBalancer     = "AWS::ElasticLoadBalancingV2::LoadBalancer"
	TypeListener         = "AWS::ElasticLoadBalancingV2::Listener"
	TypeDistribution     = "AWS::CloudFront::Distribution"
	TypeCertificate      = "AWS::CertificateManager::Certificate"
	TypeEKSCluster       = "AWS::EKS::Cluster"
)

// NetworkResources are the compute, network and data-store resources of
// issue 4's extra operations (EC2 snapshots, subnets, internet gateways,
// network interfaces, RDS snapshots and clusters, load balancers,
// CloudFront, EKS, ACM). Every list holds the resources of every region
// where its operation was read, sorted by ARN (ID for EC2 network objects);
// whether an operation was read is in Inventory.Coverage.
type NetworkResources struct {
	EBSSnapshots      []*EBSSnapshot
	DBSnapshots       []*DBSnapshot
	DBClusters        []*DBCluster
	Subnets           []*Subnet
	InternetGateways  []*InternetGateway
	NetworkInterfaces []*NetworkInterface
	LoadBalancers     []*LoadBalancer
	// Listeners are the listeners of every load balancer (flat, so that IaC
	// listeners need not find their load balancer).
	Listeners []*Listener
	// SSLPolicies are the ELB security policies by name, from elbv2
	// describe-ssl-policies (all predefined policies of the region). Checks
	// fall back to their own knowledge of predefined names when a policy is
	// not here (IaC, or the operation not collected).
	SSLPolicies   map[string]*SSLPolicy
	Distributions []*Distribution
	Certificates  []*Certificate
	EKSClusters   []*EKSCluster
	// RouteTables are every route table (ec2 describe-route-tables) with
	// all routes and associations, sorted by ARN.
	RouteTables []*RouteTable
}

// cacheRefs caches the Ref of every resource of the group (see Index).
func (n *NetworkResources) cacheRefs() {
	cacheRefs(n.EBSSnapshots)
	cacheRefs(n.DBSnapshots)
	cacheRefs(n.DBClusters)
	cacheRefs(n.Subnets)
	cacheRefs(n.InternetGateways)
	cacheRefs(n.NetworkInterfaces)
	cacheRefs(n.LoadBalancers)
	cacheRefs(n.Listeners)
	cacheRefs(n.Distributions)
	cacheRefs(n.Certificates)
	cacheRefs(n.EKSClusters)
	cacheRefs(n.RouteTables)
}

// EBSSnapshot is an EBS snapshot owned by the account (ec2
// describe-snapshots --owner-ids self).
type EBSSnapshot struct {
	Identity
	VolumeID  string
	Encrypted Bool
	KMSKeyID  String // known "" when not encrypted with KMS
	State     String // pending, completed, error, ...
	StartTime Time
	// Public is known true when createVolumePermission has the group "all"
	// (ec2 describe-snapshot-attribute); unknown when the attribute was not
	// read for this snapshot.
	Public Bool
	// SharedWith are the account IDs given createVolumePermission; unknown
	// like Public.
	SharedWith model.Value[[]string]
}

// Ref identifies the snapshot: arn:aws:ec2:REGION:ACCOUNT:snapshot/snap-...
func (s *EBSSnapshot) Ref() *model.Ref { return s.refOf(TypeEBSSnapshot) }

// DBSnapshot is an RDS DB instance snapshot (rds describe-db-snapshots).
type DBSnapshot struct {
	Identity
	DBInstanceID string
	Engine       String
	SnapshotType String // manual, automated, awsbackup, shared, public
	Encrypted    Bool
	KMSKeyID     String
	// Public is known true when the "restore" attribute lists "all" (rds
	// describe-db-snapshot-attributes); unknown when not read.
	Public     Bool
	SharedWith model.Value[[]string] // account IDs allowed to restore
}

// Ref identifies the snapshot by ARN.
func (s *DBSnapshot) Ref() *model.Ref { return s.refOf(TypeDBSnapshot) }

// DBCluster is an Aurora or Multi-AZ RDS DB cluster (rds
// describe-db-clusters; Terraform aws_rds_cluster).
type DBCluster struct {
	Identity
	Engine             String
	EngineVersion      String
	StorageEncrypted   Bool
	KMSKeyID           String
	PubliclyAccessible Bool // Multi-AZ DB clusters only; known false when absent in AWS's answer
	// MultiAZ is true when the cluster has instances in more than one
	// Availability Zone (Aurora replicas, or a Multi-AZ DB cluster).
	MultiAZ               Bool
	DeletionProtection    Bool
	BackupRetentionPeriod Int
	IAMAuthentication     Bool
	Members               []string // DB instance identifiers
}

// Ref identifies the cluster by ARN.
func (c *DBCluster) Ref() *model.Ref { return c.refOf(TypeDBCluster) }

// Subnet is a VPC subnet.
type Subnet struct {
	Identity
	VPCID               string
	CIDRBlock           String
	AvailabilityZone    String
	MapPublicIPOnLaunch Bool
	DefaultForAZ        Bool
}

// Ref identifies the subnet by ARN.
func (s *Subnet) Ref() *model.Ref { return s.refOf(TypeSubnet) }

// InternetGateway is an internet gateway and the VPCs it is attached to.
type InternetGateway struct {
	Identity
	VPCIDs []string
}

// Ref identifies the gateway by ARN.
func (g *InternetGateway) Ref() *model.Ref { return g.refOf(TypeInternetGateway) }

// NetworkInterface is an elastic network interface.
type NetworkInterface struct {
	Identity
	SubnetID         string
	VPCID            string
	InterfaceType    String // interface, nat_gateway, lambda, ...
	Description      String
	Status           String // in-use, available
	PublicIP         String // known "" when none
	PrivateIP        String
	SecurityGroupIDs []string
	InstanceID       String // attached instance; known "" when none
	RequesterManaged Bool
}

// Ref identifies the interface by ARN.
func (e *NetworkInterface) Ref() *model.Ref { return e.refOf(TypeNetworkInterface) }

// LoadBalancer is an Application, Network or Gateway Load Balancer (elbv2
// describe-load-balancers).
type LoadBalancer struct {
	Identity
	Type             String // application, network, gateway
	Scheme           String // internet-facing, internal
	DNSName          String
	VPCID            string
	SecurityGroupIDs []string
	// ListenersRead is known true when its listeners were read (they are in
	// NetworkResources.Listeners); unknown when describe-listeners failed
	// or was not collected for it.
	ListenersRead Bool
}

// Ref identifies the load balancer by ARN.
func (l *LoadBalancer) Ref() *model.Ref { return l.refOf(TypeLoadBalancer) }

// Listener is a load balancer listener (elbv2 describe-listeners;
// Terraform aws_lb_listener).
type Listener struct {
	Identity
	LoadBalancerARN string
	Port            Int
	Protocol        String // HTTP, HTTPS, TCP, TLS, UDP, TCP_UDP, GENEVE
	// SSLPolicy is the security policy name of HTTPS and TLS listeners;
	// known "" for the others.
	SSLPolicy String
	// DefaultActions are the listener's default actions, in order.
	DefaultActions model.Value[[]ListenerAction]
}

// Ref identifies the listener by ARN.
func (l *Listener) Ref() *model.Ref { return l.refOf(TypeListener) }

// ListenerAction is one default action of a listener.
type ListenerAction struct {
	Type string // forward, redirect, fixed-response, authenticate-oidc, ...
	// RedirectProtocol and RedirectPort are set for redirect actions
	// ("HTTPS", "#{protocol}", "443").
	RedirectProtocol string
	RedirectPort     string
	Source           model.Source
}

// SSLPolicy is an ELB security policy: the TLS versions it accepts.
type SSLPolicy struct {
	Name      string
	Protocols []string // TLSv1, TLSv1.1, TLSv1.2, TLSv1.3 (SSLv3 on the oldest)
	Source    model.Source
}

// Distribution is a CloudFront distribution (global; cloudfront
// list-distributions; Terraform aws_cloudfront_distribution).
type Distribution struct {
	Identity
	DomainName String
	Aliases    []string
	Enabled    Bool
	// ViewerPolicies are the viewer protocol policies of the default cache
	// behavior (PathPattern "") and of every other cache behavior.
	ViewerPolicies model.Value[[]ViewerPolicy]
	// DefaultCertificate is true when viewers get the *.cloudfront.net
	// certificate, whose minimum protocol cannot be chosen.
	DefaultCertificate Bool
	// MinimumProtocolVersion is ViewerCertificate.MinimumProtocolVersion
	// (SSLv3, TLSv1, TLSv1_2016, TLSv1.1_2016, TLSv1.2_2018, TLSv1.2_2019,
	// TLSv1.2_2021, TLSv1.3_2025...). IaC sources fill AWS's default,
	// TLSv1, when a custom certificate is set without one.
	MinimumProtocolVersion String
	WebACLID               String // known "" when none
}

// Ref identifies the distribution by ARN.
func (d *Distribution) Ref() *model.Ref { return d.refOf(TypeDistribution) }

// ViewerPolicy is the viewer protocol policy of one cache behavior:
// allow-all, redirect-to-https or https-only.
type ViewerPolicy struct {
	PathPattern string // "" for the default cache behavior
	Policy      string
	Source      model.Source
}

// Certificate is an ACM certificate (acm list-certificates and
// describe-certificate).
type Certificate struct {
	Identity
	DomainName String
	Type       String // AMAZON_ISSUED, IMPORTED, PRIVATE
	Status     String // ISSUED, PENDING_VALIDATION, EXPIRED, ...
	NotAfter   Time
	// InUseBy are the ARNs of the resources using the certificate; unknown
	// when describe-certificate was not read for it.
	InUseBy            model.Value[[]string]
	RenewalEligibility String // ELIGIBLE, INELIGIBLE
	KeyAlgorithm       String
}

// Ref identifies the certificate by ARN.
func (c *Certificate) Ref() *model.Ref { return c.refOf(TypeCertificate) }

// EKSCluster is an EKS cluster (eks list-clusters and describe-cluster).
type EKSCluster struct {
	Identity
	Version               String
	EndpointPublicAccess  Bool
	EndpointPrivateAccess Bool
	// PublicAccessCIDRs are the CIDRs allowed to reach the public endpoint
	// (AWS answers ["0.0.0.0/0"] when unrestricted). IaC defaults, as AWS
	// applies them: public access true, private false, ["0.0.0.0/0"].
	PublicAccessCIDRs model.Value[[]string]
	// SecretsEncrypted is true when an encryptionConfig covers "secrets".
	SecretsEncrypted Bool
	// LoggingTypes are the enabled control-plane log types.
	LoggingTypes model.Value[[]string]
}

// Ref identifies the cluster by ARN.
func (c *EKSCluster) Ref() *model.Ref { return c.refOf(TypeEKSCluster) }
