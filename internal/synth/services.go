package synth

import "fmt"

// ---- RDS ----

type dbJSON struct {
	DBInstanceIdentifier    string              `json:"DBInstanceIdentifier"`
	DBInstanceClass         string              `json:"DBInstanceClass"`
	Engine                  string              `json:"Engine"`
	DBInstanceStatus        string              `json:"DBInstanceStatus"`
	MasterUsername          string              `json:"MasterUsername"`
	Endpoint                map[string]any      `json:"Endpoint"`
	AllocatedStorage        int                 `json:"AllocatedStorage"`
	InstanceCreateTime      string              `json:"InstanceCreateTime"`
	VpcSecurityGroups       []map[string]string `json:"VpcSecurityGroups"`
	DBParameterGroups       []map[string]string `json:"DBParameterGroups"`
	AvailabilityZone        string              `json:"AvailabilityZone"`
	MultiAZ                 bool                `json:"MultiAZ"`
	EngineVersion           string              `json:"EngineVersion"`
	AutoMinorVersionUpgrade bool                `json:"AutoMinorVersionUpgrade"`
	PubliclyAccessible      bool                `json:"PubliclyAccessible"`
	StorageType             string              `json:"StorageType"`
	StorageEncrypted        bool                `json:"StorageEncrypted"`
	KmsKeyID                string              `json:"KmsKeyId,omitempty"`
	DbiResourceID           string              `json:"DbiResourceId"`
	DBInstanceArn           string              `json:"DBInstanceArn"`
	DeletionProtection      bool                `json:"DeletionProtection"`
	TagList                 []tag               `json:"TagList"`
}

type dbParam struct {
	ParameterName  string `json:"ParameterName"`
	ParameterValue string `json:"ParameterValue,omitempty"`
	Description    string `json:"Description"`
	Source         string `json:"Source"`
	ApplyType      string `json:"ApplyType"`
	DataType       string `json:"DataType"`
	AllowedValues  string `json:"AllowedValues"`
	IsModifiable   bool   `json:"IsModifiable"`
	ApplyMethod    string `json:"ApplyMethod"`
}

// rds writes one custom parameter group per engine and region, used by all
// instances of that engine there. MySQL requires TLS in even regions only;
// PostgreSQL forces SSL everywhere.
func (g *gen) rds() {
	n := len(g.opt.Regions)
	for r, region := range g.opt.Regions {
		used := map[string]bool{}
		s := g.open(region+"/rds/describe-db-instances.json", `{"DBInstances": [`)
		for i := r; i < g.c.DBInstances; i += n {
			name := fmt.Sprintf("db-%06d", i)
			engine, version, group, port := "mysql", "8.0.39", "synth-mysql80", 3306
			if i%2 == 1 {
				engine, version, group, port = "postgres", "16.4", "synth-pg16", 5432
			}
			used[group] = true
			d := dbJSON{DBInstanceIdentifier: name, DBInstanceClass: "db.t3.medium", Engine: engine, DBInstanceStatus: "available",
				MasterUsername: "admin", AllocatedStorage: 100, InstanceCreateTime: g.ago(g.rng.IntN(1500)),
				Endpoint:          map[string]any{"Address": name + ".cxyz12345678." + region + ".rds.amazonaws.com", "Port": port},
				VpcSecurityGroups: []map[string]string{{"VpcSecurityGroupId": hexID("sg", tagSG, 1<<30+i), "Status": "active"}},
				DBParameterGroups: []map[string]string{{"DBParameterGroupName": group, "ParameterApplyStatus": "in-sync"}},
				AvailabilityZone:  region + "a", MultiAZ: g.chance(0.5), EngineVersion: version, AutoMinorVersionUpgrade: true,
				PubliclyAccessible: g.chance(0.1), StorageType: "gp3", StorageEncrypted: g.chance(0.8),
				DbiResourceID: "db-" + iamID("", 5<<20+i) + iamID("", 6<<20+i)[:9], DBInstanceArn: "arn:aws:rds:" + region + ":" + g.acct + ":db:" + name,
				DeletionProtection: true, TagList: []tag{}}
			if d.StorageEncrypted {
				d.KmsKeyID = "arn:aws:kms:" + region + ":" + g.acct + ":key/" + uuid(tagKey, 3<<30+r)
			}
			s.add(d)
		}
		s.close("]}\n")
		if used["synth-mysql80"] {
			tls := dbParam{ParameterName: "require_secure_transport", Description: "Whether client connections to the server are required to use some form of secure transport.",
				Source: "engine-default", ApplyType: "dynamic", DataType: "boolean", AllowedValues: "0, 1", IsModifiable: true, ApplyMethod: "pending-reboot"}
			if r%2 == 0 {
				tls.ParameterValue, tls.Source = "1", "user"
			}
			g.writeJSON(region+"/rds/describe-db-parameters/synth-mysql80.json", map[string][]dbParam{"Parameters": {
				{ParameterName: "max_connections", ParameterValue: "{DBInstanceClassMemory/12582880}", Description: "The number of simultaneous client connections allowed.",
					Source: "system", ApplyType: "dynamic", DataType: "integer", AllowedValues: "1-100000", IsModifiable: true, ApplyMethod: "pending-reboot"},
				tls}})
		}
		if used["synth-pg16"] {
			g.writeJSON(region+"/rds/describe-db-parameters/synth-pg16.json", map[string][]dbParam{"Parameters": {
				{ParameterName: "rds.force_ssl", ParameterValue: "1", Description: "Force SSL connections.", Source: "user",
					ApplyType: "dynamic", DataType: "boolean", AllowedValues: "0,1", IsModifiable: true, ApplyMethod: "immediate"}}})
		}
	}
}

