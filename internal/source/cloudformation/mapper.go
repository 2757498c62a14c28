package cloudformation

import (
	"strconv"
	"strings"

	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// mapper turns one evaluated template into model resources. Companion
// resources (bucket policies, standalone rules, flow logs, IAM policies) are
// joined to their targets by logical ID (Ref/GetAtt) or by literal name.
type mapper struct {
	t   *template
	inv *awsm.Inventory

	buckets map[string]*awsm.Bucket
	sgs     map[string]*sgState
	acls    map[string]*aclState
	vpcs    map[string]*awsm.VPC
	pgs     map[string]*awsm.DBParameterGroup
	users   map[string]*awsm.User
	groups  map[string]*awsm.Group
	roles   map[string]*awsm.Role
	props   map[string]*val // evaluated properties of kept resources

	flowLogs map[*awsm.VPC][]awsm.FlowLog
	trails   []*awsm.Trail
	// unresolved companions: a target that cannot be named makes every
	// possible target's attribute unknown instead of "none".
	unresolvedPolicy, unresolvedFlowLog, unresolvedSGRule, unresolvedACLEntry *val
	// x holds the resources of mapper_extra.go.
	x cfnExtra
}

type sgState struct {
	sg              *awsm.SecurityGroup
	ingress, egress []awsm.SGRule
	defaultEgress   bool
	unkIn, unkOut   *val
	src             model.Source
}

type aclState struct {
	acl     *awsm.NetworkACL
	entries []awsm.ACLEntry
	unk     *val
}

func (m *mapper) src(r *resource) model.Source {
	return model.Source{File: m.t.file, Path: "Resources." + r.id, StartLine: r.keyLine, EndLine: r.endLine}
}

func (m *mapper) at(r *resource, v *val, path string) model.Source {
	s := model.Source{File: m.t.file, Path: "Resources." + r.id + ".Properties." + path}
	if v != nil && v.line > 0 {
		s.StartLine, s.EndLine = v.line, v.line
	} else {
		s.StartLine, s.EndLine = r.keyLine, r.endLine
	}
	return s
}

func (m *mapper) identity(r *resource, props *val, name string) awsm.Identity {
	id := awsm.Identity{
		ID: r.id, Name: name, Region: m.t.opts.Region, AccountID: m.t.opts.AccountID,
		Partition: m.t.partition(), Source: m.src(r), Address: r.id,
	}
	if tags := props.get("Tags"); tags != nil && tags.kind == kList {
		tm := map[string]string{}
		for _, e := range tags.list {
			k, _ := e.get("Key").text()
			v, _ := e.get("Value").text()
			if val := e.get("Value"); k != "" && val != nil && !val.secret {
				tm[k] = v
			}
		}
		id.Tags = model.Known(tm, m.at(r, tags, "Tags"))
	}
	return id
}

func (m *mapper) run() {
	m.buckets = map[string]*awsm.Bucket{}
	m.sgs = map[string]*sgState{}
	m.acls = map[string]*aclState{}
	m.vpcs = map[string]*awsm.VPC{}
	m.pgs = map[string]*awsm.DBParameterGroup{}
	m.users = map[string]*awsm.User{}
	m.groups = map[string]*awsm.Group{}
	m.roles = map[string]*awsm.Role{}
	m.props = map[string]*val{}
	m.flowLogs = map[*awsm.VPC][]awsm.FlowLog{}

	var kept []*resource
	for _, id := range m.t.order {
		r := m.t.resources[id]
		if r.condition != "" {
			c := m.t.condition(r.condition, r.keyLine, 1)
			if c.known() && c.str != "true" {
				continue // CloudFormation does not create it
			}
			// An unknown condition keeps the resource: it may exist.
		}
		p := m.t.eval(r.props, 0)
		if p.kind != kMap {
			if r.props != nil && p.kind != kNull {
				m.t.warn(r.props.Line, r.props.Column, "resource %s: Properties is not a mapping", r.id)
			}
			p = &val{kind: kMap, m: map[string]*val{}, line: r.keyLine}
		}
		m.props[id] = p
		kept = append(kept, r)
	}
	// Primary resources first, then the companions that attach to them.
	for _, r := range kept {
		if r.typ != "AWS::IAM::User" {
			m.primary(r, m.props[r.id])
		}
	}
	// Users after groups, so that their group names resolve.
	for _, r := range kept {
		if r.typ == "AWS::IAM::User" {
			m.primary(r, m.props[r.id])
		}
	}
	for _, r := range kept {
		m.companion(r, m.props[r.id])
	}
	m.finish()
}

func (m *mapper) primary(r *resource, p *val) {
	switch r.typ {
	case "AWS::S3::Bucket":
		m.bucket(r, p)
	case "AWS::EC2::SecurityGroup":
		m.securityGroup(r, p)
	case "AWS::EC2::NetworkAcl":
		m.networkACL(r, p)
	case "AWS::EC2::VPC":
		m.vpc(r, p)
	case "AWS::EC2::Instance":
		m.instance(r, p)
	case "AWS::EC2::Volume":
		m.volume(r, p)
	case "AWS::RDS::DBParameterGroup":
		m.paramGroup(r, p)
	case "AWS::KMS::Key":
		m.kmsKey(r, p)
	case "AWS::CloudTrail::Trail":
		m.trail(r, p)
	case "AWS::GuardDuty::Detector":
		m.detector(r, p)
	case "AWS::IAM::User":
		m.user(r, p)
	case "AWS::IAM::Group":
		m.group(r, p)
	case "AWS::IAM::Role":
		m.role(r, p)
	case "AWS::EFS::FileSystem", "AWS::RDS::DBCluster", "AWS::ElasticLoadBalancingV2::LoadBalancer",
		"AWS::CloudFront::Distribution", "AWS::SQS::Queue", "AWS::SNS::Topic", "AWS::Lambda::Function":
		m.extraPrimary(r, p)
	case "AWS::Serverless::Function":
		m.samFunction(r, p)
		m.samLambda(r, p)
	}
}

func (m *mapper) companion(r *resource, p *val) {
	switch r.typ {
	case "AWS::ElasticLoadBalancingV2::Listener", "AWS::SQS::QueuePolicy", "AWS::SNS::TopicPolicy", "AWS::Lambda::Permission":
		m.extraCompanion(r, p)
	case "AWS::S3::BucketPolicy":
		m.bucketPolicy(r, p)
	case "AWS::EC2::SecurityGroupIngress", "AWS::EC2::SecurityGroupEgress":
		m.sgRule(r, p, r.typ == "AWS::EC2::SecurityGroupEgress")
	case "AWS::EC2::NetworkAclEntry":
		m.aclEntry(r, p)
	case "AWS::EC2::FlowLog":
		m.flowLog(r, p)
	case "AWS::RDS::DBInstance":
		m.dbInstance(r, p)
	case "AWS::IAM::Policy":
		m.iamPolicy(r, p)
	case "AWS::IAM::ManagedPolicy":
		m.managedPolicy(r, p)
	case "AWS::IAM::UserToGroupAddition":
		m.userToGroup(r, p)
	}
}

// ---- value conversion -------------------------------------------------

// str reads a string property. absent is the documented default (nil: none,
// the value is then unknown).
func (m *mapper) str(r *resource, p *val, key string, absent *string) model.String {
	v := p.get(key)
	if v == nil {
		if absent != nil {
			return model.Known(*absent, m.src(r).At("Properties."+key))
		}
		return model.Unknown[string](key+" is not set in the template", m.src(r).At("Properties."+key))
	}
	return m.strVal(r, v, key)
}

func (m *mapper) strVal(r *resource, v *val, path string) model.String {
	src := m.at(r, v, path)
	switch {
	case v.secret:
		return model.Unknown[string]("value comes from a NoEcho parameter", src)
	case v.kind == kUnknown:
		return model.Unknown[string](v.str, src)
	case v.scalar():
		return model.Known(v.str, src)
	}
	return model.Unknown[string](path+" is not a string", src)
}

func (m *mapper) boolean(r *resource, p *val, key string, absent *bool) model.Bool {
	v := p.get(key)
	if v == nil {
		if absent != nil {
			return model.Known(*absent, m.src(r).At("Properties."+key))
		}
		return model.Unknown[bool](key+" is not set in the template", m.src(r).At("Properties."+key))
	}
	return m.boolVal(r, v, key)
}

func (m *mapper) boolVal(r *resource, v *val, path string) model.Bool {
	s := m.strVal(r, v, path)
	text, ok := s.Get()
	if !ok {
		return model.Unknown[bool](s.Reason(), s.Source())
	}
	switch strings.ToLower(text) {
	case "true":
		return model.Known(true, s.Source())
	case "false":
		return model.Known(false, s.Source())
	}
	m.t.warn(v.line, v.col, "resource %s: %s is %q, not a boolean", r.id, path, text)
	return model.Unknown[bool](path+" is not a boolean", s.Source())
}

func ptr[T any](v T) *T { return &v }

// text is a plain string or "" (names, IDs for joins and display).
func text(v *val) string {
	if v == nil || v.secret {
		return ""
	}
	s, _ := v.text()
	return s
}

// target names the template resource a property points at: the logical ID
// from Ref/GetAtt, or a literal name; ok false when it is unknown.
func target(v *val) (logical, name string, ok bool) {
	if v == nil {
		return "", "", false
	}
	if v.ref != "" {
		return v.ref, "", true
	}
	if s, isText := v.text(); isText {
		return "", s, true
	}
	return "", "", false
}

// ---- S3 ------------------------------------------------------------------

func (m *mapper) bucket(r *resource, p *val) {
	name := text(p.get("BucketName"))
	id := m.identity(r, p, name)
	arnName := name
	if arnName == "" {
		arnName = "${" + r.id + "}"
		if nv := p.get("BucketName"); nv != nil && nv.sym != "" {
			arnName = nv.sym
		}
	}
	// Without a name CloudFormation generates one: the symbolic ARN matches
	// what !GetAtt Bucket.Arn gives in policies of the same template.
	id.ARN = "arn:" + m.t.partition() + ":s3:::" + arnName
	b := &awsm.Bucket{Identity: id}
	b.Owner = model.Unknown[string]("the owner is the deploying account", m.src(r))
	b.Policy = model.Known[*awsm.PolicyDocument](nil, m.src(r))

	// Encryption: since January 2023 S3 encrypts every new bucket with SSE-S3
	// when BucketEncryption is absent.
	if enc := p.get("BucketEncryption"); enc != nil {
		b.Encryption = m.bucketEncryption(r, enc)
	} else {
		b.Encryption = model.Known(&awsm.BucketEncryption{SSEAlgorithm: "AES256", Source: m.src(r)}, m.src(r))
	}

	// Block Public Access: all four on for new buckets since April 2023 when
	// the property is absent; a given configuration's missing fields are false.
	pab := p.get("PublicAccessBlockConfiguration")
	if pab == nil {
		on := model.Known(true, m.src(r).At("Properties.PublicAccessBlockConfiguration"))
		b.PublicAccessBlock = awsm.PublicAccessBlock{Configured: on, BlockPublicAcls: on, IgnorePublicAcls: on, BlockPublicPolicy: on, RestrictPublicBuckets: on}
	} else {
		f := ptr(false)
		b.PublicAccessBlock = awsm.PublicAccessBlock{
			Configured:            model.Known(true, m.at(r, pab, "PublicAccessBlockConfiguration")),
			BlockPublicAcls:       m.subBool(r, pab, "PublicAccessBlockConfiguration", "BlockPublicAcls", f),
			IgnorePublicAcls:      m.subBool(r, pab, "PublicAccessBlockConfiguration", "IgnorePublicAcls", f),
			BlockPublicPolicy:     m.subBool(r, pab, "PublicAccessBlockConfiguration", "BlockPublicPolicy", f),
			RestrictPublicBuckets: m.subBool(r, pab, "PublicAccessBlockConfiguration", "RestrictPublicBuckets", f),
		}
	}

	if vc := p.get("VersioningConfiguration"); vc != nil {
		b.Versioning = m.subStr(r, vc, "VersioningConfiguration", "Status", nil)
	} else {
		b.Versioning = model.Known("", m.src(r).At("Properties.VersioningConfiguration"))
	}
	b.MFADelete = model.Known("", m.src(r))

	if lc := p.get("LoggingConfiguration"); lc != nil {
		// Without DestinationBucketName the bucket logs to itself.
		self := name
		if self == "" {
			self = arnName
		}
		b.LoggingTarget = m.subStr(r, lc, "LoggingConfiguration", "DestinationBucketName", &self)
		if d := lc.get("DestinationBucketName"); d != nil && d.kind == kUnknown && d.sym != "" {
			// A bucket of this template: logging is on, whatever its name.
			b.LoggingTarget = model.Known(d.sym, m.at(r, d, "LoggingConfiguration.DestinationBucketName"))
		}
	} else {
		b.LoggingTarget = model.Known("", m.src(r).At("Properties.LoggingConfiguration"))
	}

	acl := m.str(r, p, "AccessControl", ptr("Private"))
	if canned, ok := acl.Get(); ok {
		b.ACL = model.Known(cannedGrants(canned, acl.Source()), acl.Source())
		if !knownCanned[canned] {
			m.t.warn(r.keyLine, 1, "resource %s: AccessControl %q is not a canned ACL", r.id, canned)
			b.ACL = model.Unknown[[]awsm.Grant]("AccessControl "+canned+" is not a canned ACL", acl.Source())
		}
	} else {
		b.ACL = model.Unknown[[]awsm.Grant](acl.Reason(), acl.Source())
	}
	m.buckets[r.id] = b
	m.inv.Buckets = append(m.inv.Buckets, b)
}

func (m *mapper) subBool(r *resource, parent *val, path, key string, absent *bool) model.Bool {
	v := parent.get(key)
	if v == nil {
		if absent != nil {
			return model.Known(*absent, m.at(r, parent, path))
		}
		return model.Unknown[bool](path+"."+key+" is not set", m.at(r, parent, path))
	}
	return m.boolVal(r, v, path+"."+key)
}

func (m *mapper) subStr(r *resource, parent *val, path, key string, absent *string) model.String {
	v := parent.get(key)
	if v == nil {
		if absent != nil {
			return model.Known(*absent, m.at(r, parent, path))
		}
		return model.Unknown[string](path+"."+key+" is not set", m.at(r, parent, path))
	}
	return m.strVal(r, v, path+"."+key)
}

func (m *mapper) bucketEncryption(r *resource, enc *val) model.Value[*awsm.BucketEncryption] {
	src := m.at(r, enc, "BucketEncryption")
	if enc.kind == kUnknown {
		return model.Unknown[*awsm.BucketEncryption](enc.str, src)
	}
	rules := enc.get("ServerSideEncryptionConfiguration")
	if rules == nil || rules.kind != kList || len(rules.list) == 0 {
		if rules != nil && rules.kind == kUnknown {
			return model.Unknown[*awsm.BucketEncryption](rules.str, src)
		}
		return model.Known[*awsm.BucketEncryption](nil, src)
	}
	rule := rules.list[0]
	def := rule.get("ServerSideEncryptionByDefault")
	if def == nil {
		return model.Known[*awsm.BucketEncryption](nil, src)
	}
	alg := m.strVal(r, def.get("SSEAlgorithm"), "BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm")
	if def.get("SSEAlgorithm") == nil {
		alg = model.Unknown[string]("SSEAlgorithm is not set", src)
	}
	a, ok := alg.Get()
	if !ok {
		return model.Unknown[*awsm.BucketEncryption](alg.Reason(), alg.Source())
	}
	be := &awsm.BucketEncryption{SSEAlgorithm: a, Source: alg.Source()}
	if k := def.get("KMSMasterKeyID"); k != nil {
		be.KMSMasterKeyID = text(k)
		if be.KMSMasterKeyID == "" && k.sym != "" {
			be.KMSMasterKeyID = k.sym
		}
	}
	be.BucketKeyEnabled = strings.EqualFold(text(rule.get("BucketKeyEnabled")), "true")
	return model.Known(be, src)
}

var knownCanned = map[string]bool{
	"Private": true, "PublicRead": true, "PublicReadWrite": true, "AuthenticatedRead": true,
	"LogDeliveryWrite": true, "BucketOwnerRead": true, "BucketOwnerFullControl": true, "AwsExecRead": true,
}

const (
	allUsers      = "http://acs.amazonaws.com/groups/global/AllUsers"
	authUsers     = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
	logDelivery   = "http://acs.amazonaws.com/groups/s3/LogDelivery"
	ownerGrantee  = "CanonicalUser"
	groupGrantee  = "Group"
	fullControl   = "FULL_CONTROL"
	ownerIDUnknow = "" // the owner's canonical ID is known at deploy time
)

// cannedGrants expands a canned ACL into the grants S3 stores for it.
func cannedGrants(canned string, src model.Source) []awsm.Grant {
	owner := awsm.Grant{GranteeType: ownerGrantee, ID: ownerIDUnknow, Permission: fullControl, Source: src}
	g := func(uri, perm string) awsm.Grant {
		return awsm.Grant{GranteeType: groupGrantee, URI: uri, Permission: perm, Source: src}
	}
	out := []awsm.Grant{owner}
	switch canned {
	case "PublicRead":
		out = append(out, g(allUsers, "READ"))
	case "PublicReadWrite":
		out = append(out, g(allUsers, "READ"), g(allUsers, "WRITE"))
	case "AuthenticatedRead":
		out = append(out, g(authUsers, "READ"))
	case "LogDeliveryWrite":
		out = append(out, g(logDelivery, "WRITE"), g(logDelivery, "READ_ACP"))
	}
	return out
}

func (m *mapper) bucketPolicy(r *resource, p *val) {
	bv := p.get("Bucket")
	logical, name, ok := target(bv)
	doc := m.policy(r, p.get("PolicyDocument"), "PolicyDocument")
	if !ok {
		reason := "Bucket is not set"
		if bv != nil {
			reason = bv.str
		}
		m.t.warn(r.keyLine, 1, "bucket policy %s: its bucket is unknown (%s); buckets of this template without a policy get an unknown policy", r.id, reason)
		m.unresolvedPolicy = unknown("bucket policy "+r.id+" names a bucket that is unknown: "+reason, r.keyLine, 1)
		return
	}
	b := m.buckets[logical]
	if b == nil && name != "" {
		for _, x := range m.buckets {
			if x.Name == name {
				b = x
			}
		}
	}
	if b == nil {
		// A bucket of another stack, or dropped by its condition.
		return
	}
	b.Policy = doc
}

// policy turns an evaluated policy document into the model's document,
// keeping the document's lines. Unknown parts make it unknown, except
// symbolic names of this template's resources and pseudo parameters, which
// cannot be "*".
func (m *mapper) policy(r *resource, v *val, path string) awsm.Policy {
	if v == nil {
		return model.Unknown[*awsm.PolicyDocument](path+" is not set", m.src(r))
	}
	src := m.at(r, v, path)
	src.EndLine = max(v.endLine(), src.StartLine)
	if v.kind == kUnknown {
		return model.Unknown[*awsm.PolicyDocument](v.str, src)
	}
	if v.kind == kString {
		// A JSON string is allowed too.
		doc, err := awsm.ParsePolicy([]byte(v.str), src)
		if err != nil {
			m.t.warn(v.line, v.col, "resource %s: %s: %v", r.id, path, err)
			return model.Unknown[*awsm.PolicyDocument]("policy document does not parse: "+err.Error(), src)
		}
		return model.Known(doc, src)
	}
	data, why := v.toJSON("", func(string) bool { return true })
	if why != "" {
		return model.Unknown[*awsm.PolicyDocument]("policy document has an unknown value at "+why, src)
	}
	doc, err := awsm.ParsePolicy(data, src)
	if err != nil {
		m.t.warn(v.line, v.col, "resource %s: %s: %v", r.id, path, err)
		return model.Unknown[*awsm.PolicyDocument]("policy document does not parse: "+err.Error(), src)
	}
	return model.Known(doc, src)
}

// ---- EC2 -----------------------------------------------------------------

func (m *mapper) securityGroup(r *resource, p *val) {
	sg := &awsm.SecurityGroup{Identity: m.identity(r, p, text(p.get("GroupName")))}
	sg.VPCID = text(p.get("VpcId"))
	sg.Description = text(p.get("GroupDescription"))
	st := &sgState{sg: sg, src: m.src(r)}
	if in := p.get("SecurityGroupIngress"); in != nil {
		st.unkIn = m.sgRules(r, in, "SecurityGroupIngress", false, &st.ingress)
	}
	if out := p.get("SecurityGroupEgress"); out != nil {
		st.unkOut = m.sgRules(r, out, "SecurityGroupEgress", true, &st.egress)
	} else {
		// CloudFormation creates VPC groups with the allow-all egress rule.
		st.defaultEgress = true
	}
	m.sgs[r.id] = st
	m.inv.SecurityGroups = append(m.inv.SecurityGroups, sg)
}

// sgRules reads a list of inline rules; the first unknown value that
// matters is returned (the list is then unknown).
func (m *mapper) sgRules(r *resource, list *val, path string, egress bool, out *[]awsm.SGRule) *val {
	if list.kind == kUnknown {
		return list
	}
	if list.kind != kList {
		m.t.warn(list.line, list.col, "resource %s: %s is not a list", r.id, path)
		return unknown(path+" is not a list", list.line, list.col)
	}
	for i, e := range list.list {
		if e.kind == kUnknown {
			return e
		}
		rule, unk := m.sgRule1(r, e, path+"["+strconv.Itoa(i)+"]", egress)
		if unk != nil && rule.Unresolved == "" {
			return unk
		}
		*out = append(*out, rule)
	}
	return nil
}

func (m *mapper) sgRule1(r *resource, e *val, path string, egress bool) (awsm.SGRule, *val) {
	rule := awsm.SGRule{Source: m.at(r, e, path), FromPort: -1, ToPort: -1}
	if e.line > 0 {
		rule.Source.EndLine = max(e.endLine(), e.line)
	}
	proto := e.get("IpProtocol")
	if proto == nil || !proto.known() || proto.secret {
		if proto == nil {
			return rule, unknown(path+".IpProtocol is not set", e.line, e.col)
		}
		return rule, proto
	}
	rule.Protocol = strings.ToLower(proto.str)
	// An unknown port or peer marks the rule (Unresolved) so the group's
	// other rules stay known; sgRules keeps such a rule.
	mark := func(v *val, ports bool) {
		reason := v.str
		if v.kind != kUnknown || reason == "" {
			reason = path + " has a value that is not known"
		}
		if rule.Unresolved == "" {
			rule.Unresolved = reason
			if v.line > 0 { // point at the value that is waited for
				rule.Source.StartLine, rule.Source.EndLine = v.line, v.line
			}
		}
		if ports {
			rule.PortsUnknown = true
		} else {
			rule.PeersUnknown = true
		}
	}
	for _, pp := range []struct {
		key string
		dst *int64
	}{{"FromPort", &rule.FromPort}, {"ToPort", &rule.ToPort}} {
		v := e.get(pp.key)
		if v == nil {
			continue
		}
		if !v.known() {
			mark(v, true)
			continue
		}
		if v.secret {
			mark(unknown(path+"."+pp.key+" comes from a NoEcho parameter", v.line, v.col), true)
			continue
		}
		n, err := strconv.ParseInt(v.str, 10, 64)
		if err != nil {
			m.t.warn(v.line, v.col, "resource %s: %s.%s is %q, not a number", r.id, path, pp.key, v.str)
			return rule, unknown(path+"."+pp.key+" is not a number", v.line, v.col)
		}
		*pp.dst = n
	}
	if rule.Protocol != "-1" && rule.Protocol != "all" && e.get("FromPort") == nil && e.get("ToPort") == nil &&
		(rule.Protocol == "tcp" || rule.Protocol == "udp" || rule.Protocol == "6" || rule.Protocol == "17") {
		rule.FromPort, rule.ToPort = 0, 65535
	}
	peer := func(key string, dst *[]string) *val {
		v := e.get(key)
		if v == nil {
			return nil
		}
		if v.ref != "" {
			*dst = append(*dst, "${"+v.ref+"}")
			return nil
		}
		if !v.known() {
			if v.sym != "" {
				*dst = append(*dst, v.sym)
				return nil
			}
			return v
		}
		*dst = append(*dst, v.str)
		return nil
	}
	cidr, cidr6 := "CidrIp", "CidrIpv6"
	sgKey := "SourceSecurityGroupId"
	plKey := "SourcePrefixListId"
	if egress {
		sgKey, plKey = "DestinationSecurityGroupId", "DestinationPrefixListId"
	}
	for _, k := range []struct {
		key string
		dst *[]string
	}{{cidr, &rule.IPv4Ranges}, {cidr6, &rule.IPv6Ranges}, {sgKey, &rule.GroupIDs}, {"SourceSecurityGroupName", &rule.GroupIDs}, {plKey, &rule.PrefixListIDs}} {
		if unk := peer(k.key, k.dst); unk != nil {
			mark(unk, false)
		}
	}
	return rule, nil
}

func (m *mapper) sgRule(r *resource, p *val, egress bool) {
	var st *sgState
	gv := p.get("GroupId")
	if gv == nil {
		gv = p.get("GroupName")
	}
	if logical, name, ok := target(gv); ok {
		st = m.sgs[logical]
		if st == nil && name != "" {
			for _, x := range m.sgs {
				if x.sg.Name == name {
					st = x
				}
			}
		}
		if st == nil {
			return // a group of another stack
		}
	} else {
		reason := "GroupId is not set"
		if gv != nil {
			reason = gv.str
		}
		m.t.warn(r.keyLine, 1, "%s %s: its security group is unknown (%s)", r.typ, r.id, reason)
		m.unresolvedSGRule = unknown(r.typ+" "+r.id+" names a security group that is unknown: "+reason, r.keyLine, 1)
		return
	}
	rule, unk := m.sgRule1(r, p, "", egress)
	rule.Source = m.src(r)
	if egress {
		if unk != nil && st.unkOut == nil {
			st.unkOut = unk
		}
		st.egress = append(st.egress, rule)
		return
	}
	if unk != nil && st.unkIn == nil {
		st.unkIn = unk
	}
	st.ingress = append(st.ingress, rule)
}

func (m *mapper) networkACL(r *resource, p *val) {
	acl := &awsm.NetworkACL{Identity: m.identity(r, p, "")}
	acl.VPCID = text(p.get("VpcId"))
	acl.IsDefault = model.Known(false, m.src(r))
	m.acls[r.id] = &aclState{acl: acl}
	m.inv.NetworkACLs = append(m.inv.NetworkACLs, acl)
}

func (m *mapper) aclEntry(r *resource, p *val) {
	logical, name, ok := target(p.get("NetworkAclId"))
	if !ok {
		m.t.warn(r.keyLine, 1, "network ACL entry %s: its network ACL is unknown", r.id)
		m.unresolvedACLEntry = unknown("network ACL entry "+r.id+" names an ACL that is unknown", r.keyLine, 1)
		return
	}
	st := m.acls[logical]
	if st == nil {
		_ = name
		return
	}
	e := awsm.ACLEntry{Source: m.src(r)}
	fail := func(v *val) {
		if st.unk == nil {
			st.unk = v
		}
	}
	num := func(key string, dst *int64, required bool) {
		v := p.get(key)
		if v == nil {
			if required {
				fail(unknown(r.id+"."+key+" is not set", r.keyLine, 1))
			}
			return
		}
		if !v.known() {
			fail(v)
			return
		}
		n, err := strconv.ParseInt(v.str, 10, 64)
		if err != nil {
			fail(unknown(r.id+"."+key+" is not a number", v.line, v.col))
			return
		}
		*dst = n
	}
	num("RuleNumber", &e.RuleNumber, true)
	var proto int64
	num("Protocol", &proto, true)
	e.Protocol = strconv.FormatInt(proto, 10)
	eg := m.boolean(r, p, "Egress", ptr(false))
	e.Egress = eg.Or(false)
	if !eg.Known() {
		fail(unknown(eg.Reason(), r.keyLine, 1))
	}
	action := m.str(r, p, "RuleAction", nil)
	if a, ok := action.Get(); ok {
		e.Allow = strings.EqualFold(a, "allow")
	} else {
		fail(unknown(action.Reason(), r.keyLine, 1))
	}
	for _, c := range []struct {
		key string
		dst *string
	}{{"CidrBlock", &e.CIDR}, {"Ipv6CidrBlock", &e.IPv6CIDR}} {
		if v := p.get(c.key); v != nil {
			if !v.known() {
				fail(v)
			}
			*c.dst = text(v)
		}
	}
	e.FromPort, e.ToPort = 0, 65535
	if pr := p.get("PortRange"); pr != nil && proto != -1 {
		if pr.kind == kUnknown {
			fail(pr)
		}
		for _, k := range []struct {
			key string
			dst *int64
		}{{"From", &e.FromPort}, {"To", &e.ToPort}} {
			v := pr.get(k.key)
			if v == nil {
				continue
			}
			if !v.known() {
				fail(v)
				continue
			}
			n, err := strconv.ParseInt(v.str, 10, 64)
			if err != nil {
				fail(unknown("PortRange."+k.key+" is not a number", v.line, v.col))
				continue
			}
			*k.dst = n
		}
	}
	st.entries = append(st.entries, e)
}

func (m *mapper) vpc(r *resource, p *val) {
	v := &awsm.VPC{Identity: m.identity(r, p, "")}
	v.IsDefault = model.Known(false, m.src(r))
	v.CIDRBlock = m.str(r, p, "CidrBlock", nil)
	m.vpcs[r.id] = v
	m.inv.VPCs = append(m.inv.VPCs, v)
}

func (m *mapper) flowLog(r *resource, p *val) {
	rt := text(p.get("ResourceType"))
	if rt != "" && rt != "VPC" {
		return // subnet or ENI flow logs do not cover a whole VPC
	}
	logical, _, ok := target(p.get("ResourceId"))
	if !ok {
		m.t.warn(r.keyLine, 1, "flow log %s: its VPC is unknown", r.id)
		m.unresolvedFlowLog = unknown("flow log "+r.id+" names a VPC that is unknown", r.keyLine, 1)
		return
	}
	v := m.vpcs[logical]
	if v == nil {
		return
	}
	fl := awsm.FlowLog{ID: r.id, Status: "ACTIVE", TrafficType: text(p.get("TrafficType")), Source: m.src(r)}
	fl.Destination = text(p.get("LogDestination"))
	if fl.Destination == "" {
		fl.Destination = text(p.get("LogGroupName"))
	}
	m.flowLogs[v] = append(m.flowLogs[v], fl)
}

func (m *mapper) instance(r *resource, p *val) {
	name := ""
	if id := m.identity(r, p, ""); id.Tags.Known() {
		name = id.Tags.Or(nil)["Name"]
	}
	in := &awsm.Instance{Identity: m.identity(r, p, name)}
	in.State = model.Unknown[string]("the instance state is known after deployment", m.src(r))
	in.SubnetID = text(p.get("SubnetId"))
	reason := "AWS::EC2::Instance has no MetadataOptions: HttpTokens comes from the AMI's ImdsSupport or the account's IMDS defaults"
	if lt := p.get("LaunchTemplate"); lt != nil {
		reason = "MetadataOptions come from the instance's launch template, which is not evaluated"
	}
	in.MetadataHTTPTokens = model.Unknown[string](reason, m.src(r))
	in.MetadataHTTPEndpoint = model.Unknown[string](reason, m.src(r))
	in.PublicIP = model.Unknown[string]("assigned at launch", m.src(r))
	in.PrivateIP = model.Unknown[string]("assigned at launch", m.src(r))
	in.InstanceProfile = m.str(r, p, "IamInstanceProfile", ptr(""))
	for _, key := range []string{"SecurityGroupIds", "SecurityGroups"} {
		if l := p.get(key); l != nil && l.kind == kList {
			for _, e := range l.list {
				if e.ref != "" {
					in.SecurityGroupIDs = append(in.SecurityGroupIDs, "${"+e.ref+"}")
				} else if s := text(e); s != "" {
					in.SecurityGroupIDs = append(in.SecurityGroupIDs, s)
				}
			}
		}
	}
	m.inv.Instances = append(m.inv.Instances, in)
}

func (m *mapper) volume(r *resource, p *val) {
	v := &awsm.Volume{Identity: m.identity(r, p, "")}
	// Encrypted defaults to false: the account's EBS encryption by default
	// may still encrypt it, but that is not in the template (and has its own
	// check); a template that relies on it fails here.
	v.Encrypted = m.boolean(r, p, "Encrypted", ptr(false))
	v.KMSKeyID = m.str(r, p, "KmsKeyId", ptr(""))
	if s := p.get("SnapshotId"); s != nil && p.get("Encrypted") == nil {
		v.Encrypted = model.Unknown[bool]("Encrypted is not set: the volume inherits the encryption of snapshot "+text(s), m.src(r))
	}
	v.State = model.Unknown[string]("known after deployment", m.src(r))
	v.Size = model.Unknown[int64]("not read", m.src(r))
	if sz := p.get("Size"); sz != nil && sz.known() {
		if n, err := strconv.ParseInt(sz.str, 10, 64); err == nil {
			v.Size = model.Known(n, m.at(r, sz, "Size"))
		}
	}
	m.inv.Volumes = append(m.inv.Volumes, v)
}

// ---- RDS -----------------------------------------------------------------

func (m *mapper) paramGroup(r *resource, p *val) {
	pg := &awsm.DBParameterGroup{Name: text(p.get("DBParameterGroupName"))}
	if pg.Name == "" {
		pg.Name = r.id
	}
	ps := p.get("Parameters")
	params := map[string]awsm.DBParameter{}
	switch {
	case ps == nil:
		pg.Parameters = model.Known(params, m.src(r))
	case ps.kind == kUnknown:
		pg.Parameters = model.Unknown[map[string]awsm.DBParameter](ps.str, m.at(r, ps, "Parameters"))
	case ps.kind == kMap:
		for _, k := range ps.keys {
			v := ps.m[k]
			params[k] = awsm.DBParameter{Value: m.strVal(r, v, "Parameters."+k), Source: m.at(r, v, "Parameters."+k)}
		}
		pg.Parameters = model.Known(params, m.at(r, ps, "Parameters"))
	default:
		pg.Parameters = model.Unknown[map[string]awsm.DBParameter]("Parameters is not a mapping", m.at(r, ps, "Parameters"))
	}
	m.pgs[r.id] = pg
}

func (m *mapper) dbInstance(r *resource, p *val) {
	db := &awsm.DBInstance{Identity: m.identity(r, p, text(p.get("DBInstanceIdentifier")))}
	db.Engine = m.str(r, p, "Engine", nil)
	db.EngineVersion = m.str(r, p, "EngineVersion", nil)
	if e, ok := db.Engine.Get(); ok {
		db.Engine = model.Known(strings.ToLower(e), db.Engine.Source())
	}
	db.KMSKeyID = m.str(r, p, "KmsKeyId", ptr(""))
	db.MultiAZ = m.boolean(r, p, "MultiAZ", ptr(false))
	db.AutoMinorVersionUpgrade = m.boolean(r, p, "AutoMinorVersionUpgrade", ptr(true))
	db.StorageEncrypted = m.boolean(r, p, "StorageEncrypted", ptr(false))
	switch {
	case p.get("DBClusterIdentifier") != nil:
		db.StorageEncrypted = model.Unknown[bool]("storage encryption of an Aurora instance is set on its DB cluster", m.src(r))
	case p.get("StorageEncrypted") == nil && (p.get("DBSnapshotIdentifier") != nil || p.get("SourceDBInstanceIdentifier") != nil):
		db.StorageEncrypted = model.Unknown[bool]("StorageEncrypted is not set: inherited from the source snapshot or instance", m.src(r))
	case p.get("StorageEncrypted") == nil && p.get("KmsKeyId") != nil:
		// A KMS key implies encryption.
		db.StorageEncrypted = model.Known(true, m.at(r, p.get("KmsKeyId"), "KmsKeyId"))
	}
	// PubliclyAccessible's default depends on the subnet group's VPC
	// (default VPC with an internet gateway: public), not in the template.
	if p.get("PubliclyAccessible") != nil {
		db.PubliclyAccessible = m.boolean(r, p, "PubliclyAccessible", nil)
	} else {
		db.PubliclyAccessible = model.Unknown[bool]("PubliclyAccessible is not set: the default depends on the DB subnet group's VPC", m.src(r))
	}
	pgv := p.get("DBParameterGroupName")
	switch logical, name, ok := target(pgv); {
	case pgv == nil:
		db.ParameterGroups = []awsm.DBParameterGroup{{Name: "default", Parameters: model.Known(map[string]awsm.DBParameter{}, m.src(r))}}
	case !ok:
		db.ParameterGroups = []awsm.DBParameterGroup{{Name: "?", Parameters: model.Unknown[map[string]awsm.DBParameter](pgv.str, m.at(r, pgv, "DBParameterGroupName"))}}
	case m.pgs[logical] != nil:
		db.ParameterGroups = []awsm.DBParameterGroup{*m.pgs[logical]}
	default:
		found := false
		for _, pg := range m.pgs {
			if name != "" && pg.Name == name {
				db.ParameterGroups = []awsm.DBParameterGroup{*pg}
				found = true
			}
		}
		if !found {
			db.ParameterGroups = []awsm.DBParameterGroup{{Name: name, Parameters: model.Unknown[map[string]awsm.DBParameter](
				"DB parameter group "+name+" is not in the template", m.at(r, pgv, "DBParameterGroupName"))}}
		}
	}
	m.inv.DBInstances = append(m.inv.DBInstances, db)
}

// ---- KMS, CloudTrail, GuardDuty ----------------------------------------

func (m *mapper) kmsKey(r *resource, p *val) {
	k := &awsm.KMSKey{Identity: m.identity(r, p, "")}
	k.Manager = model.Known("CUSTOMER", m.src(r))
	en := m.boolean(r, p, "Enabled", ptr(true))
	if on, ok := en.Get(); ok {
		k.State = model.Known(map[bool]string{true: "Enabled", false: "Disabled"}[on], en.Source())
	} else {
		k.State = model.Unknown[string](en.Reason(), en.Source())
	}
	k.KeySpec = m.str(r, p, "KeySpec", ptr("SYMMETRIC_DEFAULT"))
	k.KeyUsage = m.str(r, p, "KeyUsage", ptr("ENCRYPT_DECRYPT"))
	k.Origin = m.str(r, p, "Origin", ptr("AWS_KMS"))
	k.RotationEnabled = m.boolean(r, p, "EnableKeyRotation", ptr(false))
	m.kmsKeyPolicy(r, p, k)
	m.inv.KMSKeys = append(m.inv.KMSKeys, k)
}

func (m *mapper) trail(r *resource, p *val) {
	t := &awsm.Trail{Identity: m.identity(r, p, text(p.get("TrailName")))}
	t.HomeRegion = m.t.opts.Region
	t.IsMultiRegion = m.boolean(r, p, "IsMultiRegionTrail", ptr(false))
	t.IsOrganizationTrail = m.boolean(r, p, "IsOrganizationTrail", ptr(false))
	t.LogFileValidation = m.boolean(r, p, "EnableLogFileValidation", ptr(false))
	t.IncludeGlobalEvents = m.boolean(r, p, "IncludeGlobalServiceEvents", ptr(true))
	t.KMSKeyID = m.str(r, p, "KMSKeyId", ptr(""))
	if k := p.get("KMSKeyId"); k != nil && k.kind == kUnknown && k.sym != "" {
		// A key of this template: set, whatever its ID will be.
		t.KMSKeyID = model.Known(k.sym, m.at(r, k, "KMSKeyId"))
	}
	t.S3BucketName = m.str(r, p, "S3BucketName", nil)
	t.CloudWatchLogsGroupARN = m.str(r, p, "CloudWatchLogsLogGroupArn", ptr(""))
	t.IsLogging = m.boolean(r, p, "IsLogging", nil)
	if es := p.get("EventSelectors"); es != nil {
		t.EventSelectors = m.eventSelectors(r, es)
	} else if p.get("AdvancedEventSelectors") == nil {
		// CloudTrail's default: all management events, read and write.
		t.EventSelectors = model.Known([]awsm.EventSelector{{ReadWriteType: "All", IncludeManagementEvents: true, Source: m.src(r)}}, m.src(r))
	} else {
		t.EventSelectors = model.Known[[]awsm.EventSelector](nil, m.src(r))
	}
	if as := p.get("AdvancedEventSelectors"); as != nil {
		t.AdvancedSelectors = m.advancedSelectors(r, as)
	} else {
		t.AdvancedSelectors = model.Known[[]awsm.AdvancedEventSelector](nil, m.src(r))
	}
	m.trails = append(m.trails, t)
}

func (m *mapper) eventSelectors(r *resource, es *val) model.Value[[]awsm.EventSelector] {
	src := m.at(r, es, "EventSelectors")
	if es.kind != kList {
		return model.Unknown[[]awsm.EventSelector](orReason(es, "EventSelectors is not a list"), src)
	}
	var out []awsm.EventSelector
	for _, e := range es.list {
		s := awsm.EventSelector{ReadWriteType: "All", IncludeManagementEvents: true, Source: m.at(r, e, "EventSelectors")}
		if v := e.get("ReadWriteType"); v != nil {
			if !v.known() {
				return model.Unknown[[]awsm.EventSelector](v.str, src)
			}
			s.ReadWriteType = v.str
		}
		if v := e.get("IncludeManagementEvents"); v != nil {
			if !v.known() {
				return model.Unknown[[]awsm.EventSelector](v.str, src)
			}
			s.IncludeManagementEvents = strings.EqualFold(v.str, "true")
		}
		if drs := e.get("DataResources"); drs != nil && drs.kind == kList {
			for _, d := range drs.list {
				dr := awsm.DataResource{Type: text(d.get("Type"))}
				if vs := d.get("Values"); vs != nil && vs.kind == kList {
					for _, x := range vs.list {
						dr.Values = append(dr.Values, text(x))
					}
				}
				s.DataResources = append(s.DataResources, dr)
			}
		}
		out = append(out, s)
	}
	return model.Known(out, src)
}

func (m *mapper) advancedSelectors(r *resource, as *val) model.Value[[]awsm.AdvancedEventSelector] {
	src := m.at(r, as, "AdvancedEventSelectors")
	if as.kind != kList {
		return model.Unknown[[]awsm.AdvancedEventSelector](orReason(as, "AdvancedEventSelectors is not a list"), src)
	}
	var out []awsm.AdvancedEventSelector
	for _, e := range as.list {
		s := awsm.AdvancedEventSelector{Name: text(e.get("Name")), Source: m.at(r, e, "AdvancedEventSelectors")}
		fs := e.get("FieldSelectors")
		if fs == nil || fs.kind != kList {
			return model.Unknown[[]awsm.AdvancedEventSelector](orReason(fs, "FieldSelectors is not a list"), src)
		}
		for _, f := range fs.list {
			sel := awsm.FieldSelector{Field: text(f.get("Field"))}
			for _, c := range []struct {
				key string
				dst *[]string
			}{{"Equals", &sel.Equals}, {"NotEquals", &sel.NotEquals}, {"StartsWith", &sel.StartsWith},
				{"NotStartsWith", &sel.NotStartsWith}, {"EndsWith", &sel.EndsWith}, {"NotEndsWith", &sel.NotEndsWith}} {
				l := f.get(c.key)
				if l == nil {
					continue
				}
				if l.kind != kList {
					return model.Unknown[[]awsm.AdvancedEventSelector](orReason(l, c.key+" is not a list"), src)
				}
				for _, x := range l.list {
					if !x.known() {
						return model.Unknown[[]awsm.AdvancedEventSelector](x.str, src)
					}
					*c.dst = append(*c.dst, x.str)
				}
			}
			s.FieldSelectors = append(s.FieldSelectors, sel)
		}
		out = append(out, s)
	}
	return model.Known(out, src)
}

func orReason(v *val, def string) string {
	if v != nil && v.kind == kUnknown {
		return v.str
	}
	return def
}

func (m *mapper) detector(r *resource, p *val) {
	d := &awsm.Detector{Identity: m.identity(r, p, "")}
	en := m.boolean(r, p, "Enable", nil)
	if on, ok := en.Get(); ok {
		d.Status = model.Known(map[bool]string{true: "ENABLED", false: "DISABLED"}[on], en.Source())
	} else {
		d.Status = model.Unknown[string](en.Reason(), en.Source())
	}
	// GuardDuty is judged per region: a template that declares a detector
	// stands for the region it is deployed to.
	region := m.t.opts.Region
	var reg *awsm.Region
	for _, x := range m.inv.Regions {
		if x.Region == region {
			reg = x
		}
	}
	if reg == nil {
		id := region
		if id == "" {
			id = "(deploy region)"
		}
		reg = &awsm.Region{Identity: awsm.Identity{ID: id, Name: id, Region: region, AccountID: m.t.opts.AccountID,
			Partition: m.t.partition(), Source: m.src(r), Address: r.id}}
		reg.EBSEncryptionByDefault = model.Unknown[bool]("an account setting, not in the template", m.src(r))
		reg.GuardDutyDetectors = model.Known([]*awsm.Detector{}, m.src(r))
		m.inv.Regions = append(m.inv.Regions, reg)
	}
	list, _ := reg.GuardDutyDetectors.Get()
	reg.GuardDutyDetectors = model.Known(append(list, d), reg.GuardDutyDetectors.Source())
}

// ---- finishing -----------------------------------------------------------

func (m *mapper) finish() {
	for _, b := range m.buckets {
		if m.unresolvedPolicy != nil {
			if doc, ok := b.Policy.Get(); ok && doc == nil {
				b.Policy = model.Unknown[*awsm.PolicyDocument](m.unresolvedPolicy.str, b.Source)
			}
		}
	}
	for _, st := range m.sgs {
		if m.unresolvedSGRule != nil {
			if st.unkIn == nil {
				st.unkIn = m.unresolvedSGRule
			}
			if st.unkOut == nil {
				st.unkOut = m.unresolvedSGRule
			}
		}
		in := m.rulesValue(st.ingress, st.unkIn, st.src.At("Properties.SecurityGroupIngress"))
		if st.defaultEgress {
			st.egress = append([]awsm.SGRule{{Protocol: "-1", FromPort: -1, ToPort: -1, IPv4Ranges: []string{"0.0.0.0/0"}, Source: st.src}}, st.egress...)
		}
		st.sg.Ingress = in
		st.sg.Egress = m.rulesValue(st.egress, st.unkOut, st.src.At("Properties.SecurityGroupEgress"))
	}
	for _, st := range m.acls {
		if st.unk == nil && m.unresolvedACLEntry != nil {
			st.unk = m.unresolvedACLEntry
		}
		src := st.acl.Source
		if st.unk != nil {
			st.acl.Entries = model.Unknown[[]awsm.ACLEntry](st.unk.str, src)
			continue
		}
		// Every network ACL ends with the default deny-all rules.
		entries := append(st.entries,
			awsm.ACLEntry{RuleNumber: 32767, Protocol: "-1", CIDR: "0.0.0.0/0", FromPort: 0, ToPort: 65535, Source: src},
			awsm.ACLEntry{RuleNumber: 32767, Protocol: "-1", Egress: true, CIDR: "0.0.0.0/0", FromPort: 0, ToPort: 65535, Source: src})
		st.acl.Entries = model.Known(entries, src)
	}
	for _, v := range m.vpcs {
		logs := m.flowLogs[v]
		if len(logs) == 0 && m.unresolvedFlowLog != nil {
			v.FlowLogs = model.Unknown[[]awsm.FlowLog](m.unresolvedFlowLog.str, v.Source)
			continue
		}
		v.FlowLogs = model.Known(logs, v.Source)
	}
	if len(m.trails) > 0 {
		prev, _ := m.inv.Trails.Get()
		m.inv.Trails = model.Known(append(prev, m.trails...), m.trails[0].Source)
	} else if !m.inv.Trails.Known() {
		m.inv.Trails = model.Unknown[[]*awsm.Trail]("no CloudTrail trail in the templates", model.Source{File: m.t.file})
	}
}

func (m *mapper) rulesValue(rules []awsm.SGRule, unk *val, src model.Source) model.Value[[]awsm.SGRule] {
	if unk != nil {
		reason := unk.str
		if unk.kind != kUnknown {
			reason = "a rule has a value that is not known"
		}
		if unk.line > 0 {
			src.StartLine, src.EndLine = unk.line, unk.line
		}
		return model.Unknown[[]awsm.SGRule](reason, src)
	}
	if rules == nil {
		rules = []awsm.SGRule{}
	}
	return model.Known(rules, src)
}
