package aws

import (
	"testing"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

const (
	rtbFile = "us-east-1/ec2/describe-route-tables.json"
	dbFile  = "us-east-1/rds/describe-db-instances.json"
	subVPC  = "vpc-0c3f5a9e2b7d41a68"
)

// subnetRouteTable is a route table as the importer builds it from
// describe-route-tables.
func subnetRouteTable(i int, id string, main bool, subnets []string, routes ...awsm.Route) *awsm.RouteTable {
	src := model.Source{File: rtbFile, Path: "RouteTables[" + string(rune('0'+i)) + "]"}
	for j := range routes {
		routes[j].Source = src.At("Routes[" + string(rune('0'+j)) + "]")
		if routes[j].State == "" {
			routes[j].State = "active"
		}
	}
	return &awsm.RouteTable{Identity: awsm.Identity{ARN: "arn:aws:ec2:us-east-1:" + expTestAccount + ":route-table/" + id, ID: id, Name: id,
		Region: "us-east-1", AccountID: expTestAccount, Partition: "aws", Source: src}, VPCID: subVPC, Main: main, SubnetIDs: subnets, Routes: routes}
}

func TestRDSInstancePublicSubnet(t *testing.T) {
	local := awsm.Route{Destination: "10.10.0.0/16", Target: "local"}
	natMain := subnetRouteTable(0, "rtb-0a1b2c3d4e5f60711", true, nil, local, awsm.Route{Destination: "0.0.0.0/0", Target: "nat-0a1b2c3d4e5f60718"})
	public := subnetRouteTable(1, "rtb-0d4e5f6a7b8c90a44", false, []string{"subnet-0a9b8c7d6e5f40312"}, local,
		awsm.Route{Destination: "0.0.0.0/0", Target: "igw-0f1e2d3c4b5a69788"})
	mainIGW6 := subnetRouteTable(0, "rtb-0b2c3d4e5f6a70822", true, nil, local, awsm.Route{Destination: "::/0", Target: "igw-0f1e2d3c4b5a69788"})
	eigwMain := subnetRouteTable(0, "rtb-0b2c3d4e5f6a70822", true, nil, local, awsm.Route{Destination: "::/0", Target: "eigw-0a1b2c3d4e5f6a7b8"})
	blackhole := subnetRouteTable(1, "rtb-0d4e5f6a7b8c90a44", false, []string{"subnet-0a9b8c7d6e5f40312"}, local,
		awsm.Route{Destination: "0.0.0.0/0", Target: "igw-0f1e2d3c4b5a69788", State: "blackhole"})
	otherVPC := subnetRouteTable(2, "rtb-0e5f6a7b8c9d0b155", true, nil, awsm.Route{Destination: "0.0.0.0/0", Target: "igw-0c1d2e3f4a5b6c7d8"})
	otherVPC.VPCID = "vpc-0e2a4b6c8d0f13579"

	subnets := func(ids ...string) model.Value[[]string] {
		return model.Known(ids, model.Source{File: dbFile, Path: "DBInstances[0].DBSubnetGroup.Subnets"})
	}
	readCov := []awsm.Coverage{{Region: "us-east-1", Service: "ec2", Operation: "describe-route-tables", Status: awsm.CoverageRead}}
	tests := []struct {
		name    string
		subnets model.Value[[]string]
		tables  []*awsm.RouteTable
		cov     []awsm.Coverage
		want    check.Status
		ev      []string
	}{
		{"one public subnet in the group", subnets("subnet-0a9b8c7d6e5f40312", "subnet-04d3c2b1a0f9e8d76"),
			[]*awsm.RouteTable{natMain, public, otherVPC}, readCov, check.Fail,
			[]string{"subnet subnet-0a9b8c7d6e5f40312: route table rtb-0d4e5f6a7b8c90a44 sends 0.0.0.0/0 to igw-0f1e2d3c4b5a69788 @ " + rtbFile + " RouteTables[1].Routes[1]"}},
		{"main table routes ::/0 to an internet gateway", subnets("subnet-04d3c2b1a0f9e8d76"),
			[]*awsm.RouteTable{mainIGW6}, readCov, check.Fail, []string{"sends ::/0 to igw-0f1e2d3c4b5a69788"}},
		{"private subnets behind NAT", subnets("subnet-04d3c2b1a0f9e8d76", "subnet-0b7c6d5e4f3a21098"),
			[]*awsm.RouteTable{natMain, public, otherVPC}, readCov, check.Pass, nil},
		{"egress-only gateway is private", subnets("subnet-04d3c2b1a0f9e8d76"), []*awsm.RouteTable{eigwMain}, readCov, check.Pass, nil},
		{"blackhole route to a deleted gateway", subnets("subnet-0a9b8c7d6e5f40312"), []*awsm.RouteTable{natMain, blackhole}, readCov, check.Pass, nil},
		{"route tables not collected", subnets("subnet-0a9b8c7d6e5f40312"), nil,
			[]awsm.Coverage{{Region: "us-east-1", Service: "ec2", Operation: "describe-route-tables", Status: awsm.CoverageError,
				Detail: "UnauthorizedOperation", Code: "UnauthorizedOperation"}}, check.Unknown,
			[]string{"describe-route-tables in us-east-1: error UnauthorizedOperation"}},
		{"no table of the VPC", subnets("subnet-04d3c2b1a0f9e8d76"), []*awsm.RouteTable{otherVPC}, readCov, check.Unknown,
			[]string{"no route table of " + subVPC + " found for subnet(s) subnet-04d3c2b1a0f9e8d76"}},
		{"subnet group not in the answer", model.Unknown[[]string]("the answer has no DBSubnetGroup", model.Source{File: dbFile, Path: "DBInstances[0]"}),
			[]*awsm.RouteTable{public}, readCov, check.Unknown, []string{"DB subnet group: the answer has no DBSubnetGroup"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := &awsm.DBInstance{
				Identity: awsm.Identity{ARN: "arn:aws:rds:us-east-1:" + expTestAccount + ":db:legacy-mysql", ID: "legacy-mysql", Name: "legacy-mysql",
					Region: "us-east-1", AccountID: expTestAccount, Partition: "aws"},
				Engine: model.Known("mysql", model.Source{File: dbFile, Path: "DBInstances[0].Engine"}),
				VPCID:  subVPC, SubnetIDs: tt.subnets,
			}
			inv := &awsm.Inventory{AccountID: expTestAccount, DBInstances: []*awsm.DBInstance{db}, Coverage: tt.cov}
			inv.Network.RouteTables = tt.tables
			expAssert(t, rdsInstancePublicSubnet.Evaluate(inv), db.ARN, tt.want, tt.ev)
		})
	}
}

// An Aurora instance is judged by the cluster whose members include it.
func TestRDSMultiAZAuroraByCluster(t *testing.T) {
	const cfile = "us-east-1/rds/describe-db-clusters.json"
	aurora := func(multi model.Bool, members []string, cov []awsm.Coverage) *awsm.Inventory {
		inv := encDB("aurora-postgresql", "16.4", "default.aurora-postgresql16", map[string]string{})
		inv.DBInstances[0].MultiAZ = model.Known(false, encRDSSrc("MultiAZ")) // AWS answers false for Aurora members
		inv.Network.DBClusters = []*awsm.DBCluster{
			{Identity: awsm.Identity{ARN: "arn:aws:rds:us-east-1:" + netAccount + ":cluster:acme-reporting", ID: "acme-reporting",
				Name: "acme-reporting", Region: "us-east-1", AccountID: netAccount, Partition: "aws"},
				MultiAZ: model.Known(false, model.Source{File: cfile, Path: "DBClusters[0].MultiAZ"}), Members: []string{"acme-reporting-1"}},
			{Identity: awsm.Identity{ARN: "arn:aws:rds:us-east-1:" + netAccount + ":cluster:acme-orders", ID: "acme-orders",
				Name: "acme-orders", Region: "us-east-1", AccountID: netAccount, Partition: "aws"},
				MultiAZ: multi, Members: members},
		}
		inv.Coverage = cov
		return inv
	}
	k := func(v bool) model.Bool {
		return model.Known(v, model.Source{File: cfile, Path: "DBClusters[1].MultiAZ"})
	}
	netRun(t, rdsMultiAZDisabled, []netCase{
		{"member of a Multi-AZ cluster", aurora(k(true), []string{"orders-prod", "orders-prod-reader"}, nil), check.Pass, nil},
		{"member of a single-AZ cluster", aurora(k(false), []string{"orders-prod"}, nil), check.Fail,
			[]string{"MultiAZ is false for cluster acme-orders (members orders-prod)"}},
		{"cluster MultiAZ unknown", aurora(model.Unknown[bool]("absent", model.Source{File: cfile}), []string{"orders-prod"}, nil), check.Unknown,
			[]string{"cluster acme-orders MultiAZ"}},
		{"clusters not readable", aurora(k(true), []string{"other-instance"}, []awsm.Coverage{{Region: "us-east-1", Service: "rds",
			Operation: "describe-db-clusters", Status: awsm.CoverageError, Detail: "AccessDenied", Code: "AccessDenied"}}), check.Unknown,
			[]string{"describe-db-clusters error AccessDenied"}},
	})
}
