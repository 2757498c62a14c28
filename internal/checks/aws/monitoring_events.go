package aws

import "github.com/cloudward/cloudward/internal/cwfilter"

// Synthetic CloudTrail events, as CloudTrail delivers them to CloudWatch
// Logs, one per event a CIS section 4 metric filter must count. A filter
// covers a control when it matches every one of them: this judges a filter
// by what it matches, so reordered terms, regrouped ||, extra spacing and
// broader filters pass, and a filter that drops one event fails naming it.

// monEvent builds an API call event of an IAM user from the given service.
func monEvent(label, source, name string, extra map[string]any) cwfilter.Event {
	f := map[string]any{
		"eventVersion": "1.09",
		"userIdentity": map[string]any{
			"type": "IAMUser", "principalId": "AIDAEXAMPLEUSER00001", "accountId": "111122223333",
			"arn": "arn:aws:iam::111122223333:user/alice", "userName": "alice",
			"sessionContext": map[string]any{"attributes": map[string]any{"mfaAuthenticated": "true"}},
		},
		"eventTime":          "2026-11-20T08:14:02Z",
		"eventSource":        source,
		"eventName":          name,
		"awsRegion":          "us-east-1",
		"sourceIPAddress":    "203.0.113.24",
		"userAgent":          "aws-cli/2.17.0",
		"requestParameters":  map[string]any{},
		"responseElements":   nil,
		"eventType":          "AwsApiCall",
		"readOnly":           false,
		"managementEvent":    true,
		"eventCategory":      "Management",
		"recipientAccountId": "111122223333",
	}
	for k, v := range extra {
		f[k] = v
	}
	return cwfilter.Event{Label: label, Fields: f}
}

// monCalls is one event per API call of a service.
func monCalls(source string, names ...string) []cwfilter.Event {
	out := make([]cwfilter.Event, len(names))
	for i, n := range names {
		out[i] = monEvent(n, source, n, nil)
	}
	return out
}

// monConsoleLogin is a console sign-in event.
func monConsoleLogin(label, identityType, result, mfa string, extra map[string]any) cwfilter.Event {
	x := map[string]any{
		"userIdentity":        map[string]any{"type": identityType, "principalId": "AIDAEXAMPLEUSER00001", "accountId": "111122223333", "userName": "alice"},
		"eventType":           "AwsConsoleSignIn",
		"readOnly":            false,
		"requestParameters":   nil,
		"responseElements":    map[string]any{"ConsoleLogin": result},
		"additionalEventData": map[string]any{"MFAUsed": mfa, "LoginTo": "https://console.aws.amazon.com/console/home", "MobileVersion": "No"},
	}
	for k, v := range extra {
		x[k] = v
	}
	return monEvent(label, "signin.amazonaws.com", "ConsoleLogin", x)
}

