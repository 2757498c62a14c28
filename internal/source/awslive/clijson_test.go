package awslive

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func TestCLIJSON(t *testing.T) {
	ts := time.Date(2024, 6, 1, 12, 30, 5, 123456789, time.UTC)
	tests := []struct {
		name string
		v    any
		iam  bool
		want string
	}{
		{"empty output prints nothing", &s3.GetBucketVersioningOutput{}, false, ""},
		{"enum and nested struct", &s3.GetBucketVersioningOutput{Status: s3types.BucketVersioningStatusEnabled, MFADelete: s3types.MFADeleteStatusDisabled},
			false, "{\n    \"MFADelete\": \"Disabled\",\n    \"Status\": \"Enabled\"\n}\n"},
		{"timestamps as the CLI prints them, no HTML escaping", &iamtypes.Role{RoleName: aws.String("a<b>&c"), CreateDate: &ts},
			false, "{\n    \"CreateDate\": \"2024-06-01T12:30:05.123456+00:00\",\n    \"RoleName\": \"a<b>&c\"\n}\n"},
		{"whole seconds", &iamtypes.Role{CreateDate: aws.Time(ts.Truncate(time.Second))},
			false, "{\n    \"CreateDate\": \"2024-06-01T12:30:05+00:00\"\n}\n"},
		{"IAM policy documents decoded", &iamtypes.PolicyDetail{PolicyName: aws.String("p"), PolicyDocument: aws.String("%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D")},
			true, "{\n    \"PolicyDocument\": {\n        \"Version\": \"2012-10-17\",\n        \"Statement\": []\n    },\n    \"PolicyName\": \"p\"\n}\n"},
		{"not a document: kept as text", &iamtypes.PolicyDetail{PolicyDocument: aws.String("%ZZnot")},
			true, "{\n    \"PolicyDocument\": \"%ZZnot\"\n}\n"},
		{"maps and empty lists", &iam.GetAccountSummaryOutput{SummaryMap: map[string]int32{"Users": 3}},
			false, "{\n    \"SummaryMap\": {\n        \"Users\": 3\n    }\n}\n"},
		{"empty list kept", &iamtypes.Role{Tags: []iamtypes.Tag{}}, false, "{\n    \"Tags\": []\n}\n"},
		{"location null", locationOutput{}, false, "{\n    \"LocationConstraint\": null\n}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(cliJSON(tt.v, tt.iam)); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}
