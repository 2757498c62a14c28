package aws

import (
	"fmt"
	"sort"
	"strings"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/iam"
	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// Data stores tagged as holding sensitive data, and who can read or write
// them (docs/iam.md "Sensitive data stores").

// sensitiveTagKeys are the classification tag keys, compared lower-cased
// with '-', '_' and spaces removed.
var sensitiveTagKeys = map[string]bool{
	"dataclassification": true, "classification": true, "sensitivity": true, "datasensitivity": true,
	"confidentiality": true, "dataclass": true,
}

// sensitiveTagValues are the classification values that mean sensitive,
// compared the same way.
var sensitiveTagValues = map[string]bool{
	"confidential": true, "highlyconfidential": true, "strictlyconfidential": true, "restricted": true,
	"sensitive": true, "highlysensitive": true, "secret": true, "topsecret": true,
	"pii": true, "phi": true, "pci": true, "pcidss": true, "hipaa": true, "gdpr": true,
}

// sensitiveFlagKeys are yes/no tags (contains-pii=true, ...).
var sensitiveFlagKeys = map[string]bool{"pii": true, "phi": true, "pci": true, "containspii": true, "containsphi": true,
	"containspci": true, "sensitive": true, "sensitivedata": true}

func normTag(s string) string {
	return strings.NewReplacer("-", "", "_", "", " ", "", ":", "").Replace(strings.ToLower(strings.TrimSpace(s)))
}

// sensitiveTag returns the first tag ("key=value", sorted by key) that
// classifies the resource as sensitive, or "".
func sensitiveTag(tags map[string]string) string {
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		nk, nv := normTag(k), normTag(tags[k])
		// A key with a prefix (acme:data-classification) counts too.
		base := nk
		if i := strings.LastIndexAny(strings.ToLower(k), ":/"); i >= 0 {
			base = normTag(k[i+1:])
		}
		switch {
		case (sensitiveTagKeys[nk] || sensitiveTagKeys[base]) && sensitiveTagValues[nv]:
			return k + "=" + tags[k]
		case (sensitiveFlagKeys[nk] || sensitiveFlagKeys[base]) && (nv == "true" || nv == "yes" || nv == "1"):
			return k + "=" + tags[k]
		}
	}
	return ""
}

// dataStore is one data store with its probes.
type dataStore struct {
	kind   string // "bucket", "DB instance", ...
	name   string
	id     awsm.Identity
	probes []iam.DataProbe
}

func dataStoreOf(r model.Resource) (dataStore, bool) {
	one := func(kind string, id awsm.Identity, read, write []string) dataStore {
		ds := dataStore{kind: kind, name: id.Name, id: id}
		if ds.name == "" {
			ds.name = id.ID
		}
		for _, a := range read {
			ds.probes = append(ds.probes, iam.DataProbe{Access: "read", Action: a, Resource: id.ARN})
		}
		for _, a := range write {
			ds.probes = append(ds.probes, iam.DataProbe{Access: "write", Action: a, Resource: id.ARN})
		}
		return ds
	}
	switch v := r.(type) {
	case *awsm.Bucket:
		obj := "arn:" + orAWS(v.Partition) + ":s3:::" + v.Name + "/*"
		ds := dataStore{kind: "bucket", name: v.Name, id: v.Identity}
		for _, p := range [][2]string{{"read", "s3:GetObject"}, {"write", "s3:PutObject"}, {"write", "s3:DeleteObject"}} {
			ds.probes = append(ds.probes, iam.DataProbe{Access: p[0], Action: p[1], Resource: obj, Base: obj})
		}
		return ds, true
	case *awsm.DBInstance:
		// Resetting the master password (ModifyDBInstance) gives full
		// access; a snapshot can be restored elsewhere and read.
		return one("DB instance", v.Identity, []string{"rds:CreateDBSnapshot", "rds:ModifyDBInstance"}, []string{"rds:ModifyDBInstance"}), true
	case *awsm.EFSFileSystem:
		return one("EFS file system", v.Identity, []string{"elasticfilesystem:ClientMount"}, []string{"elasticfilesystem:ClientWrite"}), true
	case *awsm.Secret:
		return one("secret", v.Identity, []string{"secretsmanager:GetSecretValue"}, []string{"secretsmanager:PutSecretValue"}), true
	case *awsm.Queue:
		return one("queue", v.Identity, []string{"sqs:ReceiveMessage"}, []string{"sqs:SendMessage"}), true
	case *awsm.LambdaFunction:
		// GetFunction returns the code and the environment variables; new
		// code sees every event the function is given.
		return one("Lambda function", v.Identity, []string{"lambda:GetFunction"}, []string{"lambda:UpdateFunctionCode"}), true
	case *awsm.Topic:
		return one("SNS topic", v.Identity, []string{"sns:Subscribe"}, []string{"sns:Publish"}), true
	case *awsm.ECRRepository:
		return one("ECR repository", v.Identity, []string{"ecr:BatchGetImage"}, []string{"ecr:PutImage"}), true
	}
	return dataStore{}, false
}

func orAWS(p string) string {
	if p == "" {
		return "aws"
	}
	return p
}

