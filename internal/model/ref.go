package model

// Ref identifies a resource in findings and reports.
type Ref struct {
	// ID is the ARN wherever the provider has one.
	ID string `json:"id"`
	// Type is the resource kind, e.g. "AWS::EC2::SecurityGroup".
	Type     string `json:"type"`
	Name     string `json:"name"`
	Region   string `json:"region"`
	Account  string `json:"account"`
	Provider string `json:"provider"`
	// Address is the IaC resource address, e.g.
	// module.data.aws_s3_bucket.logs["eu"]; empty for deployed resources.
	Address string `json:"address,omitempty"`
	// Location is where an IaC resource is declared (file and line range);
	// nil for deployed resources.
	Location *Source `json:"location,omitempty"`
	// ModuleCalls are the module call sites that led to an IaC resource,
	// outermost first.
	ModuleCalls []Source `json:"module_calls,omitempty"`
}

// Resource is implemented by every resource of the model. The Ref may be
// shared by all findings on the resource: treat it as read-only.
type Resource interface {
	Ref() *Ref
}

// Tags are a resource's tags. A nil map with Known false means not collected.
type Tags = Value[map[string]string]
