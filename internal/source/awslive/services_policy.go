package awslive

// policyServices are collected for issue 4's extra operations; the group's
// collectors live in this file.
var policyServices = []service{}

// policyPermissions are the IAM actions of policyServices.
var policyPermissions = []string{}
