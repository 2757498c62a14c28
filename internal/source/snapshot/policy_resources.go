package snapshot

import (
	"encoding/json"
	"net/url"
	"sort"
	"strings"

	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// loadPolicyResources reads the resources that carry a resource-based
// policy (Lambda, Secrets Manager, SQS, SNS, ECR), the KMS key policies and
// the organization's SCPs/RCPs (issue 4, policy group). It runs after
// loadRegions because key policies complete the KMS keys.
func (l *loader) loadPolicyResources() {
	p := &l.inv.PolicyHolders
	for _, r := range l.inv.Regions {
		region := r.Region
		p.Functions = append(p.Functions, l.loadFunctions(region)...)
		p.Secrets = append(p.Secrets, l.loadSecrets(region)...)
		p.Queues = append(p.Queues, l.loadQueues(region)...)
		p.Topics = append(p.Topics, l.loadTopics(region)...)
		p.Repositories = append(p.Repositories, l.loadRepositories(region)...)
		l.loadKeyPolicies(region)
	}
	sortByARN(p.Functions, func(x *awsm.LambdaFunction) string { return x.ARN })
	sortByARN(p.Secrets, func(x *awsm.Secret) string { return x.ARN })
	sortByARN(p.Queues, func(x *awsm.Queue) string { return x.ARN })
	sortByARN(p.Topics, func(x *awsm.Topic) string { return x.ARN })
	sortByARN(p.Repositories, func(x *awsm.ECRRepository) string { return x.ARN })
	l.loadOrganization()
}

// policyFileKey is the file key of a resource whose name may contain "/"
// (secrets, ECR repositories): the name as one escaped path segment
// ("team/db" -> "team%2Fdb"). The collector and the fake use the same rule.
func policyFileKey(name string) string { return url.PathEscape(name) }

// resourcePolicy reads a per-resource policy call: the policy is the JSON
// string in field (the path of the call's data), absent or empty means no
// policy, and the error code noneCode (when not "") means no policy too.
func (l *loader) resourcePolicy(region, service, op, base, field, noneCode string) awsm.Policy {
	a := l.fetch(base)
	none := noneCode != "" && a.kind == ansAWS && a.code == noneCode
	var v map[string]json.RawMessage
	var out awsm.Policy
	switch {
	case none:
		out = model.Known[*awsm.PolicyDocument](nil, a.src())
	case l.decode(&a, &v):
		raw := v[field]
		if len(raw) == 0 || string(raw) == "null" || string(raw) == `""` {
			out = model.Known[*awsm.PolicyDocument](nil, at(a.file, field))
		} else {
			out = l.policy(raw, at(a.file, field))
		}
	default:
		out = unknown[*awsm.PolicyDocument](a.reason(), a.src())
	}
	l.done(region, service, op, &a, none)
	return out
}

// ignoredValue decodes any JSON value and keeps nothing: environment
// variable values often hold secrets and must never enter the model.
type ignoredValue struct{}

func (*ignoredValue) UnmarshalJSON([]byte) error { return nil }

func (l *loader) loadFunctions(region string) []*awsm.LambdaFunction {
	a := l.fetch(region + "/lambda/list-functions")
	var v struct {
		Functions []struct {
			Name        string  `json:"FunctionName"`
			Arn         string  `json:"FunctionArn"`
			Runtime     *string `json:"Runtime"`
			Role        *string `json:"Role"`
			Environment *struct {
				Variables map[string]ignoredValue `json:"Variables"`
			} `json:"Environment"`
		} `json:"Functions"`
	}
	ok := l.decode(&a, &v)
	l.done(region, "lambda", "list-functions", &a, false)
	if !ok || len(v.Functions) == 0 {
		l.coverNone(region, "lambda", "get-policy")
		l.coverNone(region, "lambda", "list-tags")
		return nil
	}
	out := make([]*awsm.LambdaFunction, 0, len(v.Functions))
	for i, f := range v.Functions {
		src := at(a.file, idx("Functions", i))
		if f.Name == "" {
			l.warn(a.file, 0, "%s: no FunctionName; function ignored", src.Path)
			continue
		}
		fn := &awsm.LambdaFunction{Identity: l.regionalIdentity(region, "lambda", f.Arn, "function:"+f.Name, f.Name, src,
			l.resourceTags(region, "lambda", "list-tags", f.Name, src)),
			// Image-based functions have no Runtime: known "".
			Runtime: strOr(f.Runtime, "", src.At("Runtime")),
			Role:    optStr(f.Role, src.At("Role"))}
		if f.Environment != nil {
			for name := range f.Environment.Variables {
				fn.EnvironmentVariableNames = append(fn.EnvironmentVariableNames, name)
			}
			sort.Strings(fn.EnvironmentVariableNames)
		}
		if validFileKey(f.Name) {
			fn.Policy = l.resourcePolicy(region, "lambda", "get-policy", region+"/lambda/get-policy/"+f.Name, "Policy", "ResourceNotFoundException")
		} else {
			fn.Policy = unknown[*awsm.PolicyDocument]("function name "+f.Name+" cannot be a file key", src)
		}
		out = append(out, fn)
	}
	return out
}

// validFileKey keeps a key inside its directory.
func validFileKey(k string) bool {
	return k != "" && k != "." && k != ".." && !strings.ContainsAny(k, `/\`)
}

func (l *loader) loadSecrets(region string) []*awsm.Secret {
	a := l.fetch(region + "/secretsmanager/list-secrets")
	var v struct {
		SecretList []struct {
			ARN             string  `json:"ARN"`
			Name            string  `json:"Name"`
			KmsKeyID        *string `json:"KmsKeyId"`
			RotationEnabled *bool   `json:"RotationEnabled"`
			Tags            []tag   `json:"Tags"`
		} `json:"SecretList"`
	}
	ok := l.decode(&a, &v)
	l.done(region, "secretsmanager", "list-secrets", &a, false)
	if !ok || len(v.SecretList) == 0 {
		l.coverNone(region, "secretsmanager", "get-resource-policy")
		return nil
	}
	out := make([]*awsm.Secret, 0, len(v.SecretList))
	for i, s := range v.SecretList {
		src := at(a.file, idx("SecretList", i))
		if s.Name == "" {
			l.warn(a.file, 0, "%s: no Name; secret ignored", src.Path)
			continue
		}
		sec := &awsm.Secret{Identity: l.regionalIdentity(region, "secretsmanager", s.ARN, "secret:"+s.Name, s.Name, src,
			tagsOf(s.Tags, src.At("Tags"))),
			// Both are omitted when unset: the default key, no rotation.
			KMSKeyID:        strOr(s.KmsKeyID, "", src.At("KmsKeyId")),
			RotationEnabled: boolOr(s.RotationEnabled, false, src.At("RotationEnabled"))}
		sec.Policy = l.resourcePolicy(region, "secretsmanager", "get-resource-policy",
			region+"/secretsmanager/get-resource-policy/"+policyFileKey(s.Name), "ResourcePolicy", "")
		out = append(out, sec)
	}
	return out
}

func (l *loader) loadQueues(region string) []*awsm.Queue {
	a := l.fetch(region + "/sqs/list-queues")
	var v struct {
		QueueUrls []string `json:"QueueUrls"`
	}
	// An account without queues makes the CLI print nothing.
	ok := l.decodeEmptyOK(&a, &v)
	l.done(region, "sqs", "list-queues", &a, false)
	if !ok || len(v.QueueUrls) == 0 {
		l.coverNone(region, "sqs", "get-queue-attributes")
		l.coverNone(region, "sqs", "list-queue-tags")
		return nil
	}
	out := make([]*awsm.Queue, 0, len(v.QueueUrls))
	for i, u := range v.QueueUrls {
		src := at(a.file, idx("QueueUrls", i))
		name := u[strings.LastIndexByte(u, '/')+1:]
		if !validFileKey(name) {
			l.warn(a.file, 0, "%s: %q is not a queue URL; queue ignored", src.Path, u)
			continue
		}
		q := &awsm.Queue{Identity: l.regionalIdentity(region, "sqs", "", name, name, src, l.queueTags(region, name)), URL: u}
		attrs := l.fetch(region + "/sqs/get-queue-attributes/" + name)
		var av struct {
			Attributes map[string]string `json:"Attributes"`
		}
		if l.decode(&attrs, &av) {
			asrc := func(k string) model.Source { return at(attrs.file, "Attributes."+k) }
			if arn := av.Attributes["QueueArn"]; arn != "" {
				q.ARN = arn
			}
			q.Policy = l.attrPolicy(av.Attributes, asrc("Policy"))
			q.KMSMasterKeyID = model.Known(av.Attributes["KmsMasterKeyId"], asrc("KmsMasterKeyId"))
			q.SQSManagedSSE = model.Known(av.Attributes["SqsManagedSseEnabled"] == "true", asrc("SqsManagedSseEnabled"))
		} else {
			u := attrs.reason()
			q.Policy = unknown[*awsm.PolicyDocument](u, attrs.src())
			q.KMSMasterKeyID = unknown[string](u, attrs.src())
			q.SQSManagedSSE = unknown[bool](u, attrs.src())
		}
		l.done(region, "sqs", "get-queue-attributes", &attrs, false)
		out = append(out, q)
	}
	return out
}

// queueTags reads sqs list-queue-tags: a map, absent when the queue has
// no tags.
func (l *loader) queueTags(region, name string) model.Tags {
	a := l.fetch(region + "/sqs/list-queue-tags/" + name)
	var v struct {
		Tags map[string]string `json:"Tags"`
	}
	// A queue without tags makes the CLI print nothing.
	ok := l.decodeEmptyOK(&a, &v)
	l.done(region, "sqs", "list-queue-tags", &a, false)
	if !ok {
		return notCollectedTags(a.reason(), a.src())
	}
	if v.Tags == nil {
		v.Tags = map[string]string{}
	}
	return model.Known(v.Tags, at(a.file, "Tags"))
}

// resourceTags reads the tags of a Lambda function (lambda list-tags:
// {"Tags": {"k": "v"}}), an SNS topic (sns list-tags-for-resource:
// {"Tags": [{"Key", "Value"}]}) or an ECR repository (ecr
// list-tags-for-resource: {"tags": [{"Key", "Value"}]}).
func (l *loader) resourceTags(region, service, op, key string, src model.Source) model.Tags {
	if !validFileKey(key) {
		return notCollectedTags("name "+key+" cannot be a file key", src)
	}
	a := l.fetch(region + "/" + service + "/" + op + "/" + key)
	var out model.Tags
	switch service {
	case "lambda":
		var v struct {
			Tags map[string]string `json:"Tags"`
		}
		if l.decodeEmptyOK(&a, &v) {
			if v.Tags == nil {
				v.Tags = map[string]string{}
			}
			out = model.Known(v.Tags, at(a.file, "Tags"))
		}
	case "ecr":
		var v struct {
			Tags []tag `json:"tags"`
		}
		if l.decodeEmptyOK(&a, &v) {
			out = tagsOf(v.Tags, at(a.file, "tags"))
		}
	default:
		var v struct {
			Tags []tag `json:"Tags"`
		}
		if l.decodeEmptyOK(&a, &v) {
			out = tagsOf(v.Tags, at(a.file, "Tags"))
		}
	}
	l.done(region, service, op, &a, false)
	if !out.Known() {
		return notCollectedTags(a.reason(), a.src())
	}
	return out
}

// attrPolicy reads the Policy attribute of SQS and SNS: a JSON string;
// absent means no policy.
func (l *loader) attrPolicy(attrs map[string]string, src model.Source) awsm.Policy {
	p, ok := attrs["Policy"]
	if !ok || p == "" {
		return model.Known[*awsm.PolicyDocument](nil, src)
	}
	raw, _ := json.Marshal(p)
	return l.policy(raw, src)
}

func (l *loader) loadTopics(region string) []*awsm.Topic {
	a := l.fetch(region + "/sns/list-topics")
	var v struct {
		Topics []struct {
			TopicArn string `json:"TopicArn"`
		} `json:"Topics"`
	}
	ok := l.decode(&a, &v)
	l.done(region, "sns", "list-topics", &a, false)
	if !ok || len(v.Topics) == 0 {
		l.coverNone(region, "sns", "get-topic-attributes")
		l.coverNone(region, "sns", "list-tags-for-resource")
		return nil
	}
	out := make([]*awsm.Topic, 0, len(v.Topics))
	for i, t := range v.Topics {
		src := at(a.file, idx("Topics", i))
		name := t.TopicArn[strings.LastIndexByte(t.TopicArn, ':')+1:]
		if !strings.HasPrefix(t.TopicArn, "arn:") || !validFileKey(name) {
			l.warn(a.file, 0, "%s: %q is not a topic ARN; topic ignored", src.Path, t.TopicArn)
			continue
		}
		tp := &awsm.Topic{Identity: l.regionalIdentity(region, "sns", t.TopicArn, name, name, src,
			l.resourceTags(region, "sns", "list-tags-for-resource", name, src))}
		attrs := l.fetch(region + "/sns/get-topic-attributes/" + name)
		var av struct {
			Attributes map[string]string `json:"Attributes"`
		}
		if l.decode(&attrs, &av) {
			asrc := func(k string) model.Source { return at(attrs.file, "Attributes."+k) }
			tp.Policy = l.attrPolicy(av.Attributes, asrc("Policy"))
			tp.KMSMasterKeyID = model.Known(av.Attributes["KmsMasterKeyId"], asrc("KmsMasterKeyId"))
		} else {
			tp.Policy = unknown[*awsm.PolicyDocument](attrs.reason(), attrs.src())
			tp.KMSMasterKeyID = unknown[string](attrs.reason(), attrs.src())
		}
		l.done(region, "sns", "get-topic-attributes", &attrs, false)
		out = append(out, tp)
	}
	return out
}

func (l *loader) loadRepositories(region string) []*awsm.ECRRepository {
	a := l.fetch(region + "/ecr/describe-repositories")
	var v struct {
		Repositories []struct {
			Arn                string  `json:"repositoryArn"`
			Name               string  `json:"repositoryName"`
			URI                string  `json:"repositoryUri"`
			ImageTagMutability *string `json:"imageTagMutability"`
			Scanning           *struct {
				ScanOnPush *bool `json:"scanOnPush"`
			} `json:"imageScanningConfiguration"`
		} `json:"repositories"`
	}
	ok := l.decode(&a, &v)
	l.done(region, "ecr", "describe-repositories", &a, false)
	if !ok || len(v.Repositories) == 0 {
		l.coverNone(region, "ecr", "get-repository-policy")
		l.coverNone(region, "ecr", "list-tags-for-resource")
		return nil
	}
	out := make([]*awsm.ECRRepository, 0, len(v.Repositories))
	for i, r := range v.Repositories {
		src := at(a.file, idx("repositories", i))
		if r.Name == "" {
			l.warn(a.file, 0, "%s: no repositoryName; repository ignored", src.Path)
			continue
		}
		repo := &awsm.ECRRepository{Identity: l.regionalIdentity(region, "ecr", r.Arn, "repository/"+r.Name, r.Name, src,
			l.resourceTags(region, "ecr", "list-tags-for-resource", policyFileKey(r.Name), src)),
			URI: r.URI, ImageTagMutability: optStr(r.ImageTagMutability, src.At("imageTagMutability"))}
		if r.Scanning == nil {
			repo.ScanOnPush = unknown[bool]("imageScanningConfiguration absent from "+a.file, src.At("imageScanningConfiguration"))
		} else {
			repo.ScanOnPush = boolOr(r.Scanning.ScanOnPush, false, src.At("imageScanningConfiguration.scanOnPush"))
		}
		repo.Policy = l.resourcePolicy(region, "ecr", "get-repository-policy",
			region+"/ecr/get-repository-policy/"+policyFileKey(r.Name), "policyText", "RepositoryPolicyNotFoundException")
		out = append(out, repo)
	}
	return out
}

// loadKeyPolicies reads kms get-key-policy (policy name "default") for the
// keys loadKMSKeys found in the region.
func (l *loader) loadKeyPolicies(region string) {
	var keys []*awsm.KMSKey
	for _, k := range l.inv.KMSKeys {
		if k.Region == region {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		l.coverNone(region, "kms", "get-key-policy")
		return
	}
	l.parallel(len(keys), func(i int) {
		k := keys[i]
		if !validFileKey(k.ID) {
			k.Policy = unknown[*awsm.PolicyDocument]("key ID "+k.ID+" cannot be a file key", k.Source)
			return
		}
		k.Policy = l.resourcePolicy(region, "kms", "get-key-policy", region+"/kms/get-key-policy/"+k.ID, "Policy", "")
	})
}

// orgSummary is a policy summary of list-policies / list-policies-for-target.
type orgSummary struct {
	ID         string `json:"Id"`
	Arn        string `json:"Arn"`
	Name       string `json:"Name"`
	Type       string `json:"Type"`
	AwsManaged bool   `json:"AwsManaged"`
}

// orgFilters are the policy types read, with the model list each fills.
var orgFilters = []string{awsm.OrgPolicySCP, awsm.OrgPolicyRCP}

// loadOrganization reads describe-organization, every SCP and RCP
// (list-policies + describe-policy) and the account's path to the root
// (list-parents, list-policies-for-target per level). From a member account
// most of these are denied: those values stay unknown.
func (l *loader) loadOrganization() {
	o := &l.inv.PolicyHolders.Organization
	const dir = "global/organizations/"
	a := l.fetch(dir + "describe-organization")
	var v struct {
		Organization *struct {
			ID              string `json:"Id"`
			Arn             string `json:"Arn"`
			FeatureSet      string `json:"FeatureSet"`
			MasterAccountID string `json:"MasterAccountId"`
		} `json:"Organization"`
	}
	notInOrg := a.kind == ansAWS && a.code == "AWSOrganizationsNotInUseException"
	ok := l.decode(&a, &v)
	if ok && v.Organization == nil {
		a = l.bad(a.file, 0, a.file+`: no "Organization" object`)
		ok = false
	}
	l.done(global, "organizations", "describe-organization", &a, notInOrg)
	switch {
	case notInOrg:
		// Not in an organization: no SCP or RCP applies.
		o.Member = model.Known(false, a.src())
		o.SCPs = model.Known[[]*awsm.OrgPolicy](nil, a.src())
		o.RCPs = o.SCPs
		o.Path = model.Known[[]*awsm.OrgTarget](nil, a.src())
		for _, op := range []string{"list-policies", "describe-policy", "list-parents", "list-policies-for-target"} {
			l.coverNone(global, "organizations", op)
		}
		return
	case ok:
		org := v.Organization
		o.Member = model.Known(true, at(a.file, "Organization"))
		o.ID, o.ARN, o.FeatureSet, o.ManagementAccountID = org.ID, org.Arn, org.FeatureSet, org.MasterAccountID
	default:
		o.Member = unknown[bool](a.reason(), a.src())
	}

	byID := map[string]*awsm.OrgPolicy{}
	policyOf := func(s orgSummary, src model.Source) *awsm.OrgPolicy {
		if p, ok := byID[s.ID]; ok {
			return p
		}
		p := &awsm.OrgPolicy{ID: s.ID, ARN: s.Arn, Name: s.Name, Type: s.Type, AWSManaged: s.AwsManaged, Source: src}
		byID[s.ID] = p
		if !validFileKey(s.ID) {
			p.Document = unknown[*awsm.PolicyDocument]("policy ID "+s.ID+" cannot be a file key", src)
			return p
		}
		d := l.fetch(dir + "describe-policy/" + s.ID)
		var dv struct {
			Policy *struct {
				Content json.RawMessage `json:"Content"`
			} `json:"Policy"`
		}
		switch {
		case !l.decode(&d, &dv):
			p.Document = unknown[*awsm.PolicyDocument](d.reason(), d.src())
		case dv.Policy == nil:
			d = l.bad(d.file, 0, d.file+`: no "Policy" object`)
			p.Document = unknown[*awsm.PolicyDocument](d.reason(), d.src())
		default:
			p.Document = l.policy(dv.Policy.Content, at(d.file, "Policy.Content"))
		}
		l.done(global, "organizations", "describe-policy", &d, false)
		return p
	}
	listOf := func(file string, a *answer) (model.Value[[]*awsm.OrgPolicy], bool) {
		var lv struct {
			Policies []orgSummary `json:"Policies"`
		}
		if !l.decode(a, &lv) {
			return unknown[[]*awsm.OrgPolicy](a.reason(), a.src()), false
		}
		list := make([]*awsm.OrgPolicy, 0, len(lv.Policies))
		for i, s := range lv.Policies {
			list = append(list, policyOf(s, at(file, idx("Policies", i))))
		}
		sort.Slice(list, func(i, j int) bool { return list[i].ID < list[j].ID })
		return model.Known(list, at(file, "Policies")), true
	}

	for _, f := range orgFilters {
		la := l.fetch(dir + "list-policies/" + f)
		list, _ := listOf(la.file, &la)
		l.done(global, "organizations", "list-policies", &la, false)
		if f == awsm.OrgPolicySCP {
			o.SCPs = list
		} else {
			o.RCPs = list
		}
	}

	// The path: from the account up through its OUs to the root.
	var path []*awsm.OrgTarget
	child, childType := l.account(), "ACCOUNT"
	pathKnown := true
	var pathWhy answer
	for depth := 0; ; depth++ {
		t := &awsm.OrgTarget{ID: child, Type: childType}
		path = append(path, t)
		if childType == "ROOT" {
			break
		}
		if depth > 10 || !validFileKey(child) {
			// AWS nests OUs at most 5 deep: a longer chain is a loop.
			l.warn(dir+"list-parents", 0, "the path from account %s does not reach a root within 10 levels; path unknown", l.account())
			pathKnown, pathWhy = false, answer{kind: ansBad, file: dir + "list-parents", problem: "parent chain does not reach the root"}
			break
		}
		pa := l.fetch(dir + "list-parents/" + child)
		var pv struct {
			Parents []struct {
				ID   string `json:"Id"`
				Type string `json:"Type"`
			} `json:"Parents"`
		}
		ok := l.decode(&pa, &pv)
		if ok && len(pv.Parents) != 1 {
			pa = l.bad(pa.file, 0, pa.file+`: want exactly one entry in "Parents"`)
			ok = false
		}
		l.done(global, "organizations", "list-parents", &pa, false)
		if !ok {
			pathKnown, pathWhy = false, pa
			break
		}
		t.Source = at(pa.file, "Parents[0]")
		child, childType = pv.Parents[0].ID, pv.Parents[0].Type
	}
	if !pathKnown {
		o.Path = unknown[[]*awsm.OrgTarget](pathWhy.reason(), pathWhy.src())
		l.coverNone(global, "organizations", "list-policies-for-target")
		return
	}
	// Root first, the account last.
	for i, j := 0, len(path)-1; i < j; i, j = i+1, j-1 {
		path[i], path[j] = path[j], path[i]
	}
	for _, t := range path {
		for _, f := range orgFilters {
			ta := l.fetch(dir + "list-policies-for-target/" + t.ID + "." + f)
			list, _ := listOf(ta.file, &ta)
			l.done(global, "organizations", "list-policies-for-target", &ta, false)
			if f == awsm.OrgPolicySCP {
				t.SCPs = list
			} else {
				t.RCPs = list
			}
		}
		if t.Source.IsZero() {
			t.Source = t.SCPs.Source()
		}
	}
	o.Path = model.Known(path, at(dir+"list-parents", ""))
}
