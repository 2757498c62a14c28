package awslive

// cisServices are collected for issue 4's extra operations; the group's
// collectors live in this file.
var cisServices = []service{}

// cisPermissions are the IAM actions of cisServices.
var cisPermissions = []string{}
