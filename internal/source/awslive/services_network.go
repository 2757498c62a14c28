package awslive

// networkServices are collected for issue 4's extra operations; the group's
// collectors live in this file.
var networkServices = []service{}

// networkPermissions are the IAM actions of networkServices.
var networkPermissions = []string{}