var iamSensitiveDataAccess = check.AWS(check.Meta{
	ID:       "aws-iam-sensitive-data-access",
	Title:    "Principals other than full administrators can read or write a data store tagged sensitive",
	Severity: check.Medium,
	Domain:   check.Identity,
	Service:  "iam",
	ResourceType: awsm.TypeBucket + ", " + awsm.TypeDBInstance + ", " + awsm.TypeEFSFileSystem + ", " +
		awsm.TypeSecret + ", " + awsm.TypeQueue + ", " + awsm.TypeLambdaFunction + ", " + awsm.TypeTopic + ", " + awsm.TypeECRRepository,
	Rationale: "Data stores tagged as sensitive (a data-classification, classification, sensitivity or confidentiality tag " +
		"with value confidential, restricted, sensitive, secret, pii, phi, pci, hipaa...; or pii/phi/pci=true) are " +
		"checked with cloudward's IAM engine: every user and role, and every outsider the store's resource policy names, " +
		"is asked the store's data actions (S3 GetObject/PutObject/DeleteObject on the bucket's objects, also on the key " +
		"prefixes its grants name; RDS CreateDBSnapshot/ModifyDBInstance; EFS ClientMount/ClientWrite; Secrets Manager " +
		"GetSecretValue/PutSecretValue; SQS ReceiveMessage/SendMessage; Lambda GetFunction/UpdateFunctionCode; SNS " +
		"Subscribe/Publish; ECR BatchGetImage/PutImage), with identity policies, boundaries, the " +
		"resource policy and collected SCPs/RCPs. Principals that can become one of them (assume a role, pass a role to " +
		"compute, create another user's credentials, run code on an instance with a profile) are listed with the path. " +
		"Full administrators are left out (aws-iam-principal-effective-admin reports them). Review that each listed " +
		"principal needs the access.",
	Remediation: check.Remediation{
		Console: "IAM console: for each listed principal, remove or narrow the statement named in the finding (resource ARNs, " +
			"conditions); for outsiders, edit the store's resource policy. Remove role trust or iam:PassRole grants that lead " +
			"to a listed role.",
		CLI: "cloudward iam who-can s3:GetObject 'arn:aws:s3:::<bucket>/*' --snapshot <dir>\n" +
			"aws iam detach-role-policy --role-name <role> --policy-arn <policy-arn>",
		Terraform: "data \"aws_iam_policy_document\" \"reader\" {\n  statement {\n    actions   = [\"s3:GetObject\"]\n" +
			"    resources = [\"arn:aws:s3:::<bucket>/<prefix-needed>/*\"]\n  }\n}",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html",
		"https://docs.aws.amazon.com/whitepapers/latest/tagging-best-practices/data-classification.html",
	},
}, func(inv *awsm.Inventory) []model.Resource {
	var out []model.Resource
	for _, b := range inv.Buckets {
		out = append(out, b)
	}
	for _, d := range inv.DBInstances {
		out = append(out, d)
	}
	for _, f := range inv.CIS.EFSFileSystems {
		out = append(out, f)
	}
	for _, s := range inv.PolicyHolders.Secrets {
		out = append(out, s)
	}
	for _, q := range inv.PolicyHolders.Queues {
		out = append(out, q)
	}
	for _, f := range inv.PolicyHolders.Functions {
		out = append(out, f)
	}
	for _, t := range inv.PolicyHolders.Topics {
		out = append(out, t)
	}
	for _, r := range inv.PolicyHolders.Repositories {
		out = append(out, r)
	}
	return out
}, func(env *check.Env, r model.Resource) check.Result {
	ds, ok := dataStoreOf(r)
	if !ok || ds.probes[0].Resource == "" || strings.HasSuffix(ds.probes[0].Resource, ":::/*") {
		// No ARN or name to ask about (IaC before deployment).
		return check.Skip()
	}
	tags, known := ds.id.Tags.Get()
	if !known {
		return check.UnknownOf("tags of "+ds.kind+" "+ds.name, ds.id.Tags)
	}
	tag := sensitiveTag(tags)
	if tag == "" {
		return check.Skip() // not classified as sensitive
	}
	what := fmt.Sprintf("%s %s (%s)", ds.kind, ds.name, tag)
	a := iamAnalysisOf(env.AWS)
	accessors, err := a.acct.DataAccess(ds.probes)
	if err != nil {
		return check.UnknownResult("who can access "+what+" is unknown: "+err.Error(), check.Ev(ds.id.Source, "%v", err))
	}
	tagEv := check.Ev(ds.id.Tags.Source(), "tagged %s", tag)
	var ev []check.Evidence
	admins := 0
	note := ""
	for i := range accessors {
		d := &accessors[i]
		if d.Admin {
			admins++
			continue
		}
		// The assumption about organization policies is the same for
		// every principal: said once (IaC has no organization data).
		if note == "" && !env.AWS.IaC && d.OrgNote != "" {
			note = d.OrgNote + ": " + d.OrgDetail
		}
		d.OrgNote = ""
		src := ds.id.Source
		if p := d.Principal; p.User != nil {
			src = p.User.Source
		} else if p.Role != nil {
			src = p.Role.Source
		}
		ev = append(ev, check.Ev(src, "%s", d.Describe()))
	}
	if n := len(ev); n > 0 {
		if note != "" {
			ev = append(ev, check.Ev(ds.id.Source, "%s", note))
		}
		return check.FailResult(fmt.Sprintf("%s can be read or written by %s other than full administrators", what, iamPlural(n, "principal")),
			append([]check.Evidence{tagEv}, ev...)...)
	}
	var incomplete []string
	for _, p := range a.acct.Principals {
		if len(p.Incomplete) > 0 && !(p.Role != nil && p.Role.IsServiceLinked()) {
			incomplete = append(incomplete, p.Label()+": "+p.Incomplete[0])
		}
	}
	if len(incomplete) > 0 {
		return check.UnknownResult("who can access "+what+" is unknown: the policies of "+iamPlural(len(incomplete), "principal")+" are incomplete",
			tagEv, check.Ev(ds.id.Source, "%s", strings.Join(incomplete, "; ")))
	}
	return check.PassResult(fmt.Sprintf("only full administrators and principals that can become one (%d) can read or write %s", admins, what), tagEv)
})
