package terraform

import (
	"sort"
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// mapper turns evaluated instances into the AWS model. Companion resources
// (aws_s3_bucket_policy, aws_security_group_rule, aws_iam_*_attachment ...)
// find their parent by reference (the parent's id/arn/name flowed into
// them, see refMark) or, failing that, by a literal name in the same root.
type mapper struct {
	l     *loader
	inv   *awsm.Inventory
	byKey map[string]*instance
	// parents indexes model objects by instance key, per kind.
	buckets     map[string]*awsm.Bucket
	sgs         map[string]*awsm.SecurityGroup
	nacls       map[string]*awsm.NetworkACL
	vpcs        map[string]*awsm.VPC
	users       map[string]*awsm.User
	groups      map[string]*awsm.Group
	roles       map[string]*awsm.Role
	policies    map[string]*awsm.ManagedPolicy
	pgroups     map[string]*awsm.DBParameterGroup
	regions     map[string]*awsm.Region
	attachments map[string]int64
	defaulted   []defaultedVolume
	trails      []*awsm.Trail
	acct        *awsm.Account
	// byName finds a parent by root and literal name: "root\x00type\x00name".
	byName map[string]string
	// x indexes the resources of map_extra.go.
	x extraIndex
}

// iacRegion is the region of IaC resources whose root module does not set
// the aws provider's region (it may come from the environment at apply).
const iacRegion = ""

func (l *loader) inventory() *awsm.Inventory {
	sort.Slice(l.insts, func(i, j int) bool {
		a, b := l.insts[i], l.insts[j]
		if a.root != b.root {
			return a.root < b.root
		}
		return a.addr < b.addr
	})
	m := &mapper{l: l, inv: &awsm.Inventory{IaC: true, Partition: "aws"}, byKey: map[string]*instance{},
		buckets: map[string]*awsm.Bucket{}, sgs: map[string]*awsm.SecurityGroup{}, nacls: map[string]*awsm.NetworkACL{},
		vpcs: map[string]*awsm.VPC{}, users: map[string]*awsm.User{}, groups: map[string]*awsm.Group{},
		roles: map[string]*awsm.Role{}, policies: map[string]*awsm.ManagedPolicy{}, pgroups: map[string]*awsm.DBParameterGroup{},
		byName: map[string]string{}, regions: map[string]*awsm.Region{}}
	for _, in := range l.insts {
		m.byKey[in.key] = in
	}
	// Parents first, then the companions that attach to them.
	for _, in := range l.insts {
		m.parent(in)
	}
	for _, in := range l.insts {
		m.companion(in)
	}
	m.finish()
	m.inv.Index()
	return m.inv
}

func (m *mapper) reader(in *instance) rd {
	return rd{m: m, inst: in, o: in.body, blk: in.decl}
}

// identity is the Identity of an IaC resource.
func (m *mapper) identity(in *instance, name string) awsm.Identity {
	if name == "" {
		name = in.name
	}
	region := in.region
	if region == "" {
		region = iacRegion
	}
	return awsm.Identity{Name: name, ID: in.addr, Address: in.addr, Region: region, Partition: "aws",
		Source: m.l.source(in.decl), ModuleCalls: in.calls, Tags: m.tags(in)}
}

func (m *mapper) tags(in *instance) model.Tags {
	r := m.reader(in)
	v, reason, ok := r.raw("tags")
	switch {
	case !ok:
		return model.Known(map[string]string{}, r.block())
	case reason != "":
		return model.Unknown[map[string]string](reason, r.src("tags"))
	}
	out := map[string]string{}
	if v.CanIterateElements() {
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			if k.Type() == cty.String && e.Type() == cty.String && !e.IsNull() {
				out[k.AsString()] = e.AsString()
			}
		}
	}
	return model.Known(out, r.src("tags"))
}

// remember indexes a parent by its literal name for name-based joins.
func (m *mapper) remember(in *instance, kind, name string) {
	if name != "" {
		m.byName[in.root+"\x00"+kind+"\x00"+name] = in.key
	}
}

// find resolves the parent a companion's attribute names: by reference
// first (a mark of a parent of that kind), then by a known literal name.
func (m *mapper) find(r rd, attrName, kind string, has func(key string) bool) (string, bool) {
	for _, mk := range r.marks(attrName) {
		if has(mk) {
			return mk, true
		}
	}
	if v, ok := r.str(attrName, "").Get(); ok && v != "" {
		if key, ok := m.byName[r.inst.root+"\x00"+kind+"\x00"+v]; ok {
			return key, true
		}
		// An ARN of a named parent: match its last path element.
		if i := strings.LastIndexAny(v, ":/"); i >= 0 {
			if key, ok := m.byName[r.inst.root+"\x00"+kind+"\x00"+v[i+1:]]; ok {
				return key, true
			}
		}
	}
	return "", false
}

func has[T any](idx map[string]T) func(string) bool {
	return func(k string) bool { _, ok := idx[k]; return ok }
}

// parent maps resources that stand on their own.
func (m *mapper) parent(in *instance) {
	switch in.typ {
	case "aws_s3_bucket":
		m.bucket(in)
	case "aws_security_group", "aws_default_security_group":
		m.securityGroup(in)
	case "aws_network_acl", "aws_default_network_acl":
		m.networkACL(in)
	case "aws_vpc", "aws_default_vpc":
		m.vpc(in)
	case "aws_instance":
		m.instance(in)
	case "aws_ebs_volume":
		m.volume(in)
	case "aws_db_parameter_group":
		m.dbParameterGroup(in)
	case "aws_kms_key":
		m.kmsKey(in)
	case "aws_cloudtrail":
		m.trail(in)
	case "aws_iam_user":
		m.user(in)
	case "aws_iam_group":
		m.group(in)
	case "aws_iam_role":
		m.role(in)
	case "aws_iam_policy":
		m.managedPolicy(in)
	case "aws_s3_account_public_access_block", "aws_iam_account_password_policy":
		m.account(in)
	case "aws_ebs_encryption_by_default", "aws_guardduty_detector":
		m.region(in)
	case "aws_efs_file_system", "aws_rds_cluster", "aws_lb", "aws_alb", "aws_cloudfront_distribution",
		"aws_sqs_queue", "aws_sns_topic", "aws_lambda_function":
		m.extraParent(in)
	}
}

// companion maps resources that configure a parent.
func (m *mapper) companion(in *instance) {
	switch in.typ {
	case "aws_s3_bucket_policy", "aws_s3_bucket_public_access_block", "aws_s3_bucket_server_side_encryption_configuration",
		"aws_s3_bucket_versioning", "aws_s3_bucket_logging", "aws_s3_bucket_acl":
		m.bucketCompanion(in)
	case "aws_security_group_rule", "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule":
		m.sgRule(in)
	case "aws_network_acl_rule":
		m.naclRule(in)
	case "aws_flow_log":
		m.flowLog(in)
	case "aws_db_instance":
		m.dbInstance(in)
	case "aws_iam_user_policy", "aws_iam_group_policy", "aws_iam_role_policy",
		"aws_iam_user_policy_attachment", "aws_iam_group_policy_attachment", "aws_iam_role_policy_attachment",
		"aws_iam_policy_attachment", "aws_iam_group_membership", "aws_iam_user_group_membership":
		m.iamCompanion(in)
	case "aws_sqs_queue_policy", "aws_sns_topic_policy", "aws_lambda_permission", "aws_lb_listener", "aws_alb_listener",
		"aws_kms_key_policy":
		m.extraCompanion(in)
	}
}
