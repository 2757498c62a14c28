package terraform

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// extraIndex indexes the parents of the resources mapped in this file.
type extraIndex struct {
	keys      map[string]*awsm.KMSKey
	lbs       map[string]*awsm.LoadBalancer
	queues    map[string]*awsm.Queue
	topics    map[string]*awsm.Topic
	functions map[string]*awsm.LambdaFunction
	// permissions are the aws_lambda_permission statements of a function
	// (by function key), rebuilt into its policy as each one is read.
	permissions map[string][]map[string]any
	// permUnknown is why a function's policy is unknown, when it is.
	permUnknown map[string]model.Source
}

func (m *mapper) extraParent(in *instance) {
	switch in.typ {
	case "aws_efs_file_system":
		m.efsFileSystem(in)
	case "aws_rds_cluster":
		m.dbCluster(in)
	case "aws_lb", "aws_alb":
		m.loadBalancer(in)
	case "aws_cloudfront_distribution":
		m.distribution(in)
	case "aws_sqs_queue":
		m.queue(in)
	case "aws_sns_topic":
		m.topic(in)
	case "aws_lambda_function":
		m.lambdaFunction(in)
	}
}

func (m *mapper) extraCompanion(in *instance) {
	switch in.typ {
	case "aws_lb_listener", "aws_alb_listener":
		m.listener(in)
	case "aws_sqs_queue_policy":
		r := m.reader(in)
		if key, ok := m.find(r, "queue_url", "sqs", has(m.x.queues)); ok {
			m.x.queues[key].Policy = m.policy(r, "policy")
		}
	case "aws_sns_topic_policy":
		r := m.reader(in)
		if key, ok := m.find(r, "arn", "sns", has(m.x.topics)); ok {
			m.x.topics[key].Policy = m.policy(r, "policy")
		}
	case "aws_lambda_permission":
		m.lambdaPermission(in)
	case "aws_kms_key_policy":
		r := m.reader(in)
		if key, ok := m.find(r, "key_id", "kms", has(m.x.keys)); ok {
			m.x.keys[key].Policy = m.policy(r, "policy")
		}
	}
}

// efsFileSystem maps aws_efs_file_system. encrypted defaults to false (the
// EFS API's default; only the console pre-ticks encryption), and it can
// only be chosen at creation.
func (m *mapper) efsFileSystem(in *instance) {
	r := m.reader(in)
	name := in.name
	if t, ok := m.tags(in).Get(); ok && t["Name"] != "" {
		name = t["Name"]
	} else if tok := r.plain("creation_token"); tok != "" {
		name = tok
	}
	fs := &awsm.EFSFileSystem{Identity: m.identity(in, name), Encrypted: r.boolean("encrypted", false)}
	m.inv.CIS.EFSFileSystems = append(m.inv.CIS.EFSFileSystems, fs)
}

// dbCluster maps aws_rds_cluster. storage_encrypted defaults to false
// (true for engine_mode serverless, which is always encrypted); a cluster
// restored from a snapshot or replicating another inherits its encryption.
// deletion_protection false, backup_retention_period 1,
// iam_database_authentication_enabled false (provider defaults).
func (m *mapper) dbCluster(in *instance) {
	r := m.reader(in)
	name := r.str("cluster_identifier", "")
	encDefault := r.plain("engine_mode") == "serverless"
	c := &awsm.DBCluster{Identity: m.identity(in, name.Or("")),
		Engine:                r.strAbsent("engine", "engine is not set"),
		EngineVersion:         r.strAbsent("engine_version", "the engine version is chosen by AWS at apply"),
		StorageEncrypted:      r.boolean("storage_encrypted", encDefault),
		KMSKeyID:              r.str("kms_key_id", ""),
		PubliclyAccessible:    r.boolean("publicly_accessible", false),
		DeletionProtection:    r.boolean("deletion_protection", false),
		BackupRetentionPeriod: r.integer("backup_retention_period", 1),
		IAMAuthentication:     r.boolean("iam_database_authentication_enabled", false)}
	for _, from := range []string{"snapshot_identifier", "replication_source_identifier", "restore_to_point_in_time", "s3_import"} {
		if (r.has(from) || len(r.o.blocks[from]) > 0) && !r.has("storage_encrypted") {
			c.StorageEncrypted = model.Unknown[bool]("storage encryption is inherited from "+from, r.src(from))
		}
	}
	m.inv.Network.DBClusters = append(m.inv.Network.DBClusters, c)
}

