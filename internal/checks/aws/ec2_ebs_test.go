package aws

import (
	"testing"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

func TestEBSVolumeUnencrypted(t *testing.T) {
	const file = "eu-west-1/ec2/describe-volumes.json"
	vol := func(enc model.Bool) *awsm.Inventory {
		return &awsm.Inventory{AccountID: netAccount, Volumes: []*awsm.Volume{{
			Identity: awsm.Identity{ARN: "arn:aws:ec2:eu-west-1:" + netAccount + ":volume/vol-049df61146c4d7901", ID: "vol-049df61146c4d7901",
				Region: "eu-west-1", AccountID: netAccount, Partition: "aws"},
			Encrypted:   enc,
			State:       model.Known("in-use", model.Source{File: file, Path: "Volumes[0].State"}),
			Size:        model.Known[int64](100, model.Source{File: file, Path: "Volumes[0].Size"}),
			InstanceIDs: []string{"i-0abcdef1234567890"},
		}}}
	}
	src := model.Source{File: file, Path: "Volumes[0].Encrypted"}
	netRun(t, ebsVolumeUnencrypted, []netCase{
		{"unencrypted", vol(model.Known(false, src)), check.Fail, []string{"Encrypted is false for vol-049df61146c4d7901"}},
		{"encrypted", vol(model.Known(true, src)), check.Pass, nil},
		{"not collected", vol(model.Unknown[bool]("not collected: eu-west-1/ec2/describe-volumes.json missing", src)), check.Unknown,
			[]string{"describe-volumes.json missing"}},
	})
}

func TestEBSDefaultEncryptionOff(t *testing.T) {
	region := func(on model.Bool) *awsm.Inventory {
		return &awsm.Inventory{AccountID: netAccount, Regions: []*awsm.Region{{
			Identity:               awsm.Identity{ARN: netAccount + "/ap-southeast-2", ID: "ap-southeast-2", Name: "ap-southeast-2", Region: "ap-southeast-2", AccountID: netAccount},
			EBSEncryptionByDefault: on,
		}}}
	}
	src := model.Source{File: "ap-southeast-2/ec2/get-ebs-encryption-by-default.json", Path: "EbsEncryptionByDefault"}
	netRun(t, ebsDefaultEncryptionOff, []netCase{
		{"off", region(model.Known(false, src)), check.Fail, []string{"EbsEncryptionByDefault is false in ap-southeast-2"}},
		{"on", region(model.Known(true, src)), check.Pass, nil},
		{"access denied", region(model.Unknown[bool]("UnauthorizedOperation: You are not authorized to perform this operation.", src)),
			check.Unknown, []string{"UnauthorizedOperation"}},
	})
}
