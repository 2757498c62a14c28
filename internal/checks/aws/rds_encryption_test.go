package aws

import (
	"strconv"
	"testing"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

const encRDSFile = "us-east-1/rds/describe-db-instances.json"

func encRDSSrc(path string) model.Source {
	return model.Source{File: encRDSFile, Path: "DBInstances[0]." + path}
}

// encDB is a DB instance as describe-db-instances prints it, with one
// parameter group; params nil means describe-db-parameters was not collected
// for the group. An empty version means EngineVersion unknown.
func encDB(engine, version, group string, params map[string]string) *awsm.Inventory {
	pg := awsm.DBParameterGroup{Name: group}
	pfile := "us-east-1/rds/describe-db-parameters/" + group + ".json"
	if params == nil {
		pg.Parameters = model.Unknown[map[string]awsm.DBParameter]("not collected: "+pfile+" missing", model.Source{File: pfile})
	} else {
		m := make(map[string]awsm.DBParameter, len(params))
		i := 0
		for k, v := range params {
			src := model.Source{File: pfile, Path: "Parameters[" + strconv.Itoa(i) + "].ParameterValue"}
			m[k] = awsm.DBParameter{Value: model.Known(v, src), Source: src}
			i++
		}
		pg.Parameters = model.Known(m, model.Source{File: pfile, Path: "Parameters"})
	}
	ver := model.Known(version, encRDSSrc("EngineVersion"))
	if version == "" {
		ver = model.Unknown[string]("not collected", encRDSSrc("EngineVersion"))
	}
	db := &awsm.DBInstance{
		Identity: awsm.Identity{ARN: "arn:aws:rds:us-east-1:" + netAccount + ":db:orders-prod", ID: "orders-prod", Name: "orders-prod",
			Region: "us-east-1", AccountID: netAccount, Partition: "aws", Source: encRDSSrc("")},
		Engine:             model.Known(engine, encRDSSrc("Engine")),
		EngineVersion:      ver,
		StorageEncrypted:   model.Known(true, encRDSSrc("StorageEncrypted")),
		PubliclyAccessible: model.Known(false, encRDSSrc("PubliclyAccessible")),
		ParameterGroups:    []awsm.DBParameterGroup{pg},
	}
	return &awsm.Inventory{AccountID: netAccount, DBInstances: []*awsm.DBInstance{db}}
}

func TestRDSStorageUnencrypted(t *testing.T) {
	with := func(v model.Bool) *awsm.Inventory {
		inv := encDB("mysql", "8.0.35", "default.mysql8.0", map[string]string{})
		inv.DBInstances[0].StorageEncrypted = v
		return inv
	}
	src := encRDSSrc("StorageEncrypted")
	netRun(t, rdsStorageUnencrypted, []netCase{
		{"unencrypted", with(model.Known(false, src)), check.Fail, []string{"StorageEncrypted is false for orders-prod"}},
		{"encrypted", with(model.Known(true, src)), check.Pass, nil},
		{"unknown", with(model.Unknown[bool]("not collected: "+encRDSFile+" missing", src)), check.Unknown, []string{"describe-db-instances.json missing"}},
	})
}

func TestRDSTLSNotEnforced(t *testing.T) {
	noEngine := encDB("postgres", "16.3", "default.postgres16", map[string]string{})
	noEngine.DBInstances[0].Engine = model.Unknown[string]("not collected", encRDSSrc("Engine"))
	noGroups := encDB("postgres", "16.3", "default.postgres16", map[string]string{})
	noGroups.DBInstances[0].ParameterGroups = nil
	twoGroups := encDB("postgres", "14.12", "default.postgres14", map[string]string{"rds.force_ssl": ""})
	twoGroups.DBInstances[0].ParameterGroups = append(twoGroups.DBInstances[0].ParameterGroups,
		encDB("postgres", "14.12", "pg14-tls", map[string]string{"rds.force_ssl": "1"}).DBInstances[0].ParameterGroups[0])

	netRun(t, rdsTLSNotEnforced, []netCase{
		// PostgreSQL: explicit values, and the engine default by version.
		{"postgres force_ssl 1", encDB("postgres", "13.15", "pg13-tls", map[string]string{"rds.force_ssl": "1"}), check.Pass, nil},
		{"postgres force_ssl 0 on 16", encDB("postgres", "16.3", "pg16-custom", map[string]string{"rds.force_ssl": "0"}), check.Fail,
			[]string{`rds.force_ssl is "0" in DB parameter group pg16-custom (want 1)`}},
		{"postgres 14 default", encDB("postgres", "14.12", "default.postgres14", map[string]string{"rds.force_ssl": ""}), check.Fail,
			[]string{"rds.force_ssl has no value in DB parameter group default.postgres14; the default for postgres 14.12 is off (on from 15.0)"}},
		{"postgres 9.6 default", encDB("postgres", "9.6.22", "default.postgres9.6", map[string]string{}), check.Fail, nil},
		{"postgres 15.0 default", encDB("postgres", "15.0", "default.postgres15", map[string]string{"rds.force_ssl": ""}), check.Pass, nil},
		{"postgres 15.7 parameter absent", encDB("postgres", "15.7", "default.postgres15", map[string]string{}), check.Pass, nil},
		{"postgres 17 default", encDB("postgres", "17.2", "default.postgres17", map[string]string{"rds.force_ssl": ""}), check.Pass, nil},
		{"postgres default, version unknown", encDB("postgres", "", "default.postgres16", map[string]string{"rds.force_ssl": ""}), check.Unknown,
			[]string{"EngineVersion"}},
		{"postgres default, version unreadable", encDB("postgres", "latest", "default.postgres16", map[string]string{}), check.Unknown,
			[]string{`EngineVersion "latest"`}},
		{"second group sets the value", twoGroups, check.Pass, nil},
		// MySQL and MariaDB.
		{"mysql require_secure_transport 1", encDB("mysql", "8.0.39", "mysql80-tls", map[string]string{"require_secure_transport": "1"}), check.Pass, nil},
		{"mysql require_secure_transport ON", encDB("mysql", "8.0.39", "mysql80-tls", map[string]string{"require_secure_transport": "ON"}), check.Pass, nil},
		{"mysql require_secure_transport OFF", encDB("mysql", "8.0.39", "mysql80-custom", map[string]string{"require_secure_transport": "OFF"}), check.Fail,
			[]string{`require_secure_transport is "OFF" in DB parameter group mysql80-custom`}},
		{"mysql 8.4 default", encDB("mysql", "8.4.3", "default.mysql8.4", map[string]string{"require_secure_transport": ""}), check.Fail,
			[]string{"the default for mysql 8.4.3 is off (on from 9.7)"}},
		{"mysql 9.7 default", encDB("mysql", "9.7.0", "default.mysql9.7", map[string]string{}), check.Pass, nil},
		{"mariadb 10.11 default", encDB("mariadb", "10.11.9", "default.mariadb10.11", map[string]string{}), check.Fail, nil},
		{"mariadb 11.8 default", encDB("mariadb", "11.8.2", "default.mariadb11.8", map[string]string{}), check.Pass, nil},
		{"mariadb set to 1", encDB("mariadb", "10.6.19", "mariadb106-tls", map[string]string{"require_secure_transport": "1"}), check.Pass, nil},
		// SQL Server.
		{"sqlserver default", encDB("sqlserver-se", "15.00.4385.2.v1", "default.sqlserver-se-15.0", map[string]string{"rds.force_ssl": ""}), check.Fail,
			[]string{"the sqlserver-se default is off"}},
		{"sqlserver force_ssl 1", encDB("sqlserver-ee", "16.00.4140.3.v1", "sqlserver-ee-16-tls", map[string]string{"rds.force_ssl": "1"}), check.Pass, nil},
		// Aurora: the parameter lives in the cluster parameter group.
		{"aurora-postgresql default", encDB("aurora-postgresql", "16.4", "default.aurora-postgresql16", map[string]string{}), check.Unknown,
			[]string{"DB cluster parameter group"}},
		{"aurora-mysql value set on instance group", encDB("aurora-mysql", "8.0.mysql_aurora.3.05.2", "aurora-mysql8-custom",
			map[string]string{"require_secure_transport": "OFF"}), check.Fail, nil},
		// Oracle, other engines, unknown inputs.
		{"oracle", encDB("oracle-ee", "19.0.0.0.ru-2024-07.rur-2024-07.r1", "default.oracle-ee-19", map[string]string{}), check.Unknown,
			[]string{"option group's SSL option"}},
		{"db2", encDB("db2-se", "11.5.9.0.sb00000000.r1", "default.db2-se-11.5", map[string]string{}), check.Unknown, []string{"db2-se"}},
		{"parameters not collected", encDB("postgres", "16.3", "pg16-custom", nil), check.Unknown,
			[]string{"DB parameter group pg16-custom: not collected: us-east-1/rds/describe-db-parameters/pg16-custom.json missing"}},
		{"engine unknown", noEngine, check.Unknown, []string{"Engine"}},
		{"no parameter group", noGroups, check.Unknown, []string{"DBParameterGroups is empty"}},
	})
}

func TestEncParseVersion(t *testing.T) {
	tests := []struct {
		in     string
		want   encVersion
		wantOK bool
	}{
		{"16.3", encVersion{16, 3}, true},
		{"9.6.22", encVersion{9, 6}, true},
		{"15", encVersion{15, 0}, true},
		{"8.0.mysql_aurora.3.05.2", encVersion{8, 0}, true},
		{"11.22-rds.20240418", encVersion{11, 22}, true},
		{"15.00.4385.2.v1", encVersion{15, 0}, true},
		{"latest", encVersion{}, false},
		{"", encVersion{}, false},
	}
	for _, tt := range tests {
		got, ok := encParseVersion(tt.in)
		if ok != tt.wantOK || (ok && got != tt.want) {
			t.Errorf("encParseVersion(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.wantOK)
		}
	}
}
