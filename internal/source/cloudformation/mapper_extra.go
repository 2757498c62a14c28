package cloudformation

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"

	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// cfnExtra indexes the resources of this file by logical ID.
type cfnExtra struct {
	lbs       map[string]*awsm.LoadBalancer
	queues    map[string]*awsm.Queue
	topics    map[string]*awsm.Topic
	functions map[string]*awsm.LambdaFunction
	// arnOf maps the symbols that stand for a queue's, topic's or
	// function's ARN in this template ("${Orders.Arn}", "${Alerts}") to the
	// model ARN, so a policy naming the resource matches it.
	arnOf       map[string]string
	permissions map[string][]map[string]any
	permUnknown map[string]bool
}

// iacAccount stands for the deploying account in ARNs built before
// deployment when Options.AccountID is not given.
const iacAccount = "000000000000"

// extraARN is the ARN a queue, topic or function will have: its literal
// name, else its logical ID, in the stack's region and account (a
// placeholder account when not given).
func (m *mapper) extraARN(r *resource, p *val, service, nameProp, kind string) (arn, name string) {
	name = text(p.get(nameProp))
	part := name
	if part == "" {
		part = r.id
	}
	acct := m.t.opts.AccountID
	if acct == "" {
		acct = iacAccount
	}
	return "arn:" + m.t.partition() + ":" + service + ":" + m.t.opts.Region + ":" + acct + ":" + kind + part, name
}

func (x *cfnExtra) ready() *cfnExtra {
	if x.arnOf == nil {
		x.lbs, x.queues, x.topics = map[string]*awsm.LoadBalancer{}, map[string]*awsm.Queue{}, map[string]*awsm.Topic{}
		x.functions, x.arnOf = map[string]*awsm.LambdaFunction{}, map[string]string{}
		x.permissions, x.permUnknown = map[string][]map[string]any{}, map[string]bool{}
	}
	return x
}

func (m *mapper) extraPrimary(r *resource, p *val) {
	x := m.x.ready()
	switch r.typ {
	case "AWS::EFS::FileSystem":
		m.efsFileSystem(r, p)
	case "AWS::RDS::DBCluster":
		m.dbCluster(r, p)
	case "AWS::ElasticLoadBalancingV2::LoadBalancer":
		lb := &awsm.LoadBalancer{Identity: m.identity(r, p, text(p.get("Name")))}
		lb.ARN = r.id
		lb.Type = m.str(r, p, "Type", ptr("application"))
		lb.Scheme = m.str(r, p, "Scheme", ptr("internet-facing"))
		lb.DNSName = model.Unknown[string]("the DNS name is assigned at deploy time", m.src(r))
		lb.ListenersRead = model.Known(true, m.src(r))
		x.lbs[r.id] = lb
		m.inv.Network.LoadBalancers = append(m.inv.Network.LoadBalancers, lb)
	case "AWS::CloudFront::Distribution":
		m.distribution(r, p)
	case "AWS::SQS::Queue":
		arn, name := m.extraARN(r, p, "sqs", "QueueName", "")
		q := &awsm.Queue{Identity: m.identity(r, p, name), Policy: model.Known[*awsm.PolicyDocument](nil, m.src(r))}
		q.ARN = arn
		q.KMSMasterKeyID = m.str(r, p, "KmsMasterKeyId", ptr(""))
		// SSE-SQS is on for new queues unless a KMS key is given (2022).
		q.SQSManagedSSE = m.boolean(r, p, "SqsManagedSseEnabled", ptr(p.get("KmsMasterKeyId") == nil))
		x.queues[r.id] = q
		x.arnOf["${"+r.id+".Arn}"] = arn
		m.inv.PolicyHolders.Queues = append(m.inv.PolicyHolders.Queues, q)
	case "AWS::SNS::Topic":
		arn, name := m.extraARN(r, p, "sns", "TopicName", "")
		t := &awsm.Topic{Identity: m.identity(r, p, name), Policy: model.Known[*awsm.PolicyDocument](nil, m.src(r))}
		t.ARN = arn
		t.KMSMasterKeyID = m.str(r, p, "KmsMasterKeyId", ptr(""))
		x.topics[r.id] = t
		x.arnOf["${"+r.id+"}"] = arn // Ref of a topic is its ARN
		x.arnOf["${"+r.id+".TopicArn}"] = arn
		m.inv.PolicyHolders.Topics = append(m.inv.PolicyHolders.Topics, t)
	case "AWS::Lambda::Function":
		arn, name := m.extraARN(r, p, "lambda", "FunctionName", "function:")
		f := &awsm.LambdaFunction{Identity: m.identity(r, p, name), Policy: model.Known[*awsm.PolicyDocument](nil, m.src(r))}
		f.ARN = arn
		f.Runtime = m.str(r, p, "Runtime", ptr(""))
		f.Role = m.str(r, p, "Role", nil)
		// Names only: values often hold secrets.
		if vars := p.get("Environment").get("Variables"); vars != nil && vars.kind == kMap {
			f.EnvironmentVariableNames = append([]string(nil), vars.keys...)
			sort.Strings(f.EnvironmentVariableNames)
		}
		x.functions[r.id] = f
		x.arnOf["${"+r.id+".Arn}"] = arn
		m.inv.PolicyHolders.Functions = append(m.inv.PolicyHolders.Functions, f)
	}
}

