package aws

import (
	"strings"

	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// This file holds IAM-policy helpers shared by the identity and exposure
// checks. They read parsed documents only and do not allocate, because they
// run for every statement of every policy on every scan.

// policyRestrictingKeys are the condition keys that narrow WHO (which
// account, organisation, network, principal or calling service) can use a
// statement. Compared case-insensitively, as AWS compares condition keys.
var policyRestrictingKeys = [...]string{
	"aws:SourceArn",
	"aws:SourceAccount",
	"aws:SourceOwner",
	"aws:SourceOrgID",
	"aws:SourceOrgPaths",
	"aws:SourceVpc",
	"aws:SourceVpce",
	"aws:SourceIp",
	"aws:VpcSourceIp",
	"aws:PrincipalOrgID",
	"aws:PrincipalOrgPaths",
	"aws:PrincipalAccount",
	"aws:PrincipalArn",
	"aws:PrincipalServiceName",
	"aws:userid",
	"aws:username",
	"aws:ResourceOrgID",
	"sts:ExternalId",
	"s3:DataAccessPointAccount",
	"s3:DataAccessPointArn",
	"aws:MultiFactorAuthPresent",
	"aws:MultiFactorAuthAge",
}

// policyConditionRestricts reports whether a statement's Condition
// meaningfully narrows who can use it. Conditions are ANDed, so one
// restricting entry is enough. An entry restricts when all of these hold:
//
//   - its key is one of policyRestrictingKeys (case-insensitive);
//   - its operator is a positive match: StringEquals, StringEqualsIgnoreCase,
//     StringLike, ArnEquals, ArnLike or IpAddress, optionally prefixed with
//     "ForAnyValue:". Negated operators (StringNotEquals, NotIpAddress, ...)
//     only exclude some callers; "...IfExists" operators and "ForAllValues:"
//     are true when the request lacks the key, so neither narrows anything;
//     "Null" only asks for presence;
//   - it has at least one value and no value matches everyone: a value made
//     only of the wildcards '*' and '?' (e.g. "*"), or, for aws:SourceIp and
//     aws:VpcSourceIp, 0.0.0.0/0 or ::/0;
//   - for aws:MultiFactorAuthPresent the operator is Bool (or StringEquals)
//     and every value is "true"; for aws:MultiFactorAuthAge the operator is
//     NumericLessThan or NumericLessThanEquals (a request without MFA has no
//     age and fails it).
func policyConditionRestricts(st awsm.Statement) bool {
	for i := range st.Condition {
		if policyConditionEntryRestricts(&st.Condition[i]) {
			return true
		}
	}
	return false
}

func policyConditionEntryRestricts(c *awsm.Condition) bool {
	if !policyIsRestrictingKey(c.Key) || len(c.Values) == 0 {
		return false
	}
	op := c.Operator
	if len(op) > len("ForAnyValue:") && strings.EqualFold(op[:len("ForAnyValue:")], "ForAnyValue:") {
		op = op[len("ForAnyValue:"):]
	}
	switch {
	case strings.EqualFold(c.Key, "aws:MultiFactorAuthPresent"):
		if !strings.EqualFold(op, "Bool") && !strings.EqualFold(op, "StringEquals") &&
			!strings.EqualFold(op, "StringEqualsIgnoreCase") {
			return false
		}
		for _, v := range c.Values {
			if !strings.EqualFold(v, "true") {
				return false
			}
		}
		return true
	case strings.EqualFold(c.Key, "aws:MultiFactorAuthAge"):
		return strings.EqualFold(op, "NumericLessThan") || strings.EqualFold(op, "NumericLessThanEquals")
	}
	switch {
	case strings.EqualFold(op, "StringEquals"), strings.EqualFold(op, "StringEqualsIgnoreCase"),
		strings.EqualFold(op, "StringLike"), strings.EqualFold(op, "ArnEquals"),
		strings.EqualFold(op, "ArnLike"), strings.EqualFold(op, "IpAddress"):
	default:
		return false
	}
	isIP := strings.EqualFold(c.Key, "aws:SourceIp") || strings.EqualFold(c.Key, "aws:VpcSourceIp")
	for _, v := range c.Values {
		if policyIsAllWildcard(v) {
			return false
		}
		if isIP && policyIsAnyIP(v) {
			return false
		}
	}
	return true
}

func policyIsRestrictingKey(key string) bool {
	for _, k := range policyRestrictingKeys {
		if strings.EqualFold(key, k) {
			return true
		}
	}
	return false
}

// policyIsAllWildcard reports whether a condition value matches any string:
// empty or made only of '*' and '?'... "?" alone matches one character, but
// no real identifier is that short, so it is treated as a wildcard too.
func policyIsAllWildcard(v string) bool {
	for i := 0; i < len(v); i++ {
		if v[i] != '*' && v[i] != '?' {
			return false
		}
	}
	return true
}

// policyIsAnyIP reports whether a CIDR covers every address of its family.
func policyIsAnyIP(v string) bool {
	v = strings.TrimSpace(v)
	return v == "0.0.0.0/0" || v == "::/0" || v == "0::/0" || v == "0:0:0:0:0:0:0:0/0"
}

// policyIsAdminStatement reports whether a statement grants full
// administrator access: Allow, Action "*" or "*:*", Resource "*", and no
// condition that narrows who can use it. MFA conditions do not count here:
// "admin when signed in with MFA" is still an administrator, so
// policyAdminConditionRestricts ignores them.
func policyIsAdminStatement(st *awsm.Statement) bool {
	return st.IsAllow() && st.HasWildcardAction() && st.HasWildcardResource() && !policyAdminConditionRestricts(st)
}

// policyAdminConditionRestricts is policyConditionRestricts without the MFA
// keys, for identity policies that grant admin rights.
func policyAdminConditionRestricts(st *awsm.Statement) bool {
	for i := range st.Condition {
		c := &st.Condition[i]
		if strings.EqualFold(c.Key, "aws:MultiFactorAuthPresent") || strings.EqualFold(c.Key, "aws:MultiFactorAuthAge") {
			continue
		}
		if policyConditionEntryRestricts(c) {
			return true
		}
	}
	return false
}

// policyAdminStatement returns the first admin statement of a document, or
// nil. A nil document (known "no policy") grants nothing.
func policyAdminStatement(doc *awsm.PolicyDocument) *awsm.Statement {
	if doc == nil {
		return nil
	}
	for i := range doc.Statements {
		if policyIsAdminStatement(&doc.Statements[i]) {
			return &doc.Statements[i]
		}
	}
	return nil
}

// policyIsAWSAdministratorAccess reports whether arn is the AWS-managed
// AdministratorAccess policy in any partition
// (arn:aws:iam::aws:policy/AdministratorAccess, arn:aws-cn:..., ...). Its
// meaning is known from the ARN even when its document was not collected.
func policyIsAWSAdministratorAccess(arn string) bool {
	const suffix = ":iam::aws:policy/AdministratorAccess"
	return strings.HasPrefix(arn, "arn:") && strings.HasSuffix(arn, suffix) &&
		strings.IndexByte(arn[len("arn:"):len(arn)-len(suffix)], ':') < 0
}

// policyActionAllowsAssumeRole reports whether an action pattern covers
// sts:AssumeRole: "*", "sts:*", "sts:AssumeRole" or a wildcard form of it
// such as "sts:AssumeRole*" or "sts:Assume*". AssumeRoleWithSAML and
// AssumeRoleWithWebIdentity are federation actions, judged separately.
func policyActionAllowsAssumeRole(action string) bool {
	return policyWildcardMatch(action, "sts:AssumeRole")
}

// policyWildcardMatch matches s against an IAM action pattern with '*' (any
// run) and '?' (one character), ignoring ASCII case as IAM does for actions.
func policyWildcardMatch(pattern, s string) bool {
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && pattern[p] != '*' && (pattern[p] == '?' || policyLowerASCII(pattern[p]) == policyLowerASCII(s[i])):
			p++
			i++
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

func policyLowerASCII(b byte) byte {
	if 'A' <= b && b <= 'Z' {
		return b + ('a' - 'A')
	}
	return b
}
