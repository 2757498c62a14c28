package fakeaws

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"strings"
)

// Wire protocols of the services issue 4's policy group reads: Lambda
// (REST-JSON), Secrets Manager and ECR (JSON 1.1), SQS (JSON 1.0). SNS
// (query), KMS and Organizations (JSON 1.1) are decoded with the other
// groups' services.

// policyJSONTargets are the X-Amz-Target prefixes of the JSON services.
var policyJSONTargets = map[string]string{
	"secretsmanager": "secretsmanager.",
	"ecr":            "AmazonEC2ContainerRegistry_V20150921.",
	"sqs":            "AmazonSQS.",
}

const lambdaFunctionsPath = "/2015-03-31/functions/"

// decodePolicy finds the protocol and operation of a request to one of the
// policy group's services.
func (c *call) decodePolicy() error {
	if c.service == "lambda" {
		p := c.r.URL.EscapedPath()
		switch {
		case c.r.Method == http.MethodGet && (p == lambdaFunctionsPath || p+"/" == lambdaFunctionsPath):
			c.action = "ListFunctions"
		case c.r.Method == http.MethodGet && strings.HasPrefix(p, lambdaFunctionsPath) && strings.HasSuffix(p, "/policy") &&
			strings.Count(strings.TrimPrefix(p, lambdaFunctionsPath), "/") == 1:
			c.action = "GetPolicy"
		case c.r.Method == http.MethodGet && strings.HasPrefix(p, lambdaTagsPath):
			c.action = "ListTags"
		default:
			return fmt.Errorf("unknown Lambda request %s %s", c.r.Method, p)
		}
		c.proto = protoRESTJSON
		return nil
	}
	t, prefix := c.r.Header.Get("X-Amz-Target"), policyJSONTargets[c.service]
	if prefix == "" || !strings.HasPrefix(t, prefix) {
		return fmt.Errorf("X-Amz-Target %q is not a %s operation", t, c.service)
	}
	c.action = strings.TrimPrefix(t, prefix)
	c.proto = protoJSON
	return nil
}

// orgFromSnapshot answers DescribeOrganization from the caller's snapshot
// when it holds the answer and the scenario does not model the caller as
// an organization's management account (Scenario.Org): a single account's
// snapshot, or a member account, which AWS lets describe its organization.
// It reports whether it answered.
func (s *Server) orgFromSnapshot(c *call) bool {
	if (s.sc.Org != nil && !c.member) || c.action != "DescribeOrganization" {
		return false
	}
	const file = "global/organizations/describe-organization"
	if e, ok := s.errorFile(c, file); ok {
		s.writeError(c, e)
		return true
	}
	raw, err := fs.ReadFile(c.snap, file+".json")
	if errors.Is(err, fs.ErrNotExist) {
		return false
	}
	if err != nil {
		s.writeError(c, Error{Code: "InternalFailure", Message: fmt.Sprintf("fakeaws: %s.json: %v", file, err), Status: 500})
		return true
	}
	writeJSON(c.w, http.StatusOK, "application/x-amz-json-1.1", jsonRaw(raw))
	return true
}

// jsonRaw is CLI JSON passed through: DescribeOrganization's CLI output
// has the wire shape.
type jsonRaw []byte

func (j jsonRaw) MarshalJSON() ([]byte, error) { return j, nil }