// listener maps aws_lb_listener. protocol defaults to HTTP (the provider's
// default for Application Load Balancers; Network Load Balancers require
// it). Without ssl_policy, AWS picks its default security policy at
// creation: unknown, not guessed.
func (m *mapper) listener(in *instance) {
	r := m.reader(in)
	l := &awsm.Listener{Identity: m.identity(in, ""), Port: r.integer("port", 0), Protocol: r.str("protocol", "HTTP")}
	if !r.has("port") {
		l.Port = model.Unknown[int64]("port is not set", r.block())
	}
	// The load balancer's ARN exists only after apply: a load balancer of
	// the tree is named by its placeholder ARN (its address).
	if key, ok := m.find(r, "load_balancer_arn", "lb", has(m.x.lbs)); ok {
		l.LoadBalancerARN = m.x.lbs[key].ARN
	} else {
		l.LoadBalancerARN = r.plain("load_balancer_arn")
	}
	l.SSLPolicy = model.Known("", r.block())
	if p, ok := l.Protocol.Get(); !ok || p == "HTTPS" || p == "TLS" {
		l.SSLPolicy = r.strAbsent("ssl_policy", "ssl_policy is not set: AWS applies its default security policy at creation")
	}
	acts, reason := r.blocks("default_action")
	if reason != "" {
		l.DefaultActions = model.Unknown[[]awsm.ListenerAction](reason, r.block())
	} else {
		var out []awsm.ListenerAction
		for _, a := range acts {
			la := awsm.ListenerAction{Type: a.plain("type"), Source: a.block()}
			if rd, ok, _ := a.first("redirect"); ok {
				la.RedirectProtocol = rd.str("protocol", "#{protocol}").Or("")
				la.RedirectPort = rd.str("port", "#{port}").Or("")
			}
			out = append(out, la)
		}
		src := r.block()
		if len(acts) > 0 {
			src = acts[0].block()
		}
		l.DefaultActions = model.Known(out, src)
	}
	m.inv.Network.Listeners = append(m.inv.Network.Listeners, l)
}

// loadBalancer maps aws_lb / aws_alb: load_balancer_type defaults to
// application, internal to false (internet-facing). Its listeners are
// those of the tree (ListenersRead true).
func (m *mapper) loadBalancer(in *instance) {
	r := m.reader(in)
	lb := &awsm.LoadBalancer{Identity: m.identity(in, r.str("name", "").Or("")),
		Type:          r.str("load_balancer_type", "application"),
		DNSName:       model.Unknown[string]("the DNS name is assigned at apply", r.block()),
		ListenersRead: model.Known(true, r.block())}
	lb.ARN = iacPolicyARN(in.key)
	lb.SecurityGroupIDs = r.strings("security_groups").Or(nil)
	if internal := r.boolean("internal", false); !internal.Known() {
		lb.Scheme = model.Unknown[string](internal.Reason(), internal.Source())
	} else if internal.Or(false) {
		lb.Scheme = model.Known("internal", internal.Source())
	} else {
		lb.Scheme = model.Known("internet-facing", internal.Source())
	}
	m.x.lbs = indexed(m.x.lbs, in.key, lb)
	m.remember(in, "lb", lb.Name)
	m.inv.Network.LoadBalancers = append(m.inv.Network.LoadBalancers, lb)
}

// distribution maps aws_cloudfront_distribution: viewer protocol policies
// of the default and ordered cache behaviors, the viewer certificate
// (minimum_protocol_version defaults to TLSv1, the provider and CloudFront
// default), web_acl_id (none by default). The domain name is computed.
func (m *mapper) distribution(in *instance) {
	r := m.reader(in)
	d := &awsm.Distribution{Identity: m.identity(in, ""), Enabled: r.boolean("enabled", true),
		DomainName: model.Unknown[string]("the distribution's domain name is assigned at apply", r.block()),
		WebACLID:   r.str("web_acl_id", "")}
	d.Region = "global"
	d.Aliases = r.strings("aliases").Or(nil)
	var vps []awsm.ViewerPolicy
	var unknown string
	for _, bt := range []string{"default_cache_behavior", "ordered_cache_behavior"} {
		bs, reason := r.blocks(bt)
		if reason != "" {
			unknown = reason
			break
		}
		for _, b := range bs {
			p := b.strAbsent("viewer_protocol_policy", "viewer_protocol_policy is not set (the provider requires it)")
			if !p.Known() {
				unknown = p.Reason()
				break
			}
			path := ""
			if bt == "ordered_cache_behavior" {
				path = b.plain("path_pattern")
			}
			vps = append(vps, awsm.ViewerPolicy{PathPattern: path, Policy: p.Or(""), Source: p.Source()})
		}
	}
	if unknown != "" {
		d.ViewerPolicies = model.Unknown[[]awsm.ViewerPolicy](unknown, r.block())
	} else {
		d.ViewerPolicies = model.Known(vps, r.block())
	}
	vc, ok, reason := r.first("viewer_certificate")
	switch {
	case reason != "":
		d.DefaultCertificate = model.Unknown[bool](reason, r.block())
		d.MinimumProtocolVersion = model.Unknown[string](reason, r.block())
	case !ok:
		d.DefaultCertificate = model.Known(true, r.block())
		d.MinimumProtocolVersion = model.Known("TLSv1", r.block())
	default:
		d.DefaultCertificate = vc.boolean("cloudfront_default_certificate", false)
		d.MinimumProtocolVersion = vc.str("minimum_protocol_version", "TLSv1")
	}
	m.inv.Network.Distributions = append(m.inv.Network.Distributions, d)
}

