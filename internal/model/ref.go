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
}

// Resource is implemented by every resource of the model.
type Resource interface {
	Ref() Ref
}

// Tags are a resource's tags. A nil map with Known false means not collected.
type Tags = Value[map[string]string]
