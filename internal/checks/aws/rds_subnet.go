package aws

import (
	"fmt"
	"strings"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// rdsSubnetChecks are the checks on where DB instances sit in the VPC.
func rdsSubnetChecks() []*check.Check { return []*check.Check{rdsInstancePublicSubnet} }

// rdsInstancePublicSubnet fails for DB instances (Aurora cluster members
// included: each is a DB instance with its own subnet group) whose DB subnet
// group has a subnet routed to an internet gateway.
var rdsInstancePublicSubnet = check.AWS(check.Meta{
	ID:           "aws-rds-instance-public-subnet",
	Title:        "RDS DB instance's subnet group includes a public subnet",
	Severity:     check.Medium,
	Domain:       check.Exposure,
	Service:      "rds",
	ResourceType: awsm.TypeDBInstance,
	Rationale: "A subnet whose route table sends 0.0.0.0/0 or ::/0 to an internet gateway is public. RDS may place " +
		"the instance, or fail over to, any subnet of its DB subnet group, so one public subnet in the group is enough " +
		"for a single \"publicly accessible\" switch or a restored copy to put the database on the internet. Databases " +
		"belong in private subnets (routes through a NAT gateway or none), reached from the application tier. UNKNOWN " +
		"when the region's route tables (ec2 describe-route-tables) or the instance's subnet group were not collected.",
	Remediation: check.Remediation{
		Console: "RDS console > Subnet groups > Create DB subnet group with private subnets only (one per AZ); then " +
			"Databases > the instance > Modify > Connectivity: DB subnet group = the new group > Continue > Apply. " +
			"(Or remove the internet-gateway route from the public subnets' route table if they should be private.)",
		CLI: "aws rds create-db-subnet-group --db-subnet-group-name <private-group> --db-subnet-group-description private " +
			"--subnet-ids <private-subnet-a> <private-subnet-b>\naws rds modify-db-instance --db-instance-identifier <db> " +
			"--db-subnet-group-name <private-group> --apply-immediately",
		Terraform: "resource \"aws_db_subnet_group\" \"private\" {\n  name       = \"private\"\n  subnet_ids = aws_subnet.private[*].id\n}\n\n" +
			"resource \"aws_db_instance\" \"this\" {\n  # ...\n  db_subnet_group_name = aws_db_subnet_group.private.name\n  publicly_accessible  = false\n}",
	},
	References: []string{
		"https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html",
		"https://docs.aws.amazon.com/vpc/latest/userguide/configure-subnets.html#subnet-types",
	},
	DeployedOnly: true,
}, func(inv *awsm.Inventory) []*awsm.DBInstance { return inv.DBInstances }, evalRDSPublicSubnet)

func evalRDSPublicSubnet(env *check.Env, db *awsm.DBInstance) check.Result {
	subnets, ok := db.SubnetIDs.Get()
	if !ok {
		return check.UnknownOf("DB subnet group", db.SubnetIDs)
	}
	if len(subnets) == 0 {
		return check.PassResult("the instance has no DB subnet group subnets (not in a VPC)")
	}
	if c, ok := routeTablesCoverage(env.AWS, db.Region); ok && c.Status != awsm.CoverageRead {
		return check.UnknownOf("route tables", model.Unknown[bool](fmt.Sprintf("ec2 describe-route-tables in %s: %s %s", db.Region, c.Status, c.Detail),
			db.SubnetIDs.Source()))
	}
	idx := routeIndexOf(env.AWS)
	main := idx.main[[2]string{db.Region, db.VPCID}]
	bySubnet := idx.bySubnet
	var public []check.Evidence
	var missing []string
	for _, s := range subnets {
		t := bySubnet[s]
		if t == nil {
			t = main // subnets without an explicit association use the main table
		}
		if t == nil {
			missing = append(missing, s)
			continue
		}
		if r, ok := internetRoute(t); ok {
			public = append(public, check.Ev(r.Source, "subnet %s: route table %s sends %s to %s", s, t.ID, r.Destination, r.Target))
		}
	}
	switch {
	case len(public) > 0:
		return check.FailResult(fmt.Sprintf("%d of the %d subnets of the DB subnet group are public", len(public), len(subnets)), public...)
	case len(missing) > 0:
		return check.UnknownOf("route tables", model.Unknown[bool](fmt.Sprintf("no route table of %s found for subnet(s) %s", db.VPCID,
			strings.Join(missing, ", ")), db.SubnetIDs.Source()))
	}
	return check.PassResult(fmt.Sprintf("none of the %d subnets of the DB subnet group routes to an internet gateway", len(subnets)),
		check.Ev(db.SubnetIDs.Source(), "subnets %s", strings.Join(subnets, ", ")))
}

// routeIndex finds a subnet's route table: built once per inventory.
type routeIndex struct {
	main     map[[2]string]*awsm.RouteTable // by region and VPC
	bySubnet map[string]*awsm.RouteTable    // explicit associations (subnet IDs are unique)
}

type routeIndexKey struct{}

func routeIndexOf(inv *awsm.Inventory) *routeIndex {
	return inv.Derived(routeIndexKey{}, func() any {
		idx := &routeIndex{main: map[[2]string]*awsm.RouteTable{}, bySubnet: map[string]*awsm.RouteTable{}}
		for _, t := range inv.Network.RouteTables {
			if t.Main {
				idx.main[[2]string{t.Region, t.VPCID}] = t
			}
			for _, s := range t.SubnetIDs {
				idx.bySubnet[s] = t
			}
		}
		return idx
	}).(*routeIndex)
}

// internetRoute returns the table's active default route to an internet
// gateway, if any. Egress-only gateways (eigw-) let no connection in.
func internetRoute(t *awsm.RouteTable) (awsm.Route, bool) {
	for _, r := range t.Routes {
		if (r.Destination == "0.0.0.0/0" || r.Destination == "::/0") && strings.HasPrefix(r.Target, "igw-") && r.State != "blackhole" {
			return r, true
		}
	}
	return awsm.Route{}, false
}

// routeTablesCoverage is the outcome of describe-route-tables in one region
// (false when the source records no coverage for it).
func routeTablesCoverage(inv *awsm.Inventory, region string) (awsm.Coverage, bool) {
	for _, c := range inv.Coverage {
		if c.Region == region && c.Service == "ec2" && c.Operation == "describe-route-tables" {
			return c, true
		}
	}
	return awsm.Coverage{}, false
}