// iacARN is the ARN of a resource whose name is not literal: a printable
// placeholder built from the address (checks need some resource ARN).
func (m *mapper) iacARN(in *instance, service string) string {
	if s, ok := placeholderARN(in); ok {
		return s
	}
	return "arn:aws:" + service + ":" + in.region + ":" + iacAccount + ":" + iacPolicyARN(in.key)
}

// queue maps aws_sqs_queue. Without kms_master_key_id and
// sqs_managed_sse_enabled, AWS encrypts new queues with SSE-SQS (default
// since October 2022). An inline policy is read; aws_sqs_queue_policy
// replaces it.
func (m *mapper) queue(in *instance) {
	r := m.reader(in)
	q := &awsm.Queue{Identity: m.identity(in, r.str("name", "").Or("")), Policy: m.policy(r, "policy"),
		KMSMasterKeyID: r.str("kms_master_key_id", "")}
	q.ARN = m.iacARN(in, "sqs")
	q.SQSManagedSSE = r.boolean("sqs_managed_sse_enabled", !r.has("kms_master_key_id"))
	m.x.queues = indexed(m.x.queues, in.key, q)
	m.remember(in, "sqs", q.Name)
	m.inv.PolicyHolders.Queues = append(m.inv.PolicyHolders.Queues, q)
}

// topic maps aws_sns_topic: not encrypted unless kms_master_key_id is set;
// without a policy SNS applies its default one (the owner account only).
func (m *mapper) topic(in *instance) {
	r := m.reader(in)
	t := &awsm.Topic{Identity: m.identity(in, r.str("name", "").Or("")), Policy: m.policy(r, "policy"),
		KMSMasterKeyID: r.str("kms_master_key_id", "")}
	t.ARN = m.iacARN(in, "sns")
	m.x.topics = indexed(m.x.topics, in.key, t)
	m.remember(in, "sns", t.Name)
	m.inv.PolicyHolders.Topics = append(m.inv.PolicyHolders.Topics, t)
}

// lambdaFunction maps aws_lambda_function. Environment variable values are
// never read (they often hold secrets), only their names. Its resource
// policy is made of the tree's aws_lambda_permission resources: none known
// (no policy) until one names it.
func (m *mapper) lambdaFunction(in *instance) {
	r := m.reader(in)
	f := &awsm.LambdaFunction{Identity: m.identity(in, r.str("function_name", "").Or("")),
		Runtime: r.str("runtime", ""), Role: r.str("role", ""),
		Policy: model.Known[*awsm.PolicyDocument](nil, r.block())}
	f.ARN = m.iacARN(in, "lambda")
	if env, ok, _ := r.first("environment"); ok {
		if v, reason, ok := env.raw("variables"); ok && reason == "" && v.CanIterateElements() {
			for it := v.ElementIterator(); it.Next(); {
				k, _ := it.Element()
				f.EnvironmentVariableNames = append(f.EnvironmentVariableNames, k.AsString())
			}
			sort.Strings(f.EnvironmentVariableNames)
		}
	}
	m.x.functions = indexed(m.x.functions, in.key, f)
	m.remember(in, "lambda", f.Name)
	m.inv.PolicyHolders.Functions = append(m.inv.PolicyHolders.Functions, f)
}

func indexed[T any](idx map[string]T, key string, v T) map[string]T {
	if idx == nil {
		idx = map[string]T{}
	}
	idx[key] = v
	return idx
}