func (m *mapper) extraCompanion(r *resource, p *val) {
	m.x.ready()
	switch r.typ {
	case "AWS::ElasticLoadBalancingV2::Listener":
		m.listener(r, p)
	case "AWS::SQS::QueuePolicy":
		doc := m.extraPolicy(r, p.get("PolicyDocument"), "PolicyDocument")
		for _, q := range m.targets(p.get("Queues"), func(id, name string) bool { return m.x.queues[id] != nil }) {
			m.x.queues[q].Policy = doc
		}
	case "AWS::SNS::TopicPolicy":
		doc := m.extraPolicy(r, p.get("PolicyDocument"), "PolicyDocument")
		for _, t := range m.targets(p.get("Topics"), func(id, name string) bool { return m.x.topics[id] != nil }) {
			m.x.topics[t].Policy = doc
		}
	case "AWS::Lambda::Permission":
		m.lambdaPermission(r, p)
	}
}

// targets resolves a list of Refs (or one) to logical IDs of this template.
func (m *mapper) targets(v *val, ok func(id, name string) bool) []string {
	var items []*val
	switch {
	case v == nil:
	case v.kind == kList:
		items = v.list
	default:
		items = []*val{v}
	}
	var out []string
	for _, it := range items {
		if id, name, known := target(it); known && id != "" && ok(id, name) {
			out = append(out, id)
		}
	}
	return out
}

// extraPolicy is policy() with the template's symbols for queue, topic and
// function ARNs replaced by their model ARNs.
func (m *mapper) extraPolicy(r *resource, v *val, path string) awsm.Policy {
	if v == nil {
		return model.Unknown[*awsm.PolicyDocument](path+" is not set", m.src(r))
	}
	src := m.at(r, v, path)
	src.EndLine = max(v.endLine(), src.StartLine)
	if v.kind == kUnknown {
		return model.Unknown[*awsm.PolicyDocument](v.str, src)
	}
	var data []byte
	if v.kind == kString {
		data = []byte(v.str)
	} else {
		d, why := v.toJSON("", func(string) bool { return true })
		if why != "" {
			return model.Unknown[*awsm.PolicyDocument]("policy document has an unknown value at "+why, src)
		}
		data = d
	}
	s := string(data)
	for sym, arn := range m.x.arnOf {
		if strings.HasPrefix(sym, "${") {
			s = strings.ReplaceAll(s, sym, arn)
		}
	}
	doc, err := awsm.ParsePolicy([]byte(s), src)
	if err != nil {
		m.t.warn(v.line, v.col, "resource %s: %s: %v", r.id, path, err)
		return model.Unknown[*awsm.PolicyDocument]("policy document does not parse: "+err.Error(), src)
	}
	return model.Known(doc, src)
}

