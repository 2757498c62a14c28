package iam

import (
	"strings"

	awsmodel "github.com/cloudward/cloudward/internal/model/aws"
)

// Escalation methods through compute that already runs with a role: EC2
// instances with an instance profile and Lambda functions with an execution
// role. Each is asked of the engine on the exact instance or function.

// instanceRoles maps each instance that has an instance profile to the role
// in that profile (matched by profile ARN, or by profile name when the paths
// differ). Terminated instances are left out.
func (a *Account) instanceRoles() []instanceRole {
	byProfile := map[string]*Principal{}
	byName := map[string]*Principal{}
	for _, p := range a.Principals {
		if p.Type != "role" {
			continue
		}
		for _, ip := range p.Role.InstanceProfiles {
			byProfile[ip] = p
			byName[lastSegment(ip)] = p
		}
	}
	var out []instanceRole
	for _, in := range a.Inv.Instances {
		prof, ok := in.InstanceProfile.Get()
		if !ok || prof == "" || in.ARN == "" {
			continue
		}
		if st, ok := in.State.Get(); ok && (st == "terminated" || st == "shutting-down") {
			continue
		}
		r := byProfile[prof]
		if r == nil {
			r = byName[lastSegment(prof)]
		}
		if r != nil {
			out = append(out, instanceRole{in, r})
		}
	}
	return out
}

type instanceRole struct {
	inst *awsmodel.Instance
	role *Principal
}

// instanceMethods are the ways to run code on, or read the credentials of,
// an existing instance: each needs all its actions, on the instance ARN or
// on the resource given (REGION replaced).
var instanceMethods = []struct {
	name    string
	actions [][2]string // action, resource ("" = the instance)
}{
	{"ssm:SendCommand", [][2]string{{"ssm:SendCommand", ""}, {"ssm:SendCommand", "arn:aws:ssm:REGION::document/AWS-RunShellScript"}}},
	{"ssm:StartSession", [][2]string{{"ssm:StartSession", ""}}},
	{"ec2-instance-connect:SendSSHPublicKey", [][2]string{{"ec2-instance-connect:SendSSHPublicKey", ""}}},
	{"ec2:ModifyInstanceAttribute (userData) + ec2:StopInstances + ec2:StartInstances", [][2]string{
		{"ec2:ModifyInstanceAttribute", ""}, {"ec2:StopInstances", ""}, {"ec2:StartInstances", ""}}},
}

// computeEdges lists the roles p can act as by running code on an instance
// that has the role's profile, or by replacing the code of a Lambda function
// that runs with the role. seen holds the principals already reached.
func (a *Account) computeEdges(k *Asker, p *Principal, instances []instanceRole, seen map[*Principal]bool) []edge {
	var out []edge
	var methods []int
	for i, m := range instanceMethods {
		if mayAllow(p, m.actions[0][0]) {
			methods = append(methods, i)
		}
	}
	if len(methods) > 0 {
		for _, ir := range instances {
			if ir.role == p || seen[ir.role] {
				continue
			}
			for _, mi := range methods {
				m := instanceMethods[mi]
				ok := true
				for _, ar := range m.actions {
					res := ir.inst.ARN
					if ar[1] != "" {
						res = strings.ReplaceAll(ar[1], "REGION", ir.inst.Region)
					}
					if !k.Allowed(p, ar[0], res, nil) {
						ok = false
						break
					}
				}
				if ok {
					seen[ir.role] = true
					out = append(out, edge{ir.role, Step{Actor: p.Label(), Permission: m.name, Target: ir.inst.ARN,
						Gain: "the permissions of " + ir.role.Label() + " (instance profile of " + ir.inst.ID + ")"}})
					break
				}
			}
		}
	}
	if mayAllow(p, "lambda:UpdateFunctionCode") {
		for _, f := range a.Inv.PolicyHolders.Functions {
			roleARN, ok := f.Role.Get()
			if !ok || roleARN == "" || f.ARN == "" {
				continue
			}
			q := a.Principal(roleARN)
			if q == nil || q == p || seen[q] {
				continue
			}
			if k.Allowed(p, "lambda:UpdateFunctionCode", f.ARN, nil) {
				seen[q] = true
				out = append(out, edge{q, Step{Actor: p.Label(), Permission: "lambda:UpdateFunctionCode", Target: f.ARN,
					Gain: "the permissions of " + q.Label() + " (execution role of function " + f.Name + ")"}})
			}
		}
	}
	return out
}

// boundaryLift returns the step that removes or replaces p's permissions
// boundary on itself, or nil: iam:Delete{User,Role}PermissionsBoundary, or
// iam:Put{User,Role}PermissionsBoundary with a boundary of p's choosing.
func (a *Account) boundaryLift(k *Asker, p *Principal) *Step {
	if p.Input.Boundary == nil {
		return nil
	}
	kind := "User"
	if p.Type == "role" {
		kind = "Role"
	}
	for _, act := range []string{"iam:Delete" + kind + "PermissionsBoundary", "iam:Put" + kind + "PermissionsBoundary"} {
		if k.Allowed(p, act, p.ARN, nil) {
			return &Step{Actor: p.Label(), Permission: act, Target: p.ARN}
		}
	}
	return nil
}

// liftedGrants are the self-grants of a principal whose boundary caps it
// below admin but who may remove or replace that boundary: the boundary goes
// first, then its own policies already grant admin or another self-grant
// does.
func (a *Account) liftedGrants(k *Asker, p *Principal) []Step {
	lift := a.boundaryLift(k, p)
	if lift == nil {
		return nil
	}
	free := *p
	free.Input.Boundary = nil
	if ok, _ := k.IsAdmin(&free); ok {
		lift.Gain = gainAdmin + " by dropping its permissions boundary (its own policies grant admin)"
		return []Step{*lift}
	}
	rest := a.selfGrants(k, &free)
	if len(rest) == 0 {
		return nil
	}
	return []Step{{Actor: p.Label(), Permission: lift.Permission + " + " + rest[0].Permission, Target: rest[0].Target,
		Gain: rest[0].Gain + ", once its permissions boundary is gone"}}
}
