package aws

import (
	"testing"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

func TestRDSInstancePublic(t *testing.T) {
	const file = "eu-central-1/rds/describe-db-instances.json"
	tests := []struct {
		name   string
		public model.Bool
		want   check.Status
		ev     []string
	}{
		{"publicly accessible", model.Known(true, model.Source{File: file, Path: "DBInstances[0].PubliclyAccessible"}), check.Fail,
			[]string{"PubliclyAccessible is true @ " + file + " DBInstances[0].PubliclyAccessible"}},
		{"private", model.Known(false, model.Source{File: file, Path: "DBInstances[0].PubliclyAccessible"}), check.Pass, nil},
		{"not collected", model.Unknown[bool]("not collected: "+file+" missing", model.Source{File: file}), check.Unknown,
			[]string{"PubliclyAccessible: not collected"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := &awsm.DBInstance{
				Identity: awsm.Identity{ARN: "arn:aws:rds:eu-central-1:111122223333:db:orders-prod", ID: "orders-prod", Name: "orders-prod",
					Region: "eu-central-1", AccountID: expTestAccount, Partition: "aws"},
				Engine:             model.Known("postgres", model.Source{File: file, Path: "DBInstances[0].Engine"}),
				PubliclyAccessible: tt.public,
			}
			got := rdsInstancePublic.Evaluate(&awsm.Inventory{AccountID: expTestAccount, DBInstances: []*awsm.DBInstance{db}})
			expAssert(t, got, db.ARN, tt.want, tt.ev)
		})
	}
}
