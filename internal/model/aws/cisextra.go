package aws

import (
	"time"

	"github.com/cloudward/cloudward/internal/model"
)

// Resource types read by the CIS operations of this file.
const (
	TypeEFSFileSystem = "AWS::EFS::FileSystem"
	TypeRouteTable    = "AWS::EC2::RouteTable"
)

// CISExtra is account-wide data read only for CIS controls (issue 6):
// IAM server certificates and EFS file systems.
type CISExtra struct {
	// ServerCertificates is unknown when iam list-server-certificates was
	// not collected; known (maybe empty) otherwise.
	ServerCertificates model.Value[[]*ServerCertificate]
	// EFSFileSystems are the file systems of every region where efs
	// describe-file-systems was read, sorted by ARN.
	EFSFileSystems []*EFSFileSystem
	// SecurityContact is whether a SECURITY alternate contact is registered
	// (account get-alternate-contact); known false on
	// ResourceNotFoundException. Its details are not kept.
	SecurityContact Bool
	// RouteTables are the route tables with a route to a VPC peering
	// connection, and PeeringConnections every peering connection, of
	// every region where they were read.
	RouteTables        []*RouteTable
	PeeringConnections map[string]*PeeringConnection // by pcx- ID
}

// ServerCertificate is an IAM server certificate (list-server-certificates).
type ServerCertificate struct {
	Name       string
	ARN        string
	Expiration model.Value[time.Time]
	Source     model.Source
}

// EFSFileSystem is an EFS file system.
type EFSFileSystem struct {
	Identity
	Encrypted Bool
}

// Ref identifies the file system by ARN.
func (f *EFSFileSystem) Ref() *model.Ref { return f.refOf(TypeEFSFileSystem) }

// RegionCIS is per-region data read only for CIS controls.
type RegionCIS struct {
	// Analyzers is unknown when accessanalyzer list-analyzers was not
	// collected in the region; known empty when there is none.
	Analyzers model.Value[[]*Analyzer]
	// ConfigRecorders is unknown when configservice
	// describe-configuration-recorders (or its status) was not collected.
	ConfigRecorders model.Value[[]*ConfigRecorder]
}

// Analyzer is an IAM Access Analyzer analyzer.
type Analyzer struct {
	Name   string
	ARN    string
	Type   string // ACCOUNT, ORGANIZATION, ..._UNUSED_ACCESS
	Status String // ACTIVE, CREATING, DISABLED, FAILED
	Source model.Source
}

// ConfigRecorder is an AWS Config configuration recorder and its status.
type ConfigRecorder struct {
	Name string
	// AllSupported and IncludeGlobalResourceTypes come from recordingGroup.
	AllSupported               Bool
	IncludeGlobalResourceTypes Bool
	// Recording is from describe-configuration-recorder-status; unknown
	// when the recorder has no status entry.
	Recording Bool
	Source    model.Source
}

// RouteTable is a VPC route table; only its routes to peering connections
// are kept.
type RouteTable struct {
	Identity
	VPCID         string
	PeeringRoutes []PeeringRoute
	// Main is true for the VPC's main route table, which routes every
	// subnet without an explicit association.
	Main bool
	// SubnetIDs are the subnets explicitly associated with the table.
	SubnetIDs []string
	// Routes are all the table's routes (NetworkResources.RouteTables
	// only; the CIS list keeps PeeringRoutes).
	Routes []Route
}

// Route is one route of a route table.
type Route struct {
	// Destination is the IPv4 or IPv6 CIDR; "" for a prefix-list route.
	Destination  string
	PrefixListID string
	// Target is the ID of the gateway, NAT gateway, instance, interface or
	// peering connection the route sends traffic to (igw-..., nat-...).
	Target string
	State  string // active, blackhole
	Source model.Source
}

// Ref identifies the route table by ARN.
func (t *RouteTable) Ref() *model.Ref { return t.refOf(TypeRouteTable) }

// PeeringRoute is a route whose target is a VPC peering connection.
type PeeringRoute struct {
	PeeringID string
	// Destination is the IPv4 or IPv6 CIDR; "" for a prefix-list route.
	Destination  string
	PrefixListID string
	Source       model.Source
}

// PeeringConnection is a VPC peering connection and the CIDR blocks of both
// sides.
type PeeringConnection struct {
	ID                            string
	RequesterVPC, AccepterVPC     string
	RequesterCIDRs, AccepterCIDRs []string // IPv4 and IPv6
	Status                        string   // active, deleted, ...
	Source                        model.Source
}
