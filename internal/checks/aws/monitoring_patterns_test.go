package aws

import (
	"strings"
	"testing"

	"github.com/cloudward/cloudward/internal/cwfilter"
)

func monSpecFor(t *testing.T, control string) *monSpec {
	t.Helper()
	for i := range monSpecs {
		if monSpecs[i].control == control {
			return &monSpecs[i]
		}
	}
	t.Fatalf("no spec for CIS %s", control)
	return nil
}

// monCISPatterns are the filter patterns printed in the CIS AWS Foundations
// Benchmark v4.0.1 audit/remediation sections (4.2 has two), written as the
// document writes them: uneven spacing, bare and quoted values, and 4.1's and
// 4.13's mixed &&/|| without grouping.
var monCISPatterns = []struct{ control, pattern string }{
	{"4.1", `{($.errorCode ="*UnauthorizedOperation") || ($.errorCode ="AccessDenied*") && ($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket") }`},
	{"4.2", `{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }`},
	{"4.2", `{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }`},
	{"4.3", `{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }`},
	{"4.4", `{($.eventSource=iam.amazonaws.com) && (($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||($.eventName=DetachGroupPolicy))}`},
	{"4.5", `{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }`},
	{"4.6", `{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }`},
	{"4.7", `{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion)) }`},
	{"4.8", `{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }`},
	{"4.9", `{ ($.eventSource = config.amazonaws.com) && (($.eventName=StopConfigurationRecorder)||($.eventName=DeleteDeliveryChannel) ||($.eventName=PutDeliveryChannel)||($.eventName=PutConfigurationRecorder)) }`},
	{"4.10", `{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }`},
	{"4.11", `{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }`},
	{"4.12", `{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || ($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || ($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway) }`},
	{"4.13", `{($.eventSource = ec2.amazonaws.com) && ($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable) }`},
	{"4.14", `{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || ($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || ($.eventName = DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink) }`},
	{"4.15", `{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = "AcceptHandshake") || ($.eventName = "AttachPolicy") || ($.eventName = "CreateAccount") || ($.eventName = "CreateOrganizationalUnit") || ($.eventName = "CreatePolicy") || ($.eventName = "DeclineHandshake") || ($.eventName = "DeleteOrganization") || ($.eventName = "DeleteOrganizationalUnit") || ($.eventName = "DeletePolicy") || ($.eventName = "DetachPolicy") || ($.eventName = "DisablePolicyType") || ($.eventName = "EnablePolicyType") || ($.eventName = "InviteAccountToOrganization") || ($.eventName = "LeaveOrganization") || ($.eventName = "MoveAccount") || ($.eventName = "RemoveAccountFromOrganization") || ($.eventName = "UpdatePolicy") || ($.eventName = "UpdateOrganizationalUnit")) }`},
}

func TestMonitoringCISPatternsCover(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range monCISPatterns {
		seen[c.control] = true
		spec := monSpecFor(t, c.control)
		p, err := cwfilter.Parse(c.pattern)
		if err != nil {
			t.Errorf("CIS %s: %v", c.control, err)
			continue
		}
		if missing := p.Missing(spec.events); len(missing) > 0 {
			t.Errorf("CIS %s pattern misses %v", c.control, missing)
		}
	}
	for _, s := range monSpecs {
		if !seen[s.control] {
			t.Errorf("no CIS pattern tested for %s", s.control)
		}
		// The pattern the remediation recommends must pass its own check.
		p, err := cwfilter.Parse(s.pattern)
		if err != nil {
			t.Errorf("%s remediation pattern: %v", s.id(), err)
			continue
		}
		if missing := p.Missing(s.events); len(missing) > 0 {
			t.Errorf("%s remediation pattern misses %v", s.id(), missing)
		}
	}
}