// efsFileSystem maps AWS::EFS::FileSystem. Encrypted defaults to false (the
// EFS API's default) and can only be chosen at creation.
func (m *mapper) efsFileSystem(r *resource, p *val) {
	name := ""
	if tags := p.get("FileSystemTags"); tags != nil && tags.kind == kList {
		for _, e := range tags.list {
			if k, _ := e.get("Key").text(); k == "Name" {
				name = text(e.get("Value")) // "" when secret or missing
			}
		}
	}
	fs := &awsm.EFSFileSystem{Identity: m.identity(r, p, name)}
	fs.Encrypted = m.boolean(r, p, "Encrypted", ptr(false))
	m.inv.CIS.EFSFileSystems = append(m.inv.CIS.EFSFileSystems, fs)
}

// dbCluster maps AWS::RDS::DBCluster: StorageEncrypted false by default
// (serverless v1 clusters are always encrypted); a restored or replica
// cluster inherits its encryption.
func (m *mapper) dbCluster(r *resource, p *val) {
	c := &awsm.DBCluster{Identity: m.identity(r, p, text(p.get("DBClusterIdentifier")))}
	c.Engine = m.str(r, p, "Engine", nil)
	c.EngineVersion = m.str(r, p, "EngineVersion", nil)
	c.StorageEncrypted = m.boolean(r, p, "StorageEncrypted", ptr(text(p.get("EngineMode")) == "serverless"))
	for _, from := range []string{"SnapshotIdentifier", "SourceDBClusterIdentifier", "RestoreType"} {
		if p.get(from) != nil && p.get("StorageEncrypted") == nil {
			c.StorageEncrypted = model.Unknown[bool]("storage encryption is inherited ("+from+" is set)", m.at(r, p.get(from), from))
		}
	}
	c.KMSKeyID = m.str(r, p, "KmsKeyId", ptr(""))
	c.PubliclyAccessible = m.boolean(r, p, "PubliclyAccessible", ptr(false))
	c.DeletionProtection = m.boolean(r, p, "DeletionProtection", ptr(false))
	c.IAMAuthentication = m.boolean(r, p, "EnableIAMDatabaseAuthentication", ptr(false))
	c.BackupRetentionPeriod = model.Known[int64](1, m.src(r).At("Properties.BackupRetentionPeriod"))
	if b := p.get("BackupRetentionPeriod"); b != nil {
		if n, err := strconv.ParseInt(b.str, 10, 64); err == nil && b.known() {
			c.BackupRetentionPeriod = model.Known(n, m.at(r, b, "BackupRetentionPeriod"))
		} else {
			c.BackupRetentionPeriod = model.Unknown[int64]("BackupRetentionPeriod is not a known number", m.at(r, b, "BackupRetentionPeriod"))
		}
	}
	m.inv.Network.DBClusters = append(m.inv.Network.DBClusters, c)
}

