package iam

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/cloudward/cloudward/internal/model"
	awsmodel "github.com/cloudward/cloudward/internal/model/aws"
)

// The default versions of a few common AWS managed policies. Terraform and
// CloudFormation attach them by ARN without defining them, so without this
// catalogue every such principal would be "unknown". Only policies whose
// exact document was checked against the AWS Managed Policy Reference are
// listed; any other AWS managed policy stays unknown.
//
//go:embed aws_managed_policies.json
var awsManagedJSON []byte

// BuiltinPolicy is one catalogued AWS managed policy.
type BuiltinPolicy struct {
	ARN      string
	Version  string
	Document *awsmodel.PolicyDocument
}

var (
	builtinOnce   sync.Once
	builtinByName map[string]*BuiltinPolicy
	builtinErr    error
)

// parseBuiltins decodes the catalogue; the name is used in error positions.
func parseBuiltins(data []byte, name string) (map[string]*BuiltinPolicy, error) {
	var file struct {
		Policies []struct {
			ARN      string          `json:"arn"`
			Version  string          `json:"version"`
			Document json.RawMessage `json:"document"`
		} `json:"policies"`
	}
	if err := json.Unmarshal(data, &file); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	out := map[string]*BuiltinPolicy{}
	for i, p := range file.Policies {
		pname, ok := awsManagedName(p.ARN)
		if !ok {
			return nil, fmt.Errorf("%s: policies[%d]: %q is not an AWS managed policy ARN", name, i, p.ARN)
		}
		if _, dup := out[pname]; dup {
			return nil, fmt.Errorf("%s: policies[%d]: %s listed twice", name, i, p.ARN)
		}
		src := model.Source{File: name, Path: "policies[" + strconv.Itoa(i) + "].document"}
		doc, err := awsmodel.ParsePolicy(p.Document, src)
		if err != nil {
			return nil, fmt.Errorf("%s: policies[%d] (%s): %w", name, i, p.ARN, err)
		}
		out[pname] = &BuiltinPolicy{ARN: p.ARN, Version: p.Version, Document: doc}
	}
	return out, nil
}

// awsManagedName returns the path and name of an AWS managed policy ARN in
// any partition ("AdministratorAccess", "job-function/ViewOnlyAccess").
func awsManagedName(arn string) (string, bool) {
	rest, ok := strings.CutPrefix(arn, "arn:")
	if !ok {
		return "", false
	}
	_, rest, ok = strings.Cut(rest, ":") // partition
	if !ok {
		return "", false
	}
	name, ok := strings.CutPrefix(rest, "iam::aws:policy/")
	return name, ok && name != ""
}

// BuiltinManagedPolicy returns the catalogued copy of an AWS managed policy
// (matched by path and name, so every partition shares it), or nil.
func BuiltinManagedPolicy(arn string) *BuiltinPolicy {
	builtinOnce.Do(func() {
		builtinByName, builtinErr = parseBuiltins(awsManagedJSON, "internal/iam/aws_managed_policies.json")
	})
	if builtinErr != nil {
		return nil // caught by TestBuiltinManagedPolicies
	}
	name, ok := awsManagedName(arn)
	if !ok {
		return nil
	}
	return builtinByName[name]
}
