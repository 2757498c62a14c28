package awslive_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cloudward/cloudward/internal/check"
	awschecks "github.com/cloudward/cloudward/internal/checks/aws"
	"github.com/cloudward/cloudward/internal/fakeaws"
	"github.com/cloudward/cloudward/internal/source/awslive"
	"github.com/cloudward/cloudward/internal/source/snapshot"
)

// The DB subnet group (describe-db-instances DBSubnetGroup.Subnets) and the
// route tables' associations and gateway routes survive the live
// collection: the demo's legacy-mysql, whose group has a subnet routed to
// an internet gateway, fails aws-rds-instance-public-subnet from a live
// collection as from the snapshot.
func TestLiveRDSPublicSubnet(t *testing.T) {
	demo := os.DirFS(filepath.Join("..", "..", "demo", "snapshot"))
	srv := startFake(t, fakeaws.Scenario{Snapshot: demo})
	w, _ := collect(t, srv, awslive.Options{Services: []string{"rds", "ec2"}, Regions: []string{"us-east-1"}})
	res, err := snapshot.LoadFS(w.FS())
	if err != nil {
		t.Fatal(err)
	}
	inv := res.Inventory
	if len(inv.DBInstances) != 1 || strings.Join(inv.DBInstances[0].SubnetIDs.Or(nil), ",") != "subnet-0a9b8c7d6e5f40312,subnet-04d3c2b1a0f9e8d76" {
		t.Fatalf("DB instances %+v", inv.DBInstances)
	}
	var found bool
	for _, c := range awschecks.Checks() {
		if c.ID != "aws-rds-instance-public-subnet" {
			continue
		}
		found = true
		fs := c.Evaluate(inv)
		if len(fs) != 1 || fs[0].Status != check.Fail || !strings.Contains(fs[0].Evidence[0].Detail, "rtb-0d4e5f6a7b8c90a44 sends 0.0.0.0/0 to igw-0f1e2d3c4b5a69788") {
			t.Errorf("findings %+v", fs)
		}
	}
	if !found {
		t.Fatal("check not registered")
	}
}
