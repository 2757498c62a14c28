package aws

import "github.com/cloudward/cloudward/internal/model"

// ComplianceData is account data read only for compliance controls that no
// other group collects (issue 6): the account's SAML identity providers
// (CIS 1.21, identity federation) and Amazon Macie's status per region
// (CIS 2.1.3, S3 data discovery).
type ComplianceData struct {
	// SAMLProviders is unknown when iam list-saml-providers was not
	// collected or failed; known (maybe empty) otherwise. IAM Identity
	// Center creates one (AWSSSO_..._DO_NOT_DELETE) in every account it
	// grants access to.
	SAMLProviders model.Value[[]*SAMLProvider]
	// Macie is macie2 get-macie-session's status per region name: "ENABLED",
	// "PAUSED", or "DISABLED" when Macie answered that it is not enabled.
	// Unknown when not collected or denied; a region absent from the map
	// was not read at all.
	Macie map[string]String
	// OrgFeatures is iam list-organizations-features (CIS v7.0 2.1.1,
	// centralized root access): the IAM features enabled for the
	// organization (RootCredentialsManagement, RootSessions). Known empty
	// when IAM's trusted access is not enabled or the account is in no
	// organization (then NoOrganization is true); unknown when not
	// collected or denied (it answers only in the management account or a
	// delegated administrator).
	OrgFeatures    model.Value[[]string]
	NoOrganization bool
}

// MacieDisabled is the Macie status recorded when the service answers
// "Macie is not enabled" (there is no session to describe).
const MacieDisabled = "DISABLED"

// SAMLProvider is an IAM SAML identity provider (list-saml-providers).
type SAMLProvider struct {
	ARN    string
	Name   string // the last part of the ARN: saml-provider/NAME
	Source model.Source
}
