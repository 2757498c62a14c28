package aws

import "github.com/cloudward/cloudward/internal/check"

// networkChecks lists the network checks.
func networkChecks() []*check.Check {
	return []*check.Check{
		sgSSHOpen,
		sgRDPOpen,
		sgAllPortsOpen,
		sgDBPortsOpen,
		sgDefaultHasRules,
		naclAdminPortsOpen,
		vpcFlowLogsDisabled,
		instanceIMDSv1,
	}
}
