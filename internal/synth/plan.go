// Package synth writes synthetic AWS snapshots of any size, in the snapshot
// layout of docs/snapshot-format.md, for benchmarks and load tests.
//
// A snapshot of N resources holds exactly N of the resources the importer
// puts in the inventory's lists and that checks evaluate one by one:
// security groups, instances, volumes, VPCs, network ACLs, IAM users, groups,
// roles and managed policies (the AWS-managed AdministratorAccess included),
// S3 buckets, RDS instances, KMS keys, CloudTrail trails and GuardDuty
// detectors. Not counted: the account, its root user, the per-region
// settings (EBS default encryption), flow logs, DB parameter groups and
// credential-report rows, which come along with the resources they belong to.
//
// Output is deterministic for a seed and written as a stream: every list is
// encoded one element at a time, so memory stays flat whatever N is.
package synth

import (
	"fmt"
	"time"
)

// Counts is how many resources of each kind a snapshot holds.
type Counts struct {
	SecurityGroups int
	Instances      int
	Volumes        int
	VPCs           int
	NetworkACLs    int
	Users          int
	Groups         int
	Roles          int
	Policies       int
	Buckets        int
	DBInstances    int
	KMSKeys        int
	Trails         int
	Detectors      int
}

// Total is the number of resources, the N of the package comment.
func (c Counts) Total() int {
	return c.SecurityGroups + c.Instances + c.Volumes + c.VPCs + c.NetworkACLs + c.Users + c.Groups +
		c.Roles + c.Policies + c.Buckets + c.DBInstances + c.KMSKeys + c.Trails + c.Detectors
}

// MinResources is the smallest snapshot Plan accepts: enough for one
// resource of every kind in a few regions.
const MinResources = 30

// DefaultRegions are the regions a snapshot spans unless told otherwise.
var DefaultRegions = []string{"us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2"}

// DefaultCollectedAt is the fixed collection time, so that age-based checks
// give the same verdicts on every run.
var DefaultCollectedAt = time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)

// Options configures a snapshot.
type Options struct {
	Resources   int   // N, at least MinResources
	Seed        int64 // same seed, same snapshot
	Regions     []string
	AccountID   string
	CollectedAt time.Time
}

func (o Options) withDefaults() Options {
	if len(o.Regions) == 0 {
		o.Regions = DefaultRegions
	}
	if o.AccountID == "" {
		o.AccountID = "111122223333"
	}
	if o.CollectedAt.IsZero() {
		o.CollectedAt = DefaultCollectedAt
	}
	return o
}

// weights split N across kinds, per thousand resources, roughly as a
// compute-heavy account looks: many volumes, security groups and instances,
// fewer buckets and databases, a handful of VPCs. The rest (after rounding
// down) goes to security groups.
var weights = []struct {
	per1000 int
	field   func(*Counts) *int
}{
	{220, func(c *Counts) *int { return &c.Volumes }},
	{160, func(c *Counts) *int { return &c.Instances }},
	{100, func(c *Counts) *int { return &c.Users }},
	{80, func(c *Counts) *int { return &c.Roles }},
	{40, func(c *Counts) *int { return &c.NetworkACLs }},
	{40, func(c *Counts) *int { return &c.Policies }},
	{30, func(c *Counts) *int { return &c.VPCs }},
	{30, func(c *Counts) *int { return &c.Buckets }},
	{30, func(c *Counts) *int { return &c.DBInstances }},
	{20, func(c *Counts) *int { return &c.KMSKeys }},
	{10, func(c *Counts) *int { return &c.Groups }},
}

// Plan splits n resources across kinds for the given number of regions.
// The counts always add up to n exactly.
func Plan(n, regions int) (Counts, error) {
	if n < MinResources {
		return Counts{}, fmt.Errorf("synth: %d resources is too few (minimum %d)", n, MinResources)
	}
	if regions < 1 {
		return Counts{}, fmt.Errorf("synth: need at least one region")
	}
	var c Counts
	// GuardDuty: a detector in every region but the last, so one region
	// fails the check. Trails: one multi-region trail plus one more per
	// 20,000 resources.
	c.Detectors = regions - 1
	c.Trails = 1 + n/20000
	rest := n - c.Detectors - c.Trails
	used := 0
	for _, w := range weights {
		k := max(1, rest*w.per1000/1000)
		*w.field(&c) = k
		used += k
	}
	c.SecurityGroups = rest - used
	if c.SecurityGroups < 1 {
		return Counts{}, fmt.Errorf("synth: %d resources is too few for %d regions", n, regions)
	}
	return c, nil
}
