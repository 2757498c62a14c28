package aws

import (
	"strings"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

var rdsStorageUnencrypted = check.AWS(check.Meta{
	ID:           "aws-rds-storage-unencrypted",
	Title:        "RDS instance storage is not encrypted",
	Severity:     check.High,
	Domain:       check.Encryption,
	Service:      "rds",
	ResourceType: awsm.TypeDBInstance,
	Rationale: "Unencrypted RDS storage leaves the database files, automated backups, read replicas and snapshots readable without " +
		"any KMS permission; a snapshot shared by mistake exposes the data. Encryption can only be chosen at creation, so it is " +
		"cheapest to get right early.",
	Remediation: check.Remediation{
		Console: "An instance cannot be encrypted in place. RDS console > Snapshots > take a snapshot of the instance > Actions > " +
			"Copy snapshot with 'Enable encryption' and a KMS key > Restore the encrypted copy to a new instance, switch clients to it, " +
			"then delete the unencrypted instance.",
		CLI: "aws rds create-db-snapshot --db-instance-identifier example-db --db-snapshot-identifier example-db-pre-encryption\n" +
			"aws rds copy-db-snapshot --source-db-snapshot-identifier example-db-pre-encryption --target-db-snapshot-identifier example-db-encrypted --kms-key-id alias/rds-data\n" +
			"aws rds restore-db-instance-from-db-snapshot --db-instance-identifier example-db-v2 --db-snapshot-identifier example-db-encrypted",
		Terraform: "resource \"aws_db_instance\" \"db\" {\n  # ...\n  storage_encrypted = true\n  kms_key_id        = aws_kms_key.rds.arn\n}",
	},
	References: []string{
		"https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.Encryption.html",
		"https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.Encryption.Enabling.html",
	},
	Frameworks: map[string][]string{CIS: {"2.2.1"}},
}, encDBInstances, evalRDSStorageUnencrypted)

func encDBInstances(inv *awsm.Inventory) []*awsm.DBInstance { return inv.DBInstances }

func evalRDSStorageUnencrypted(_ *check.Env, db *awsm.DBInstance) check.Result {
	enc, ok := db.StorageEncrypted.Get()
	switch {
	case !ok:
		return check.UnknownOf("StorageEncrypted", db.StorageEncrypted)
	case enc:
		return check.PassResult("the instance storage is encrypted")
	}
	return check.FailResult("the instance storage is not encrypted",
		check.Ev(db.StorageEncrypted.Source(), "StorageEncrypted is false for %s", db.ID))
}

var rdsTLSNotEnforced = check.AWS(check.Meta{
	ID:           "aws-rds-tls-not-enforced",
	Title:        "RDS instance does not require TLS for client connections",
	Severity:     check.Medium,
	Domain:       check.Encryption,
	Service:      "rds",
	ResourceType: awsm.TypeDBInstance,
	Rationale: "RDS offers TLS on every engine but, on most engine versions, still accepts unencrypted connections, and common " +
		"clients silently fall back to plain text (libpq's and JDBC's default sslmode=prefer). Database credentials and query " +
		"results then cross the network in clear. The engine parameter rds.force_ssl (PostgreSQL, SQL Server) or " +
		"require_secure_transport (MySQL, MariaDB) makes the server refuse non-TLS sessions.",
	Remediation: check.Remediation{
		Console: "RDS console > Parameter groups > create a custom group for the engine family (default groups cannot be edited) > " +
			"set rds.force_ssl = 1 (PostgreSQL, SQL Server) or require_secure_transport = 1 (MySQL, MariaDB; for Aurora in the DB " +
			"cluster parameter group) > Databases > the instance > Modify > DB parameter group = the new group > apply (SQL Server needs a reboot). " +
			"Oracle: add the SSL option to the instance's option group.",
		CLI: "aws rds create-db-parameter-group --db-parameter-group-name pg16-tls --db-parameter-group-family postgres16 --description 'TLS required'\n" +
			"aws rds modify-db-parameter-group --db-parameter-group-name pg16-tls --parameters ParameterName=rds.force_ssl,ParameterValue=1,ApplyMethod=immediate\n" +
			"aws rds modify-db-instance --db-instance-identifier example-db --db-parameter-group-name pg16-tls --apply-immediately",
		Terraform: "resource \"aws_db_parameter_group\" \"tls\" {\n  name   = \"mysql80-tls\"\n  family = \"mysql8.0\"\n" +
			"  parameter {\n    name  = \"require_secure_transport\"\n    value = \"1\"\n  }\n}\n" +
			"resource \"aws_db_instance\" \"db\" {\n  # ...\n  parameter_group_name = aws_db_parameter_group.tls.name\n}",
	},
	References: []string{
		"https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.SSL.html",
		"https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/PostgreSQL.Concepts.General.SSL.html",
		"https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/mysql-ssl-connections.require-ssl.html",
		"https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/mariadb-ssl-connections.require-ssl.html",
		"https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/SQLServer.Concepts.General.SSL.Using.html",
		"https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Appendix.Oracle.Options.SSL.html",
	},
	Frameworks: map[string][]string{},
}, encDBInstances, evalRDSTLSNotEnforced)

// encTLSRule is how one engine family enforces TLS: the parameter, and from
// which engine version on (if any) an empty value means "on". Source: the
// RDS user guide pages in the check's references.
type encTLSRule struct {
	param string
	// defaultOnFrom is the first major.minor version whose engine default
	// enforces TLS; zero means the default never does.
	defaultOnFrom encVersion
	// clusterLevel: Aurora keeps the parameter in the DB cluster parameter
	// group, which the snapshot does not collect.
	clusterLevel bool
}

// encTLSRuleFor maps an engine to its rule; ok is false for engines whose
// TLS enforcement is not a parameter (Oracle: the SSL option of the option
// group) or is not known to us (Db2, RDS Custom).
//
// The rule implemented:
//   - postgres: rds.force_ssl = 1; empty means the engine default, which is
//     1 from PostgreSQL 15 and 0 before.
//   - aurora-postgresql: rds.force_ssl = 1 (cluster parameter; default 0).
//   - mysql: require_secure_transport = 1/ON; empty is OFF up to 8.4 and ON
//     from 9.7 (RDS for MySQL user guide).
//   - mariadb: require_secure_transport = 1/ON; empty is OFF up to 11.4, ON
//     from 11.8.
//   - aurora-mysql (and legacy "aurora"): require_secure_transport = 1/ON
//     (cluster parameter; default OFF).
//   - sqlserver-*: rds.force_ssl = 1; default 0.
func encTLSRuleFor(engine string) (encTLSRule, bool) {
	switch {
	case engine == "postgres":
		return encTLSRule{param: "rds.force_ssl", defaultOnFrom: encVersion{15, 0}}, true
	case engine == "aurora-postgresql":
		return encTLSRule{param: "rds.force_ssl", clusterLevel: true}, true
	case engine == "mysql":
		return encTLSRule{param: "require_secure_transport", defaultOnFrom: encVersion{9, 7}}, true
	case engine == "mariadb":
		return encTLSRule{param: "require_secure_transport", defaultOnFrom: encVersion{11, 8}}, true
	case engine == "aurora-mysql" || engine == "aurora":
		return encTLSRule{param: "require_secure_transport", clusterLevel: true}, true
	case strings.HasPrefix(engine, "sqlserver-"):
		return encTLSRule{param: "rds.force_ssl"}, true
	}
	return encTLSRule{}, false
}

func evalRDSTLSNotEnforced(_ *check.Env, db *awsm.DBInstance) check.Result {
	engine, ok := db.Engine.Get()
	if !ok {
		return check.UnknownOf("Engine", db.Engine)
	}
	rule, ok := encTLSRuleFor(engine)
	if !ok {
		if strings.HasPrefix(engine, "oracle-") {
			return check.UnknownResult("Oracle enforces TLS through the SSL option of the instance's option group, which is not collected",
				check.Ev(db.Engine.Source(), "engine %s: TLS is set by the option group's SSL option (describe-option-groups not collected)", engine))
		}
		return check.UnknownResult("no TLS-enforcement rule is known for engine "+engine,
			check.Ev(db.Engine.Source(), "engine %s: no parameter-based TLS rule", engine))
	}
	if len(db.ParameterGroups) == 0 {
		return check.UnknownResult("the instance's DB parameter group is not known",
			check.Ev(db.Source, "DBParameterGroups is empty for %s", db.ID))
	}

	// Find the parameter; a group whose parameters were not collected makes
	// the answer unknown, naming that group.
	var value string
	var param awsm.DBParameter
	var group *awsm.DBParameterGroup
	for i := range db.ParameterGroups {
		g := &db.ParameterGroups[i]
		params, ok := g.Parameters.Get()
		if !ok {
			return check.UnknownResult("parameters of DB parameter group "+g.Name+" are unknown: "+g.Parameters.Reason(),
				check.Ev(g.Parameters.Source(), "DB parameter group %s: %s", g.Name, g.Parameters.Reason()))
		}
		p, found := params[rule.param]
		if !found {
			continue
		}
		v, ok := p.Value.Get()
		if !ok {
			return check.UnknownOf(rule.param+" in DB parameter group "+g.Name, p.Value)
		}
		if group == nil || v != "" {
			value, param, group = v, p, g
		}
		if v != "" {
			break
		}
	}
	if group == nil {
		// Absent from every group: the engine default applies.
		group = &db.ParameterGroups[0]
	}
	src := encSource(param.Value.Source(), param.Source, group.Parameters.Source())

	if value != "" {
		if encParamOn(value) {
			return check.PassResult("the instance requires TLS")
		}
		return check.FailResult("the instance accepts unencrypted connections",
			check.Ev(src, "%s is %q in DB parameter group %s (want 1)", rule.param, value, group.Name))
	}
	// Empty value: the engine default applies.
	if rule.clusterLevel {
		return check.UnknownResult("Aurora sets "+rule.param+" in the DB cluster parameter group, which is not collected",
			check.Ev(src, "%s has no value in DB parameter group %s; engine %s reads it from the DB cluster parameter group", rule.param, group.Name, engine))
	}
	if rule.defaultOnFrom == (encVersion{}) {
		return check.FailResult("the instance accepts unencrypted connections",
			check.Ev(src, "%s has no value in DB parameter group %s; the %s default is off", rule.param, group.Name, engine))
	}
	verStr, ok := db.EngineVersion.Get()
	if !ok {
		return check.UnknownOf("EngineVersion (needed for the "+rule.param+" default)", db.EngineVersion)
	}
	ver, ok := encParseVersion(verStr)
	if !ok {
		return check.UnknownResult("cannot read engine version "+verStr+" to know the "+rule.param+" default",
			check.Ev(db.EngineVersion.Source(), "EngineVersion %q is not major.minor", verStr))
	}
	if !ver.less(rule.defaultOnFrom) {
		return check.PassResult("the instance requires TLS (engine default)")
	}
	return check.FailResult("the instance accepts unencrypted connections",
		check.Ev(src, "%s has no value in DB parameter group %s; the default for %s %s is off (on from %d.%d)",
			rule.param, group.Name, engine, verStr, rule.defaultOnFrom.major, rule.defaultOnFrom.minor))
}

// encParamOn reads a boolean engine parameter: MySQL accepts 1/ON/TRUE.
func encParamOn(v string) bool {
	return v == "1" || strings.EqualFold(v, "on") || strings.EqualFold(v, "true")
}

// encVersion is an engine's major.minor version.
type encVersion struct{ major, minor int }

func (v encVersion) less(w encVersion) bool {
	return v.major < w.major || (v.major == w.major && v.minor < w.minor)
}

// encParseVersion reads the leading major[.minor] of an RDS EngineVersion:
// "16.3", "9.6.22", "8.0.mysql_aurora.3.05.2", "11.22-rds.20240418".
func encParseVersion(s string) (encVersion, bool) {
	var v encVersion
	i, n := 0, 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		v.major = v.major*10 + int(s[i]-'0')
		i++
		n++
	}
	if n == 0 || n > 4 {
		return v, false
	}
	if i < len(s) && s[i] == '.' {
		i++
		for m := 0; i < len(s) && s[i] >= '0' && s[i] <= '9' && m < 4; m++ {
			v.minor = v.minor*10 + int(s[i]-'0')
			i++
		}
	}
	return v, true
}

// encSource returns the first non-empty source.
func encSource(srcs ...model.Source) model.Source {
	for _, s := range srcs {
		if !s.IsZero() {
			return s
		}
	}
	return model.Source{}
}