// TestMonitoringPatternVariants are filters seen in real accounts and
// modules (Security Hub's CloudWatch.x controls, Terraform CIS modules,
// hand-written ones): equivalent, broader, and missing one event.
func TestMonitoringPatternVariants(t *testing.T) {
	tests := []struct {
		name, control, pattern string
		missing                []string // nil: covers
	}{
		// Equivalent.
		{"root, Security Hub spacing", "4.3", `{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}`, nil},
		{"IAM, CIS 1.x without eventSource, reordered", "4.4", `{($.eventName=AttachGroupPolicy)||($.eventName=DetachGroupPolicy)||($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)}`, nil},
		{"CloudTrail, multi-line, quoted", "4.5", "{\n  ($.eventName = \"StopLogging\") ||\n  ($.eventName = \"DeleteTrail\") ||\n  ($.eventName = \"UpdateTrail\") ||\n  ($.eventName = \"CreateTrail\") ||\n  ($.eventName = \"StartLogging\")\n}", nil},
		{"route tables, grouped correctly", "4.13", `{ ($.eventSource = "ec2.amazonaws.com") && (($.eventName = "CreateRoute") || ($.eventName = "CreateRouteTable") || ($.eventName = "ReplaceRoute") || ($.eventName = "ReplaceRouteTableAssociation") || ($.eventName = "DeleteRouteTable") || ($.eventName = "DeleteRoute") || ($.eventName = "DisassociateRouteTable")) }`, nil},
		{"console no MFA, no parentheses", "4.2", `{ $.eventName = "ConsoleLogin" && $.additionalEventData.MFAUsed != "Yes" }`, nil},
		{"auth failures, term pattern", "4.6", `"ConsoleLogin" "Failed authentication"`, nil},
		// Broader.
		{"IAM, wildcards", "4.4", `{ $.eventSource = "iam.amazonaws.com" && ($.eventName = "Put*Policy" || $.eventName = "Delete*Policy*" || $.eventName = "Attach*Policy" || $.eventName = "Detach*Policy" || $.eventName = "Create*Policy*") }`, nil},
		{"every KMS call", "4.7", `{ $.eventSource = kms.amazonaws.com }`, nil},
		{"security groups, wildcard", "4.10", `{ ($.eventSource = ec2.amazonaws.com) && ($.eventName = "*SecurityGroup*") }`, nil},
		{"unauthorized, any error code", "4.1", `{ $.errorCode = "*" }`, nil},
		{"Organizations, every call", "4.15", `{ $.eventSource = "organizations.amazonaws.com" }`, nil},
		{"NACL, regex", "4.11", `{ $.eventName = %NetworkAcl% }`, nil},
		// One event (or kind) missing.
		{"IAM without DetachGroupPolicy", "4.4", `{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)}`, []string{"DetachGroupPolicy"}},
		{"CloudTrail without StopLogging", "4.5", `{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) }`, []string{"StopLogging"}},
		{"KMS DisableKey only", "4.7", `{ ($.eventSource = kms.amazonaws.com) && ($.eventName = DisableKey) }`, []string{"ScheduleKeyDeletion"}},
		{"security groups without DeleteSecurityGroup", "4.10", `{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) }`, []string{"DeleteSecurityGroup"}},
		{"root API calls only", "4.3", `{ $.userIdentity.type = "Root" && $.eventType = "AwsApiCall" }`, []string{"root ConsoleLogin"}},
		{"unauthorized, EC2 only", "4.1", `{ $.errorCode = "*UnauthorizedOperation" }`, []string{"errorCode AccessDenied (S3)", "errorCode AccessDeniedException"}},
		{"S3 without PutBucketAcl, case typo", "4.8", `{ ($.eventSource = s3.amazonaws.com) && (($.eventName = putBucketAcl) || ($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }`, []string{"PutBucketAcl"}},
		{"route tables, wrong eventSource", "4.13", `{ ($.eventSource = ec2.amazonaws.com) && ($.eventName = CreateRoute) }`, []string{"CreateRouteTable", "ReplaceRoute", "ReplaceRouteTableAssociation", "DeleteRouteTable", "DeleteRoute", "DisassociateRouteTable"}},
		{"space-delimited cannot match JSON", "4.6", `[version, account, eventName = ConsoleLogin, ...]`, []string{"failed ConsoleLogin"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := monSpecFor(t, tt.control)
			p, err := cwfilter.Parse(tt.pattern)
			if err != nil {
				t.Fatal(err)
			}
			got := p.Missing(spec.events)
			if strings.Join(got, ",") != strings.Join(tt.missing, ",") {
				t.Errorf("missing %v, want %v", got, tt.missing)
			}
		})
	}
}