// listener maps AWS::ElasticLoadBalancingV2::Listener. Without SslPolicy,
// AWS applies its default security policy: unknown, not guessed.
func (m *mapper) listener(r *resource, p *val) {
	l := &awsm.Listener{Identity: m.identity(r, p, "")}
	l.Protocol = m.str(r, p, "Protocol", ptr("HTTP"))
	l.Port = model.Unknown[int64]("Port is not set", m.src(r).At("Properties.Port"))
	if pv := p.get("Port"); pv != nil {
		if n, err := strconv.ParseInt(pv.str, 10, 64); err == nil && pv.known() {
			l.Port = model.Known(n, m.at(r, pv, "Port"))
		} else {
			l.Port = model.Unknown[int64]("Port is not a known number", m.at(r, pv, "Port"))
		}
	}
	if id, name, ok := target(p.get("LoadBalancerArn")); ok {
		if lb := m.x.lbs[id]; lb != nil {
			l.LoadBalancerARN = lb.ARN
		} else {
			l.LoadBalancerARN = name
		}
	}
	l.SSLPolicy = model.Known("", m.src(r))
	if proto, ok := l.Protocol.Get(); !ok || proto == "HTTPS" || proto == "TLS" {
		l.SSLPolicy = m.str(r, p, "SslPolicy", nil)
		if p.get("SslPolicy") == nil {
			l.SSLPolicy = model.Unknown[string]("SslPolicy is not set: AWS applies its default security policy at creation", m.src(r).At("Properties.SslPolicy"))
		}
	}
	acts := p.get("DefaultActions")
	switch {
	case acts == nil:
		l.DefaultActions = model.Known[[]awsm.ListenerAction](nil, m.src(r))
	case acts.kind != kList:
		l.DefaultActions = model.Unknown[[]awsm.ListenerAction]("DefaultActions is not a known list", m.at(r, acts, "DefaultActions"))
	default:
		var out []awsm.ListenerAction
		for i, a := range acts.list {
			path := "DefaultActions[" + strconv.Itoa(i) + "]"
			typ, ok := a.get("Type").text()
			if !ok {
				l.DefaultActions = model.Unknown[[]awsm.ListenerAction](path+".Type is unknown", m.at(r, a, path))
				out = nil
				break
			}
			la := awsm.ListenerAction{Type: typ, Source: m.at(r, a, path)}
			if rc := a.get("RedirectConfig"); rc != nil {
				la.RedirectProtocol, la.RedirectPort = "#{protocol}", "#{port}"
				if s, ok := rc.get("Protocol").text(); ok {
					la.RedirectProtocol = s
				}
				if s, ok := rc.get("Port").text(); ok {
					la.RedirectPort = s
				}
			}
			out = append(out, la)
		}
		if out != nil || len(acts.list) == 0 {
			l.DefaultActions = model.Known(out, m.at(r, acts, "DefaultActions"))
		}
	}
	m.inv.Network.Listeners = append(m.inv.Network.Listeners, l)
}

// distribution maps AWS::CloudFront::Distribution. Without a
// ViewerCertificate viewers get the *.cloudfront.net certificate;
// MinimumProtocolVersion defaults to TLSv1 (CloudFront's default).
func (m *mapper) distribution(r *resource, p *val) {
	d := &awsm.Distribution{Identity: m.identity(r, p, "")}
	d.Region = "global"
	cfg := p.get("DistributionConfig")
	at := func(v *val, path string) model.Source { return m.at(r, v, "DistributionConfig."+path) }
	d.DomainName = model.Unknown[string]("the distribution's domain name is assigned at deploy time", m.src(r))
	d.Enabled = model.Known(true, m.src(r))
	if e := cfg.get("Enabled"); e != nil {
		d.Enabled = m.boolVal(r, e, "DistributionConfig.Enabled")
	}
	if al := cfg.get("Aliases"); al != nil && al.kind == kList {
		for _, a := range al.list {
			if s, ok := a.text(); ok {
				d.Aliases = append(d.Aliases, s)
			}
		}
	}
	d.WebACLID = model.Known("", m.src(r))
	if w := cfg.get("WebACLId"); w != nil {
		d.WebACLID = m.strVal(r, w, "DistributionConfig.WebACLId")
	}
	var vps []awsm.ViewerPolicy
	unknownWhy := ""
	add := func(b *val, path, pattern string) {
		pv := b.get("ViewerProtocolPolicy")
		s, ok := pv.text()
		if !ok {
			unknownWhy = path + ".ViewerProtocolPolicy is not known"
			return
		}
		vps = append(vps, awsm.ViewerPolicy{PathPattern: pattern, Policy: s, Source: at(pv, path+".ViewerProtocolPolicy")})
	}
	if b := cfg.get("DefaultCacheBehavior"); b != nil {
		add(b, "DefaultCacheBehavior", "")
	}
	if cbs := cfg.get("CacheBehaviors"); cbs != nil && cbs.kind == kList {
		for i, b := range cbs.list {
			add(b, "CacheBehaviors["+strconv.Itoa(i)+"]", text(b.get("PathPattern")))
		}
	}
	if unknownWhy != "" {
		d.ViewerPolicies = model.Unknown[[]awsm.ViewerPolicy](unknownWhy, m.src(r))
	} else {
		d.ViewerPolicies = model.Known(vps, m.src(r))
	}
	vc := cfg.get("ViewerCertificate")
	if vc == nil {
		d.DefaultCertificate = model.Known(true, m.src(r))
		d.MinimumProtocolVersion = model.Known("TLSv1", m.src(r))
	} else {
		d.DefaultCertificate = model.Known(false, at(vc, "ViewerCertificate"))
		if c := vc.get("CloudFrontDefaultCertificate"); c != nil {
			d.DefaultCertificate = m.boolVal(r, c, "DistributionConfig.ViewerCertificate.CloudFrontDefaultCertificate")
		}
		d.MinimumProtocolVersion = model.Known("TLSv1", at(vc, "ViewerCertificate"))
		if mp := vc.get("MinimumProtocolVersion"); mp != nil {
			d.MinimumProtocolVersion = m.strVal(r, mp, "DistributionConfig.ViewerCertificate.MinimumProtocolVersion")
		}
	}
	m.inv.Network.Distributions = append(m.inv.Network.Distributions, d)
}