// ---- KMS ----

func (g *gen) kms() {
	n := len(g.opt.Regions)
	for r, region := range g.opt.Regions {
		s := g.open(region+"/kms/list-keys.json", `{"Keys": [`)
		for i := r; i < g.c.KMSKeys; i += n {
			id := uuid(tagKey, i)
			s.add(map[string]string{"KeyId": id, "KeyArn": "arn:aws:kms:" + region + ":" + g.acct + ":key/" + id})
		}
		s.close("]}\n")
		for i := r; i < g.c.KMSKeys && g.err == nil; i += n {
			id := uuid(tagKey, i)
			arn := "arn:aws:kms:" + region + ":" + g.acct + ":key/" + id
			manager, state, rotation := "CUSTOMER", "Enabled", g.chance(0.6)
			if i%5 == 4 {
				manager, rotation = "AWS", true
			} else if g.chance(0.05) {
				state = "Disabled"
			}
			g.writeJSON(region+"/kms/describe-key/"+id+".json", map[string]any{"KeyMetadata": map[string]any{
				"AWSAccountId": g.acct, "KeyId": id, "Arn": arn, "CreationDate": g.ago(g.rng.IntN(1500)), "Enabled": state == "Enabled",
				"Description": "synthetic key", "KeyUsage": "ENCRYPT_DECRYPT", "KeyState": state, "Origin": "AWS_KMS",
				"KeyManager": manager, "CustomerMasterKeySpec": "SYMMETRIC_DEFAULT", "KeySpec": "SYMMETRIC_DEFAULT",
				"EncryptionAlgorithms": []string{"SYMMETRIC_DEFAULT"}, "MultiRegion": false}})
			g.writeJSON(region+"/kms/get-key-rotation-status/"+id+".json", map[string]any{"KeyRotationEnabled": rotation, "KeyId": arn})
		}
	}
}

// ---- CloudTrail ----