// lambdaPermission adds an aws_lambda_permission to its function's
// resource policy, as Lambda's AddPermission writes it: Principal
// {Service} or {AWS} (or "*"), the action on the function, and conditions
// from source_arn (ArnLike AWS:SourceArn), source_account,
// principal_org_id, function_url_auth_type and event_source_token. A
// principal that is unknown makes the whole policy unknown. A condition
// value known only after apply (another resource's ARN) still narrows the
// statement to that one resource.
func (m *mapper) lambdaPermission(in *instance) {
	r := m.reader(in)
	key, ok := m.find(r, "function_name", "lambda", has(m.x.functions))
	if !ok {
		return
	}
	f := m.x.functions[key]
	if m.x.permUnknown == nil {
		m.x.permUnknown = map[string]model.Source{}
		m.x.permissions = map[string][]map[string]any{}
	}
	if _, unknown := m.x.permUnknown[key]; unknown {
		return
	}
	fail := func(reason string, src model.Source) {
		m.x.permUnknown[key] = src
		f.Policy = model.Unknown[*awsm.PolicyDocument]("aws_lambda_permission "+in.addr+": "+reason, src)
	}
	principal, action := r.str("principal", ""), r.str("action", "lambda:InvokeFunction")
	if !principal.Known() {
		fail(principal.Reason(), principal.Source())
		return
	}
	if !action.Known() {
		fail(action.Reason(), action.Source())
		return
	}
	p := principal.Or("")
	var pr any = map[string]any{"AWS": p}
	switch {
	case p == "*":
		pr = "*"
	case strings.HasSuffix(p, ".amazonaws.com") || strings.HasSuffix(p, ".amazonaws.com.cn"):
		pr = map[string]any{"Service": p}
	}
	st := map[string]any{"Sid": r.str("statement_id", in.addr).Or(in.addr), "Effect": "Allow", "Principal": pr,
		"Action": action.Or(""), "Resource": f.ARN}
	cond := map[string]map[string]string{}
	for _, c := range []struct{ attr, op, key string }{
		{"source_arn", "ArnLike", "AWS:SourceArn"},
		{"source_account", "StringEquals", "AWS:SourceAccount"},
		{"principal_org_id", "StringEquals", "aws:PrincipalOrgID"},
		{"function_url_auth_type", "StringEquals", "lambda:FunctionUrlAuthType"},
		{"event_source_token", "StringEquals", "lambda:EventSourceToken"},
	} {
		if !r.has(c.attr) {
			continue
		}
		v := r.str(c.attr, "")
		val, known := v.Get()
		if !known {
			if !strings.Contains(v.Reason(), "after apply") {
				fail(v.Reason(), v.Source())
				return
			}
			val = "(" + c.attr + " known after apply)"
		}
		if cond[c.op] == nil {
			cond[c.op] = map[string]string{}
		}
		cond[c.op][c.key] = val
	}
	if len(cond) > 0 {
		st["Condition"] = cond
	}
	m.x.permissions[key] = append(m.x.permissions[key], st)
	data, err := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": m.x.permissions[key]})
	if err != nil {
		fail(err.Error(), r.block())
		return
	}
	doc, err := awsm.ParsePolicy(data, r.block())
	if err != nil {
		fail(fmt.Sprintf("not a valid statement: %v", err), r.block())
		return
	}
	f.Policy = model.Known(doc, r.block())
}

// kmsKeyPolicy gives an aws_kms_key its ARN (a placeholder: the key ID is
// assigned at apply) and its key policy: the policy argument, else the
// default key policy KMS applies (the account's root may use the key,
// which delegates to IAM policies); aws_kms_key_policy replaces it.
func (m *mapper) kmsKeyPolicy(in *instance, r rd, k *awsm.KMSKey) {
	k.ARN = "arn:aws:kms:" + in.region + ":" + iacAccount + ":key/" + iacPolicyARN(in.key)
	if r.has("policy") {
		k.Policy = m.policy(r, "policy")
	} else {
		k.Policy = defaultKeyPolicy(r.block())
	}
	m.x.keys = indexed(m.x.keys, in.key, k)
}

// defaultKeyPolicy is the key policy KMS gives a key created without one.
func defaultKeyPolicy(src model.Source) awsm.Policy {
	doc, err := awsm.ParsePolicy([]byte(`{"Version":"2012-10-17","Id":"key-default-1","Statement":[{"Sid":"Enable IAM User Permissions",`+
		`"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::`+iacAccount+`:root"},"Action":"kms:*","Resource":"*"}]}`), src)
	if err != nil {
		return model.Unknown[*awsm.PolicyDocument]("default key policy: "+err.Error(), src)
	}
	return model.Known(doc, src)
}