// lambdaPermission adds an AWS::Lambda::Permission to its function's policy
// as Lambda's AddPermission writes it (see the Terraform source). A
// principal or condition from a parameter without a value makes the
// policy unknown; a condition naming another resource of the template
// (a symbol) narrows the statement to it.
func (m *mapper) lambdaPermission(r *resource, p *val) {
	id, name, ok := target(p.get("FunctionName"))
	if !ok {
		return
	}
	if m.x.functions[id] == nil {
		id = ""
		for lid, f := range m.x.functions {
			if name != "" && (f.Name == name || f.ARN == name || strings.HasSuffix(name, ":function:"+f.Name)) {
				id = lid
			}
		}
	}
	f := m.x.functions[id]
	if f == nil || m.x.permUnknown[id] {
		return
	}
	fail := func(reason string, src model.Source) {
		m.x.permUnknown[id] = true
		f.Policy = model.Unknown[*awsm.PolicyDocument]("AWS::Lambda::Permission "+r.id+": "+reason, src)
	}
	principal := m.str(r, p, "Principal", nil)
	action := m.str(r, p, "Action", ptr("lambda:InvokeFunction"))
	for _, v := range []model.String{principal, action} {
		if !v.Known() {
			fail(v.Reason(), v.Source())
			return
		}
	}
	pr := principal.Or("")
	var prv any = map[string]any{"AWS": pr}
	switch {
	case pr == "*":
		prv = "*"
	case strings.HasSuffix(pr, ".amazonaws.com") || strings.HasSuffix(pr, ".amazonaws.com.cn"):
		prv = map[string]any{"Service": pr}
	}
	st := map[string]any{"Sid": r.id, "Effect": "Allow", "Principal": prv, "Action": action.Or(""), "Resource": f.ARN}
	cond := map[string]map[string]string{}
	for _, c := range []struct{ prop, op, key string }{
		{"SourceArn", "ArnLike", "AWS:SourceArn"},
		{"SourceAccount", "StringEquals", "AWS:SourceAccount"},
		{"PrincipalOrgID", "StringEquals", "aws:PrincipalOrgID"},
		{"FunctionUrlAuthType", "StringEquals", "lambda:FunctionUrlAuthType"},
		{"EventSourceToken", "StringEquals", "lambda:EventSourceToken"},
	} {
		v := p.get(c.prop)
		if v == nil {
			continue
		}
		s, ok := v.text()
		switch {
		case ok:
		case v.kind == kUnknown && v.sym != "" && !v.secret:
			s = "(" + v.sym + ")" // a template resource: a specific value
		default:
			fail(c.prop+" is not known: "+v.str, m.at(r, v, c.prop))
			return
		}
		if cond[c.op] == nil {
			cond[c.op] = map[string]string{}
		}
		cond[c.op][c.key] = s
	}
	if len(cond) > 0 {
		st["Condition"] = cond
	}
	m.addLambdaStatement(id, st, m.src(r))
}

