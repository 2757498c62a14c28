package aws

import (
	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// rdsInstancePublic fails for DB instances that AWS gives a public DNS name
// and address.
var rdsInstancePublic = check.AWS(check.Meta{
	ID:           "aws-rds-instance-public",
	Title:        "RDS DB instance is publicly accessible",
	Severity:     check.High,
	Domain:       check.Exposure,
	Service:      "rds",
	ResourceType: awsm.TypeDBInstance,
	Rationale: "A publicly accessible DB instance resolves to a public IP address; only its security groups stand " +
		"between the database listener and internet-wide credential stuffing and exploit scans. Databases belong in " +
		"private subnets, reached through the application tier, a bastion or Session Manager.",
	Remediation: check.Remediation{
		Console: "RDS console > Databases > the instance > Modify > Connectivity > Additional configuration > " +
			"Public access: \"Not publicly accessible\" > Continue > Apply immediately.",
		CLI:       "aws rds modify-db-instance --db-instance-identifier <db-instance-id> --no-publicly-accessible --apply-immediately",
		Terraform: "resource \"aws_db_instance\" \"this\" {\n  # ...\n  publicly_accessible  = false\n  db_subnet_group_name = aws_db_subnet_group.private.name\n}",
	},
	References: []string{
		"https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html#USER_VPC.Hiding",
		"https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.RDSSecurityGroups.html",
	},
	Frameworks: map[string][]string{CIS: {"2.2.3"}},
}, func(inv *awsm.Inventory) []*awsm.DBInstance { return inv.DBInstances }, expRDSPublic)

func expRDSPublic(_ *check.Env, db *awsm.DBInstance) check.Result {
	switch {
	case !db.PubliclyAccessible.Known():
		return check.UnknownOf("PubliclyAccessible", db.PubliclyAccessible)
	case model.IsTrue(db.PubliclyAccessible):
		return check.FailResult("the DB instance is publicly accessible",
			check.Ev(db.PubliclyAccessible.Source(), "PubliclyAccessible is true"))
	}
	return check.PassResult("the DB instance is not publicly accessible")
}
