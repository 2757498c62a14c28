package aws

import (
	"fmt"
	"strings"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// cloudtrailMultiRegionMissing is account-level: it fails when no trail
// records management events, read and write, in every region.
var cloudtrailMultiRegionMissing = check.AWS(check.Meta{
	ID:           "aws-cloudtrail-multi-region-missing",
	Title:        "No multi-region CloudTrail trail is logging management read and write events",
	Severity:     check.Critical,
	Domain:       check.Logging,
	Service:      "cloudtrail",
	ResourceType: awsm.TypeAccount,
	Rationale: "CloudTrail is the record of who did what in the account. Without a multi-region trail that is logging " +
		"all management events, activity in unused regions (a favourite place for attackers to run crypto-miners) and " +
		"read calls used for reconnaissance leave no trace, and incident response has nothing to work from.",
	Remediation: check.Remediation{
		Console: "CloudTrail console > Trails > Create trail (or edit an existing one): enable for all regions, " +
			"choose an S3 bucket and a KMS key, Log events: Management events with API activity Read and Write; " +
			"make sure the trail shows Logging: On.",
		CLI: "aws cloudtrail create-trail --name management-events --s3-bucket-name <log-bucket> --is-multi-region-trail " +
			"--enable-log-file-validation --kms-key-id <kms-key-arn> && " +
			"aws cloudtrail put-event-selectors --trail-name management-events " +
			"--event-selectors '[{\"ReadWriteType\":\"All\",\"IncludeManagementEvents\":true}]' && " +
			"aws cloudtrail start-logging --name management-events",
		Terraform: "resource \"aws_cloudtrail\" \"management\" {\n  name                       = \"management-events\"\n" +
			"  s3_bucket_name             = aws_s3_bucket.trail.id\n  is_multi_region_trail      = true\n" +
			"  include_global_service_events = true\n  enable_logging             = true\n" +
			"  enable_log_file_validation = true\n  kms_key_id                 = aws_kms_key.trail.arn\n" +
			"  event_selector {\n    read_write_type           = \"All\"\n    include_management_events = true\n  }\n}",
	},
	References: []string{
		"https://docs.aws.amazon.com/awscloudtrail/latest/userguide/receive-cloudtrail-log-files-from-multiple-regions.html",
		"https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-management-events-with-cloudtrail.html",
	},
	Frameworks: map[string][]string{CIS: {"3.1"}},
}, accountList, func(env *check.Env, _ *awsm.Account) check.Result {
	return logMultiRegionTrail(env.AWS.Trails)
})

// cloudtrailLogValidationDisabled fails for trails without log file integrity
// validation.
var cloudtrailLogValidationDisabled = check.AWS(check.Meta{
	ID:           "aws-cloudtrail-log-validation-disabled",
	Title:        "CloudTrail trail does not validate log file integrity",
	Severity:     check.Medium,
	Domain:       check.Logging,
	Service:      "cloudtrail",
	ResourceType: awsm.TypeTrail,
	Rationale: "Log file validation makes CloudTrail deliver signed digest files, so that a log file deleted or " +
		"altered after delivery (say by an intruder covering their tracks) can be detected with " +
		"`aws cloudtrail validate-logs`.",
	Remediation: check.Remediation{
		Console:   "CloudTrail console > Trails > the trail > General details > Edit > Additional settings: tick \"Log file validation: Enabled\" > Save changes.",
		CLI:       "aws cloudtrail update-trail --name <trail-name> --enable-log-file-validation",
		Terraform: "resource \"aws_cloudtrail\" \"this\" {\n  # ...\n  enable_log_file_validation = true\n}",
	},
	References: []string{"https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-intro.html"},
	Frameworks: map[string][]string{CIS: {"3.2"}},
}, logTrailList, logTrailValidation)

func logTrailValidation(_ *check.Env, t *awsm.Trail) check.Result {
	switch {
	case !t.LogFileValidation.Known():
		return check.UnknownOf("LogFileValidationEnabled", t.LogFileValidation)
	case model.IsFalse(t.LogFileValidation):
		return check.FailResult("log file validation is disabled",
			check.Ev(t.LogFileValidation.Source(), "LogFileValidationEnabled is false"))
	}
	return check.PassResult("log file validation is enabled")
}

// cloudtrailKMSEncryptionMissing fails for trails whose log files are only
// encrypted with S3-managed keys.
var cloudtrailKMSEncryptionMissing = check.AWS(check.Meta{
	ID:           "aws-cloudtrail-kms-encryption-missing",
	Title:        "CloudTrail trail logs are not encrypted with a KMS key",
	Severity:     check.Medium,
	Domain:       check.Logging,
	Service:      "cloudtrail",
	ResourceType: awsm.TypeTrail,
	Rationale: "With SSE-KMS, reading the trail's log files needs kms:Decrypt on the key as well as s3:GetObject on " +
		"the bucket: a second, separately audited control over who can read the account's activity record.",
	Remediation: check.Remediation{
		Console: "CloudTrail console > Trails > the trail > General details > Edit: Log file SSE-KMS encryption: Enabled, " +
			"choose or create a customer managed key whose policy lets cloudtrail.amazonaws.com encrypt > Save changes.",
		CLI:       "aws cloudtrail update-trail --name <trail-name> --kms-key-id <kms-key-arn>",
		Terraform: "resource \"aws_cloudtrail\" \"this\" {\n  # ...\n  kms_key_id = aws_kms_key.cloudtrail.arn\n}",
	},
	References: []string{"https://docs.aws.amazon.com/awscloudtrail/latest/userguide/encrypting-cloudtrail-log-files-with-aws-kms.html"},
	Frameworks: map[string][]string{CIS: {"3.5"}},
}, logTrailList, logTrailKMS)

func logTrailKMS(_ *check.Env, t *awsm.Trail) check.Result {
	key, ok := t.KMSKeyID.Get()
	switch {
	case !ok:
		return check.UnknownOf("KmsKeyId", t.KMSKeyID)
	case key == "":
		return check.FailResult("the trail's log files are not encrypted with a KMS key",
			check.Ev(t.KMSKeyID.Source(), "the trail has no KmsKeyId"))
	}
	return check.PassResult("the trail's log files are encrypted with a KMS key")
}

// logTrailList lists the account's trails; none when describe-trails was not
// collected (the account-level check then reports UNKNOWN).
func logTrailList(inv *awsm.Inventory) []*awsm.Trail { return inv.Trails.Or(nil) }

// logTri is a three-valued answer.
type logTri int8

const (
	logNo logTri = iota
	logYes
	logUnknown
)

func logTriOf(b model.Bool) logTri {
	switch {
	case !b.Known():
		return logUnknown
	case model.IsTrue(b):
		return logYes
	}
	return logNo
}

// logRecordsManagementRW says whether a trail's event selectors record all
// management events, read and write. get-event-selectors answers with either
// basic or advanced selectors, so one known list is enough to decide.
func logRecordsManagementRW(t *awsm.Trail) logTri {
	basic, basicOK := t.EventSelectors.Get()
	adv, advOK := t.AdvancedSelectors.Get()
	if !basicOK && !advOK {
		return logUnknown
	}
	for _, s := range basic {
		if s.IncludeManagementEvents && s.ReadWriteType == "All" {
			return logYes
		}
	}
	for i := range adv {
		if logAdvancedManagementRW(&adv[i]) {
			return logYes
		}
	}
	return logNo
}

// logAdvancedManagementRW reports whether an advanced selector selects
// management events without a readOnly field, i.e. both reads and writes.
func logAdvancedManagementRW(s *awsm.AdvancedEventSelector) bool {
	management := false
	for _, f := range s.FieldSelectors {
		switch {
		case strings.EqualFold(f.Field, "readOnly"):
			return false
		case strings.EqualFold(f.Field, "eventCategory"):
			for _, v := range f.Equals {
				if v == "Management" {
					management = true
				}
			}
		}
	}
	return management
}

// logTrailQualifies is the allocation-free test used to find a good trail.
func logTrailQualifies(t *awsm.Trail) bool {
	return model.IsTrue(t.IsMultiRegion) && model.IsTrue(t.IsLogging) && logRecordsManagementRW(t) == logYes
}

func logMultiRegionTrail(trails awsm.TrailList) check.Result {
	return logAccountTrail(trails, "all management events, read and write", logRecordsManagementRW)
}

// logAccountTrail is the account-level trail question several checks ask:
// is some trail multi-region, logging, and recording what (records says
// whether a trail's selectors do)? When none is, the evidence says for each
// trail why not, or what is missing to tell; UNKNOWN when a trail could not
// be assessed and none is known to qualify.
func logAccountTrail(trails awsm.TrailList, what string, records func(*awsm.Trail) logTri) check.Result {
	list, ok := trails.Get()
	if !ok {
		return check.UnknownOf("CloudTrail trail list (describe-trails)", trails)
	}
	for _, t := range list {
		if model.IsTrue(t.IsMultiRegion) && model.IsTrue(t.IsLogging) && records(t) == logYes {
			return check.PassResult("trail " + t.Name + " is multi-region, logging, and records " + what)
		}
	}
	if len(list) == 0 {
		return check.FailResult("the account has no CloudTrail trail", check.Ev(trails.Source(), "describe-trails lists no trails"))
	}
	ev := make([]check.Evidence, 0, len(list))
	unknown := 0
	for _, t := range list {
		var not, missing []string
		switch logTriOf(t.IsMultiRegion) {
		case logNo:
			not = append(not, "not multi-region")
		case logUnknown:
			missing = append(missing, "IsMultiRegionTrail "+t.IsMultiRegion.Reason())
		}
		switch logTriOf(t.IsLogging) {
		case logNo:
			not = append(not, "not logging (IsLogging false)")
		case logUnknown:
			missing = append(missing, "trail status (IsLogging) "+t.IsLogging.Reason())
		}
		switch records(t) {
		case logNo:
			not = append(not, "event selectors do not record "+what)
		case logUnknown:
			missing = append(missing, "event selectors "+t.EventSelectors.Reason())
		}
		if len(not) > 0 {
			ev = append(ev, check.Ev(t.Source, "trail %s does not qualify: %s", logTrailName(t), strings.Join(not, "; ")))
			continue
		}
		unknown++
		ev = append(ev, check.Ev(t.Source, "trail %s cannot be assessed: %s", logTrailName(t), strings.Join(missing, "; ")))
	}
	if unknown > 0 {
		return check.UnknownResult(fmt.Sprintf("no trail is known to be multi-region, logging and recording %s; %d of %d trail(s) could not be assessed",
			what, unknown, len(list)), ev...)
	}
	return check.FailResult(fmt.Sprintf("none of the %d trail(s) is multi-region, logging and recording %s", len(list), what), ev...)
}

// logTrailName names a trail for evidence: name and ARN.
func logTrailName(t *awsm.Trail) string {
	if t.Name == "" {
		return t.ARN
	}
	return t.Name + " (" + t.ARN + ")"
}