// addLambdaStatement appends a statement to a function's resource policy.
func (m *mapper) addLambdaStatement(id string, st map[string]any, src model.Source) {
	f := m.x.functions[id]
	m.x.permissions[id] = append(m.x.permissions[id], st)
	data, err := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": m.x.permissions[id]})
	if err == nil {
		var doc *awsm.PolicyDocument
		if doc, err = awsm.ParsePolicy(data, src); err == nil {
			f.Policy = model.Known(doc, src)
			return
		}
	}
	m.x.permUnknown[id] = true
	f.Policy = model.Unknown[*awsm.PolicyDocument]("resource policy: "+err.Error(), src)
}

// samLambda maps the function of an AWS::Serverless::Function (its
// execution role is mapped in iam.go). FunctionUrlConfig with AuthType NONE
// makes SAM add the permission that lets anyone call the URL; the
// permissions SAM derives from Events (API, S3, SNS ... sources, each
// narrowed to its source ARN) are not modelled, and Globals are not read.
func (m *mapper) samLambda(r *resource, p *val) {
	x := m.x.ready()
	arn, name := m.extraARN(r, p, "lambda", "FunctionName", "function:")
	f := &awsm.LambdaFunction{Identity: m.identity(r, p, name), Policy: model.Known[*awsm.PolicyDocument](nil, m.src(r))}
	f.ARN = arn
	f.Runtime = m.str(r, p, "Runtime", nil)
	f.Role = model.Unknown[string]("the execution role "+r.id+"Role is created by SAM at deploy time", m.src(r))
	if p.get("Role") != nil {
		f.Role = m.str(r, p, "Role", nil)
	}
	if vars := p.get("Environment").get("Variables"); vars != nil && vars.kind == kMap {
		f.EnvironmentVariableNames = append([]string(nil), vars.keys...)
		sort.Strings(f.EnvironmentVariableNames)
	}
	x.functions[r.id] = f
	x.arnOf["${"+r.id+".Arn}"] = arn
	m.inv.PolicyHolders.Functions = append(m.inv.PolicyHolders.Functions, f)
	uc := p.get("FunctionUrlConfig")
	if uc == nil {
		return
	}
	at := uc.get("AuthType")
	auth, ok := at.text()
	switch {
	case !ok:
		x.permUnknown[r.id] = true
		f.Policy = model.Unknown[*awsm.PolicyDocument]("FunctionUrlConfig.AuthType is not known", m.at(r, uc, "FunctionUrlConfig"))
	case auth == "NONE":
		m.addLambdaStatement(r.id, map[string]any{"Sid": "FunctionUrlAllowPublicAccess", "Effect": "Allow", "Principal": "*",
			"Action": "lambda:InvokeFunctionUrl", "Resource": arn,
			"Condition": map[string]map[string]string{"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}}},
			m.at(r, at, "FunctionUrlConfig.AuthType"))
	}
}

// kmsKeyPolicy gives an AWS::KMS::Key its ARN (the key ID is assigned at
// deploy time: the logical ID stands in) and its KeyPolicy, or the default
// key policy KMS applies when there is none (the account's root may use the
// key, which delegates to IAM policies).
func (m *mapper) kmsKeyPolicy(r *resource, p *val, k *awsm.KMSKey) {
	acct := m.t.opts.AccountID
	if acct == "" {
		acct = iacAccount
	}
	k.ARN = "arn:" + m.t.partition() + ":kms:" + m.t.opts.Region + ":" + acct + ":key/" + r.id
	if kp := p.get("KeyPolicy"); kp != nil {
		k.Policy = m.extraPolicy(r, kp, "KeyPolicy")
		return
	}
	doc, err := awsm.ParsePolicy([]byte(`{"Version":"2012-10-17","Id":"key-default-1","Statement":[{"Sid":"Enable IAM User Permissions",`+
		`"Effect":"Allow","Principal":{"AWS":"arn:`+m.t.partition()+`:iam::`+acct+`:root"},"Action":"kms:*","Resource":"*"}]}`), m.src(r))
	if err != nil {
		k.Policy = model.Unknown[*awsm.PolicyDocument]("default key policy: "+err.Error(), m.src(r))
		return
	}
	k.Policy = model.Known(doc, m.src(r))
}
