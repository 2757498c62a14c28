package snapshot

import (
	"strings"
	"testing"

	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// Every route table is in Network.RouteTables with all its routes, targets
// and associations; the CIS list still keeps only tables with peering routes.
func TestLoadAllRouteTables(t *testing.T) {
	inv := mustLoad(t, cisExtraDir).Inventory
	rts := inv.Network.RouteTables
	if len(rts) != 3 || len(inv.CIS.RouteTables) != 2 {
		t.Fatalf("network tables %d (want 3), CIS tables %d (want 2)", len(rts), len(inv.CIS.RouteTables))
	}
	main := rts[0]
	if main.ID != "rtb-0aaa1111bbbb2222c" || !main.Main || len(main.Routes) != 3 {
		t.Fatalf("main table = %+v", main)
	}
	want := []awsm.Route{
		{Destination: "10.10.0.0/16", Target: "local", State: "active"},
		{Destination: "10.20.0.0/16", Target: "pcx-0a1b2c3d4e5f60718", State: "active"},
		{Destination: "0.0.0.0/0", Target: "igw-0123abcd", State: "active"},
	}
	for i, r := range main.Routes {
		if r.Destination != want[i].Destination || r.Target != want[i].Target || r.State != want[i].State ||
			r.Source.File != "us-east-1/ec2/describe-route-tables.json" || !strings.HasSuffix(r.Source.Path, "Routes["+string(rune('0'+i))+"]") {
			t.Errorf("route %d = %+v, want %+v", i, r, want[i])
		}
	}
	if rts[1].Main || rts[2].Main || rts[1].Routes[1].Destination != "::/0" {
		t.Errorf("other tables = %+v %+v", rts[1], rts[2])
	}
}

// The demo's DB instances carry their DB subnet group; the legacy one's
// public subnet is explicitly associated with a table routed to an IGW.
func TestLoadDBSubnetGroupAndAssociations(t *testing.T) {
	inv := mustLoad(t, "../../demo/snapshot").Inventory
	var db *awsm.DBInstance
	for _, d := range inv.DBInstances {
		if d.ID == "legacy-mysql" {
			db = d
		}
	}
	if db == nil {
		t.Fatal("legacy-mysql missing")
	}
	ids, ok := db.SubnetIDs.Get()
	if !ok || db.VPCID != "vpc-0c3f5a9e2b7d41a68" || strings.Join(ids, ",") != "subnet-0a9b8c7d6e5f40312,subnet-04d3c2b1a0f9e8d76" ||
		db.SubnetIDs.Source().Path != "DBInstances[0].DBSubnetGroup.Subnets" {
		t.Fatalf("subnet group = %s %v %+v", db.VPCID, ids, db.SubnetIDs)
	}
	var found bool
	for _, rt := range inv.Network.RouteTables {
		if rt.ID == "rtb-0d4e5f6a7b8c90a44" {
			found = true
			if rt.Main || strings.Join(rt.SubnetIDs, ",") != "subnet-0a9b8c7d6e5f40312" || rt.Routes[1].Target != "igw-0f1e2d3c4b5a69788" {
				t.Errorf("prod-public = %+v", rt)
			}
		}
	}
	if !found {
		t.Error("prod-public route table missing")
	}
}
