package aws

import "github.com/cloudward/cloudward/internal/check"

// identityChecks lists the identity checks (IAM users, root, roles,
// policies and the account password policy).
func identityChecks() []*check.Check {
	return []*check.Check{
		iamRootMFADisabled,
		iamRootAccessKeys,
		iamRootRecentlyUsed,
		iamUserConsoleMFAMissing,
		iamUserAdminAccess,
		iamUserDirectPolicies,
		iamAccessKeyNotRotated,
		iamAccessKeyUnused,
		iamUserPasswordUnused,
		iamUserMultipleActiveKeys,
		iamPasswordPolicyWeak,
		iamPolicyAdminWildcard,
		iamRoleTrustUnrestricted,
		iamUserSetupKeyUnused,
	}
}
