package aws

import (
	"sync"
	"time"

	"github.com/cloudward/cloudward/internal/model"
)

// Inventory is everything known about one AWS account at one point in time.
// Lists are sorted by ARN (or ID) by whoever fills them, so that evaluation
// and reports are deterministic.
type Inventory struct {
	AccountID string
	Partition string
	// CollectedAt is when the data was collected; age-based checks (key
	// rotation, unused credentials) measure against it, not against now.
	CollectedAt time.Time
	// RegionNames are the regions the data covers.
	RegionNames []string
	// IaC is set for inventories read from infrastructure as code
	// (Terraform, CloudFormation): checks marked DeployedOnly skip them.
	IaC bool
	// Unreached is set for an account that could not be collected (an
	// organization member whose role could not be assumed): the inventory
	// holds only the Coverage entry saying why, so that reports show the
	// account as not covered; no check runs on it.
	Unreached bool

	Account  *Account
	Root     *RootUser
	Regions  []*Region
	Users    []*User
	Groups   []*Group
	Roles    []*Role
	Policies []*ManagedPolicy

	Buckets        []*Bucket
	SecurityGroups []*SecurityGroup
	Instances      []*Instance
	Volumes        []*Volume
	VPCs           []*VPC
	NetworkACLs    []*NetworkACL
	DBInstances    []*DBInstance
	KMSKeys        []*KMSKey
	// Trails is unknown when cloudtrail describe-trails was not collected in
	// any region; known (maybe empty) otherwise.
	Trails TrailList
	CIS    CISExtra // server certificates, EFS (cisextra.go)
	// Network and PolicyHolders hold issue 4's extra resource kinds
	// (network_resources.go, policy_resources.go).
	Network       NetworkResources
	PolicyHolders PolicyResources
	// Compliance holds data read only for compliance controls
	// (compliance_resources.go).
	Compliance ComplianceData

	// Coverage records which operations were read, missing or failed.
	Coverage []Coverage

	policyByARN map[string]*ManagedPolicy
	groupByName map[string]*Group
	coverageOf  map[[2]string]Coverage
	indexed     bool

	derived sync.Map // key -> *derivedValue
}

type derivedValue struct {
	once sync.Once
	v    any
}

// Derived returns the value fn computes from the inventory, computing it
// once per inventory for each key even when called from many goroutines:
// account-wide analyses (the IAM account model, escalation paths) are built
// once and then read by every check that needs them, like the index. Keys
// should be unexported types of the caller's package; the inventory must not
// change afterwards. The hit path takes no lock: checks call it per resource.
func (inv *Inventory) Derived(key any, fn func() any) any {
	d, ok := inv.derived.Load(key)
	if !ok {
		d, _ = inv.derived.LoadOrStore(key, &derivedValue{})
	}
	dv := d.(*derivedValue)
	dv.once.Do(func() { dv.v = fn() })
	return dv.v
}

// Indexed reports whether Index has run since the inventory was filled.
func (inv *Inventory) Indexed() bool { return inv.indexed }

type refCacher interface {
	model.Resource
	cacheRef(model.Resource)
}

func (id *Identity) cacheRef(r model.Resource) {
	id.ref = nil
	id.ref = r.Ref()
}

func cacheRefs[T refCacher](list []T) {
	for _, r := range list {
		r.cacheRef(r)
	}
}

// TrailList is the account's trails, known or not collected.
type TrailList = Value[[]*Trail]

// Value is re-exported so callers of this package need not import model for
// the common case.
type Value[T any] = model.Value[T]

// Coverage is the outcome of reading one snapshot operation.
type Coverage struct {
	Region    string // region or "global"
	Service   string // CLI service name (ec2, s3api)
	Operation string // CLI operation name (describe-volumes)
	Status    CoverageStatus
	Detail    string // error code or reason
	// Code is the AWS error code of an error answer (AccessDenied...);
	// "" for unreadable files and for read or missing operations.
	Code string
}

// CoverageStatus says whether an operation's data was there.
type CoverageStatus string

// Coverage statuses.
const (
	CoverageRead    CoverageStatus = "read"    // file present and parsed
	CoverageMissing CoverageStatus = "missing" // not collected: values unknown
	CoverageError   CoverageStatus = "error"   // AWS error (AccessDenied...) or unreadable file
)

// CoverageNothingToRead is the Detail of a read operation that had no
// resource to call on (no bucket, so no get-bucket-policy).
const CoverageNothingToRead = "no resources to read"

// Index builds the lookup tables used by checks. Sources call it once after
// filling the inventory.
func (inv *Inventory) Index() {
	inv.indexed = true
	// Cache every resource's Ref: findings point to it instead of copying it.
	if inv.Account != nil {
		inv.Account.cacheRef(inv.Account)
	}
	if inv.Root != nil {
		inv.Root.cacheRef(inv.Root)
	}
	cacheRefs(inv.Regions)
	for _, r := range inv.Regions {
		if ds, ok := r.GuardDutyDetectors.Get(); ok {
			cacheRefs(ds)
		}
	}
	cacheRefs(inv.Users)
	cacheRefs(inv.Groups)
	cacheRefs(inv.Roles)
	cacheRefs(inv.Policies)
	cacheRefs(inv.Buckets)
	cacheRefs(inv.SecurityGroups)
	cacheRefs(inv.Instances)
	cacheRefs(inv.Volumes)
	cacheRefs(inv.VPCs)
	cacheRefs(inv.NetworkACLs)
	cacheRefs(inv.DBInstances)
	cacheRefs(inv.KMSKeys)
	if ts, ok := inv.Trails.Get(); ok {
		cacheRefs(ts)
	}
	inv.Network.cacheRefs()
	inv.PolicyHolders.cacheRefs()
	inv.policyByARN = make(map[string]*ManagedPolicy, len(inv.Policies))
	for _, p := range inv.Policies {
		inv.policyByARN[p.ARN] = p
	}
	inv.groupByName = make(map[string]*Group, len(inv.Groups))
	for _, g := range inv.Groups {
		inv.groupByName[g.Name] = g
	}
	// Per operation, keep the worst outcome over all regions: one region's
	// failure makes that operation's data incomplete.
	inv.coverageOf = make(map[[2]string]Coverage, len(inv.Coverage))
	for _, c := range inv.Coverage {
		key := [2]string{c.Service, c.Operation}
		if prev, ok := inv.coverageOf[key]; !ok || prev.Status == CoverageRead {
			inv.coverageOf[key] = c
		}
	}
}

// CoverageOf returns the outcome of reading an operation (the worst over
// all regions), and false when the source recorded no coverage for it (a
// source that is not a snapshot, or an operation it never reads).
func (inv *Inventory) CoverageOf(service, operation string) (Coverage, bool) {
	if inv.coverageOf == nil {
		inv.Index()
	}
	c, ok := inv.coverageOf[[2]string{service, operation}]
	return c, ok
}

// Policy returns the managed policy with the given ARN, or nil.
func (inv *Inventory) Policy(arn string) *ManagedPolicy {
	if inv.policyByARN == nil {
		inv.Index()
	}
	return inv.policyByARN[arn]
}

// Group returns the group with the given name, or nil.
func (inv *Inventory) Group(name string) *Group {
	if inv.groupByName == nil {
		inv.Index()
	}
	return inv.groupByName[name]
}
