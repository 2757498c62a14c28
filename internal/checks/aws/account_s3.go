package aws

import (
	"strings"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// accountS3PublicAccessBlockOff fails when the account-level S3 Block Public
// Access is not fully on: it is the one switch that protects every bucket,
// including the ones created tomorrow.
var accountS3PublicAccessBlockOff = check.AWS(check.Meta{
	ID:           "aws-s3-account-public-access-block-off",
	Title:        "Account-level S3 Block Public Access is not fully enabled",
	Severity:     check.High,
	Domain:       check.Exposure,
	Service:      "s3",
	ResourceType: awsm.TypeAccount,
	Rationale: "Account-level S3 Block Public Access overrides bucket policies and ACLs of every bucket in the account, " +
		"present and future. With all four settings on, a mistaken policy or ACL on one bucket cannot make data public.",
	Remediation: check.Remediation{
		Console: "S3 console > Block Public Access settings for this account > Edit: tick \"Block all public access\" " +
			"(all four settings) > Save changes. First confirm no bucket must stay public (e.g. serve it through CloudFront with OAC instead).",
		CLI: "aws s3control put-public-access-block --account-id <account-id> " +
			"--public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
		Terraform: "resource \"aws_s3_account_public_access_block\" \"this\" {\n" +
			"  block_public_acls       = true\n  ignore_public_acls      = true\n" +
			"  block_public_policy     = true\n  restrict_public_buckets = true\n}",
	},
	References: []string{
		"https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html",
		"https://docs.aws.amazon.com/AmazonS3/latest/userguide/configuring-block-public-access-account.html",
	},
	Frameworks: map[string][]string{CIS: {"2.1.4"}},
}, accountList, func(_ *check.Env, a *awsm.Account) check.Result {
	pab := a.S3PublicAccessBlock
	if model.IsFalse(pab.Configured) {
		return check.FailResult("account-level S3 Block Public Access is not configured (all four settings off)",
			check.Ev(pab.Configured.Source(), "no account-level public access block configuration (NoSuchPublicAccessBlockConfiguration)"))
	}
	settings := expPABSettings(pab)
	var unknown *expPABSetting
	off := 0
	for i := range settings {
		switch {
		case model.IsFalse(settings[i].v):
			off++
		case !settings[i].v.Known() && unknown == nil:
			unknown = &settings[i]
		}
	}
	if off > 0 {
		names := make([]string, 0, off)
		ev := make([]check.Evidence, 0, off)
		for _, s := range settings {
			if model.IsFalse(s.v) {
				names = append(names, s.name)
				ev = append(ev, check.Ev(s.v.Source(), "%s is off", s.name))
			}
		}
		return check.FailResult("account-level S3 Block Public Access settings off: "+strings.Join(names, ", "), ev...)
	}
	if unknown != nil {
		return check.UnknownOf("account-level S3 Block Public Access "+unknown.name, unknown.v)
	}
	return check.PassResult("all four account-level S3 Block Public Access settings are on")
})

// expPABSetting is one named Block Public Access setting.
type expPABSetting struct {
	name string
	v    model.Bool
}

// expPABSettings returns the four settings in the order AWS lists them; an
// array, not a slice, so that the PASS path does not allocate.
func expPABSettings(p awsm.PublicAccessBlock) [4]expPABSetting {
	return [4]expPABSetting{
		{"BlockPublicAcls", p.BlockPublicAcls},
		{"IgnorePublicAcls", p.IgnorePublicAcls},
		{"BlockPublicPolicy", p.BlockPublicPolicy},
		{"RestrictPublicBuckets", p.RestrictPublicBuckets},
	}
}