type trailJSON struct {
	Name                       string `json:"Name"`
	S3BucketName               string `json:"S3BucketName"`
	IncludeGlobalServiceEvents bool   `json:"IncludeGlobalServiceEvents"`
	IsMultiRegionTrail         bool   `json:"IsMultiRegionTrail"`
	HomeRegion                 string `json:"HomeRegion"`
	TrailARN                   string `json:"TrailARN"`
	LogFileValidationEnabled   bool   `json:"LogFileValidationEnabled"`
	KmsKeyID                   string `json:"KmsKeyId,omitempty"`
	HasCustomEventSelectors    bool   `json:"HasCustomEventSelectors"`
	HasInsightSelectors        bool   `json:"HasInsightSelectors"`
	IsOrganizationTrail        bool   `json:"IsOrganizationTrail"`
}

// trails writes trail 0 as a good multi-region trail homed in the first
// region (listed in every region, as describe-trails does with shadow
// copies) and the others as single-region trails of mixed quality.
func (g *gen) trails() {
	n := len(g.opt.Regions)
	list := make([]trailJSON, g.c.Trails)
	for t := range list {
		home := g.opt.Regions[t%n]
		name := fmt.Sprintf("trail-%03d", t)
		list[t] = trailJSON{Name: name, S3BucketName: g.bucketName(0), IncludeGlobalServiceEvents: t == 0, IsMultiRegionTrail: t == 0,
			HomeRegion: home, TrailARN: "arn:aws:cloudtrail:" + home + ":" + g.acct + ":trail/" + name,
			LogFileValidationEnabled: t == 0 || t%2 == 0}
		if t == 0 || t%3 == 0 {
			list[t].KmsKeyID = "arn:aws:kms:" + home + ":" + g.acct + ":key/" + uuid(tagKey, 4<<30+t)
		}
	}
	for _, region := range g.opt.Regions {
		s := g.open(region+"/cloudtrail/describe-trails.json", `{"trailList": [`)
		for _, tr := range list {
			if tr.IsMultiRegionTrail || tr.HomeRegion == region {
				s.add(tr)
			}
		}
		s.close("]}\n")
	}
	for t, tr := range list {
		g.writeJSON(tr.HomeRegion+"/cloudtrail/get-trail-status/"+tr.Name+".json", map[string]any{
			"IsLogging": true, "LatestDeliveryTime": g.ago(0), "StartLoggingTime": g.ago(400 + t),
			"LatestDeliveryAttemptTime": g.now.Format("2006-01-02T15:04:05Z"), "LatestNotificationAttemptTime": "",
			"LatestNotificationAttemptSucceeded": "", "LatestDeliveryAttemptSucceeded": g.now.Format("2006-01-02T15:04:05Z"),
			"TimeLoggingStarted": g.now.AddDate(-1, 0, 0).Format("2006-01-02T15:04:05Z"), "TimeLoggingStopped": ""})
		g.writeJSON(tr.HomeRegion+"/cloudtrail/get-event-selectors/"+tr.Name+".json", map[string]any{
			"TrailARN": tr.TrailARN, "EventSelectors": []map[string]any{{"ReadWriteType": "All", "IncludeManagementEvents": true,
				"DataResources": []any{}, "ExcludeManagementEventSources": []any{}}}})
	}
}

// ---- GuardDuty ----

func (g *gen) guardduty() {
	for r, region := range g.opt.Regions {
		ids := []string{}
		if r < g.c.Detectors {
			ids = append(ids, fmt.Sprintf("%016x%016x", mix(tagDetector<<40|uint64(r)), mix(tagDetector<<40|uint64(r)|1<<39)))
		}
		g.writeJSON(region+"/guardduty/list-detectors.json", map[string][]string{"DetectorIds": ids})
		for _, id := range ids {
			g.writeJSON(region+"/guardduty/get-detector/"+id+".json", map[string]any{
				"CreatedAt": g.now.AddDate(-2, 0, 0).Format("2006-01-02T15:04:05.000Z"), "FindingPublishingFrequency": "SIX_HOURS",
				"ServiceRole": "arn:aws:iam::" + g.acct + ":role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty",
				"Status":      "ENABLED", "UpdatedAt": g.now.AddDate(0, -1, 0).Format("2006-01-02T15:04:05.000Z"), "Tags": map[string]string{}})
		}
	}
}