var (
	monUnauthorizedEvents = []cwfilter.Event{
		monEvent("errorCode Client.UnauthorizedOperation (EC2)", "ec2.amazonaws.com", "RunInstances",
			map[string]any{"errorCode": "Client.UnauthorizedOperation", "errorMessage": "You are not authorized to perform this operation."}),
		monEvent("errorCode UnauthorizedOperation", "ec2.amazonaws.com", "CreateVpc",
			map[string]any{"errorCode": "UnauthorizedOperation", "errorMessage": "You are not authorized to perform this operation."}),
		monEvent("errorCode AccessDenied (S3)", "s3.amazonaws.com", "PutBucketPolicy",
			map[string]any{"errorCode": "AccessDenied", "errorMessage": "Access Denied"}),
		monEvent("errorCode AccessDeniedException", "iam.amazonaws.com", "ListUsers",
			map[string]any{"errorCode": "AccessDeniedException", "errorMessage": "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: iam:ListUsers"}),
	}
	monConsoleNoMFAEvents = []cwfilter.Event{
		monConsoleLogin("ConsoleLogin without MFA", "IAMUser", "Success", "No", nil),
	}
	monRootEvents = []cwfilter.Event{
		monEvent("root API call", "iam.amazonaws.com", "CreateAccessKey", map[string]any{
			"userIdentity": map[string]any{"type": "Root", "principalId": "111122223333", "arn": "arn:aws:iam::111122223333:root", "accountId": "111122223333"},
		}),
		monConsoleLogin("root ConsoleLogin", "Root", "Success", "Yes", map[string]any{
			"userIdentity": map[string]any{"type": "Root", "principalId": "111122223333", "arn": "arn:aws:iam::111122223333:root", "accountId": "111122223333"},
		}),
	}
	monIAMPolicyEvents = monCalls("iam.amazonaws.com",
		"DeleteGroupPolicy", "DeleteRolePolicy", "DeleteUserPolicy", "PutGroupPolicy", "PutRolePolicy", "PutUserPolicy",
		"CreatePolicy", "DeletePolicy", "CreatePolicyVersion", "DeletePolicyVersion",
		"AttachRolePolicy", "DetachRolePolicy", "AttachUserPolicy", "DetachUserPolicy", "AttachGroupPolicy", "DetachGroupPolicy")
	monCloudTrailEvents  = monCalls("cloudtrail.amazonaws.com", "CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging")
	monAuthFailureEvents = []cwfilter.Event{
		monConsoleLogin("failed ConsoleLogin", "IAMUser", "Failure", "No", map[string]any{"errorMessage": "Failed authentication"}),
	}
	monCMKEvents      = monCalls("kms.amazonaws.com", "DisableKey", "ScheduleKeyDeletion")
	monS3PolicyEvents = monCalls("s3.amazonaws.com",
		"PutBucketAcl", "PutBucketPolicy", "PutBucketCors", "PutBucketLifecycle", "PutBucketReplication",
		"DeleteBucketPolicy", "DeleteBucketCors", "DeleteBucketLifecycle", "DeleteBucketReplication")
	monConfigEvents = monCalls("config.amazonaws.com",
		"StopConfigurationRecorder", "DeleteDeliveryChannel", "PutDeliveryChannel", "PutConfigurationRecorder")
	monSGEvents = monCalls("ec2.amazonaws.com",
		"AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress", "RevokeSecurityGroupIngress",
		"RevokeSecurityGroupEgress", "CreateSecurityGroup", "DeleteSecurityGroup")
	monNACLEvents = monCalls("ec2.amazonaws.com",
		"CreateNetworkAcl", "CreateNetworkAclEntry", "DeleteNetworkAcl", "DeleteNetworkAclEntry",
		"ReplaceNetworkAclEntry", "ReplaceNetworkAclAssociation")
	monGatewayEvents = monCalls("ec2.amazonaws.com",
		"CreateCustomerGateway", "DeleteCustomerGateway", "AttachInternetGateway", "CreateInternetGateway",
		"DeleteInternetGateway", "DetachInternetGateway")
	monRouteEvents = monCalls("ec2.amazonaws.com",
		"CreateRoute", "CreateRouteTable", "ReplaceRoute", "ReplaceRouteTableAssociation",
		"DeleteRouteTable", "DeleteRoute", "DisassociateRouteTable")
	monVPCEvents = monCalls("ec2.amazonaws.com",
		"CreateVpc", "DeleteVpc", "ModifyVpcAttribute", "AcceptVpcPeeringConnection", "CreateVpcPeeringConnection",
		"DeleteVpcPeeringConnection", "RejectVpcPeeringConnection", "AttachClassicLinkVpc", "DetachClassicLinkVpc",
		"DisableVpcClassicLink", "EnableVpcClassicLink")
	monOrganizationsEvents = monCalls("organizations.amazonaws.com",
		"AcceptHandshake", "AttachPolicy", "CreateAccount", "CreateOrganizationalUnit", "CreatePolicy",
		"DeclineHandshake", "DeleteOrganization", "DeleteOrganizationalUnit", "DeletePolicy", "DetachPolicy",
		"DisablePolicyType", "EnablePolicyType", "InviteAccountToOrganization", "LeaveOrganization", "MoveAccount",
		"RemoveAccountFromOrganization", "UpdatePolicy", "UpdateOrganizationalUnit")
)
