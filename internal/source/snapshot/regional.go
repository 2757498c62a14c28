package snapshot

import (
	"runtime"
	"sort"
	"sync"

	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// loadRegions reads every region listed in snapshot.json, a few regions at
// a time, and merges the results in region order.
func (l *loader) loadRegions() {
	regions := l.inv.RegionNames
	outs := make([]*regionOut, len(regions))
	sem := make(chan struct{}, max(1, min(l.opts.Workers, runtime.GOMAXPROCS(0))))
	var wg sync.WaitGroup
	for i, r := range regions {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			outs[i] = l.loadRegion(r)
		}()
	}
	wg.Wait()

	inv := l.inv
	for _, o := range outs {
		inv.Regions = append(inv.Regions, o.region)
		inv.SecurityGroups = append(inv.SecurityGroups, o.securityGroups...)
		inv.Instances = append(inv.Instances, o.instances...)
		inv.Volumes = append(inv.Volumes, o.volumes...)
		inv.VPCs = append(inv.VPCs, o.vpcs...)
		inv.NetworkACLs = append(inv.NetworkACLs, o.nacls...)
		inv.DBInstances = append(inv.DBInstances, o.dbInstances...)
		inv.KMSKeys = append(inv.KMSKeys, o.kmsKeys...)
	}
	sortByARN(inv.Regions, func(x *awsm.Region) string { return x.ARN })
	sortByARN(inv.SecurityGroups, func(x *awsm.SecurityGroup) string { return x.ARN })
	sortByARN(inv.Instances, func(x *awsm.Instance) string { return x.ARN })
	sortByARN(inv.Volumes, func(x *awsm.Volume) string { return x.ARN })
	sortByARN(inv.VPCs, func(x *awsm.VPC) string { return x.ARN })
	sortByARN(inv.NetworkACLs, func(x *awsm.NetworkACL) string { return x.ARN })
	sortByARN(inv.DBInstances, func(x *awsm.DBInstance) string { return x.ARN })
	sortByARN(inv.KMSKeys, func(x *awsm.KMSKey) string { return x.ARN })
	l.mergeTrails(outs)
}

func (l *loader) loadRegion(region string) *regionOut {
	out := &regionOut{region: &awsm.Region{Identity: l.regionID(region)}}
	l.loadSecurityGroups(region, out)
	l.loadInstances(region, out)
	l.loadVolumes(region, out)
	l.loadEBSDefault(region, out)
	l.loadVPCs(region, out)
	l.loadNetworkACLs(region, out)
	l.loadDBInstances(region, out)
	l.loadKMSKeys(region, out)
	l.loadTrailList(region, out)
	l.loadDetectors(region, out)
	l.loadMonitoring(region, out)
	return out
}

// loadDBInstances reads RDS instances and the parameters of their
// parameter groups, each group read once however many instances use it.
func (l *loader) loadDBInstances(region string, out *regionOut) {
	a := l.fetch(region + "/rds/describe-db-instances")
	var v struct {
		DBInstances []struct {
			DBInstanceIdentifier    string  `json:"DBInstanceIdentifier"`
			DBInstanceArn           string  `json:"DBInstanceArn"`
			Engine                  *string `json:"Engine"`
			EngineVersion           *string `json:"EngineVersion"`
			StorageEncrypted        *bool   `json:"StorageEncrypted"`
			KmsKeyID                *string `json:"KmsKeyId"`
			PubliclyAccessible      *bool   `json:"PubliclyAccessible"`
			MultiAZ                 *bool   `json:"MultiAZ"`
			AutoMinorVersionUpgrade *bool   `json:"AutoMinorVersionUpgrade"`
			DBParameterGroups       []struct {
				DBParameterGroupName string `json:"DBParameterGroupName"`
			} `json:"DBParameterGroups"`
			TagList       []tag `json:"TagList"`
			DBSubnetGroup *struct {
				VpcID   string `json:"VpcId"`
				Subnets []struct {
					SubnetIdentifier string `json:"SubnetIdentifier"`
				} `json:"Subnets"`
			} `json:"DBSubnetGroup"`
		} `json:"DBInstances"`
	}
	ok := l.decode(&a, &v)
	l.done(region, "rds", "describe-db-instances", &a, false)
	if !ok {
		l.coverNone(region, "rds", "describe-db-parameters")
		return
	}
	var groups []string
	seen := map[string]bool{}
	for _, d := range v.DBInstances {
		for _, g := range d.DBParameterGroups {
			if !seen[g.DBParameterGroupName] {
				seen[g.DBParameterGroupName] = true
				groups = append(groups, g.DBParameterGroupName)
			}
		}
	}
	sort.Strings(groups)
	params := make([]model.Value[map[string]awsm.DBParameter], len(groups))
	l.parallel(len(groups), func(i int) { params[i] = l.loadDBParameters(region, groups[i]) })
	if len(groups) == 0 {
		l.coverNone(region, "rds", "describe-db-parameters")
	}
	byGroup := make(map[string]model.Value[map[string]awsm.DBParameter], len(groups))
	for i, g := range groups {
		byGroup[g] = params[i]
	}
	for i, d := range v.DBInstances {
		src := at(a.file, idx("DBInstances", i))
		arn := d.DBInstanceArn
		if arn == "" {
			arn = l.regionalARN("rds", region, "db:"+d.DBInstanceIdentifier)
		}
		db := &awsm.DBInstance{
			Identity: awsm.Identity{ARN: arn, ID: d.DBInstanceIdentifier, Name: d.DBInstanceIdentifier,
				Region: region, AccountID: l.account(), Partition: l.partition(), Source: src,
				Tags: tagsOf(d.TagList, src.At("TagList"))},
			Engine:                  optStr(d.Engine, src.At("Engine")),
			EngineVersion:           optStr(d.EngineVersion, src.At("EngineVersion")),
			StorageEncrypted:        optBool(d.StorageEncrypted, src.At("StorageEncrypted")),
			KMSKeyID:                strOr(d.KmsKeyID, "", src.At("KmsKeyId")),
			PubliclyAccessible:      optBool(d.PubliclyAccessible, src.At("PubliclyAccessible")),
			MultiAZ:                 optBool(d.MultiAZ, src.At("MultiAZ")),
			AutoMinorVersionUpgrade: optBool(d.AutoMinorVersionUpgrade, src.At("AutoMinorVersionUpgrade")),
		}
		if g := d.DBSubnetGroup; g != nil {
			ids := make([]string, 0, len(g.Subnets))
			for _, s := range g.Subnets {
				ids = append(ids, s.SubnetIdentifier)
			}
			db.VPCID = g.VpcID
			db.SubnetIDs = model.Known(ids, src.At("DBSubnetGroup.Subnets"))
		} else {
			db.SubnetIDs = unknown[[]string]("the answer has no DBSubnetGroup", src)
		}
		for _, g := range d.DBParameterGroups {
			db.ParameterGroups = append(db.ParameterGroups, awsm.DBParameterGroup{Name: g.DBParameterGroupName, Parameters: byGroup[g.DBParameterGroupName]})
		}
		out.dbInstances = append(out.dbInstances, db)
	}
}

func (l *loader) loadDBParameters(region, group string) model.Value[map[string]awsm.DBParameter] {
	a := l.fetch(region + "/rds/describe-db-parameters/" + group)
	var v struct {
		Parameters []struct {
			ParameterName  string  `json:"ParameterName"`
			ParameterValue *string `json:"ParameterValue"`
		} `json:"Parameters"`
	}
	var out model.Value[map[string]awsm.DBParameter]
	if l.decode(&a, &v) {
		m := make(map[string]awsm.DBParameter, len(v.Parameters))
		for i, p := range v.Parameters {
			src := at(a.file, idx("Parameters", i))
			// No ParameterValue: the engine default applies.
			m[p.ParameterName] = awsm.DBParameter{Value: strOr(p.ParameterValue, "", src.At("ParameterValue")), Source: src}
		}
		out = model.Known(m, at(a.file, "Parameters"))
	} else {
		out = unknown[map[string]awsm.DBParameter](a.reason(), a.src())
	}
	l.done(region, "rds", "describe-db-parameters", &a, false)
	return out
}

// loadKMSKeys reads list-keys, then describe-key and
// get-key-rotation-status per key.
func (l *loader) loadKMSKeys(region string, out *regionOut) {
	a := l.fetch(region + "/kms/list-keys")
	var v struct {
		Keys []struct {
			KeyID  string `json:"KeyId"`
			KeyArn string `json:"KeyArn"`
		} `json:"Keys"`
	}
	ok := l.decode(&a, &v)
	l.done(region, "kms", "list-keys", &a, false)
	if !ok || len(v.Keys) == 0 {
		l.coverNone(region, "kms", "describe-key")
		l.coverNone(region, "kms", "get-key-rotation-status")
		return
	}
	keys := make([]*awsm.KMSKey, len(v.Keys))
	l.parallel(len(v.Keys), func(i int) {
		k := v.Keys[i]
		src := at(a.file, idx("Keys", i))
		arn := k.KeyArn
		if arn == "" {
			arn = l.regionalARN("kms", region, "key/"+k.KeyID)
		}
		key := &awsm.KMSKey{Identity: awsm.Identity{ARN: arn, ID: k.KeyID, Name: k.KeyID, Region: region,
			AccountID: l.account(), Partition: l.partition(), Source: src,
			Tags: notCollectedTags("not collected: kms list-resource-tags is not part of the snapshot", src)}}
		l.loadKey(region, key)
		keys[i] = key
	})
	out.kmsKeys = keys
}

func (l *loader) loadKey(region string, key *awsm.KMSKey) {
	a := l.fetch(region + "/kms/describe-key/" + key.ID)
	var v struct {
		KeyMetadata *struct {
			KeyManager  *string `json:"KeyManager"`
			KeyState    *string `json:"KeyState"`
			KeySpec     *string `json:"KeySpec"`
			KeyUsage    *string `json:"KeyUsage"`
			Origin      *string `json:"Origin"`
			Description string  `json:"Description"`
		} `json:"KeyMetadata"`
	}
	if l.decode(&a, &v) && v.KeyMetadata != nil {
		m, s := v.KeyMetadata, func(k string) model.Source { return at(a.file, "KeyMetadata."+k) }
		key.Manager = optStr(m.KeyManager, s("KeyManager"))
		key.State = optStr(m.KeyState, s("KeyState"))
		key.KeySpec = optStr(m.KeySpec, s("KeySpec"))
		key.KeyUsage = optStr(m.KeyUsage, s("KeyUsage"))
		key.Origin = optStr(m.Origin, s("Origin"))
	} else {
		if a.kind == ansData {
			a = l.bad(a.file, 0, a.file+`: no "KeyMetadata" object`)
		}
		u := unknown[string](a.reason(), a.src())
		key.Manager, key.State, key.KeySpec, key.KeyUsage, key.Origin = u, u, u, u, u
	}
	l.done(region, "kms", "describe-key", &a, false)

	r := l.fetch(region + "/kms/get-key-rotation-status/" + key.ID)
	var rv struct {
		KeyRotationEnabled *bool `json:"KeyRotationEnabled"`
	}
	// Asymmetric, HMAC and imported keys cannot rotate: AWS answers
	// UnsupportedOperationException, which means rotation is off.
	unsupported := r.kind == ansAWS && r.code == "UnsupportedOperationException"
	switch {
	case unsupported:
		key.RotationEnabled = model.Known(false, r.src())
	case l.decode(&r, &rv):
		key.RotationEnabled = optBool(rv.KeyRotationEnabled, at(r.file, "KeyRotationEnabled"))
	default:
		key.RotationEnabled = unknown[bool](r.reason(), r.src())
	}
	l.done(region, "kms", "get-key-rotation-status", &r, unsupported)
}

// loadDetectors reads GuardDuty detectors of a region.
func (l *loader) loadDetectors(region string, out *regionOut) {
	a := l.fetch(region + "/guardduty/list-detectors")
	var v struct {
		DetectorIDs []string `json:"DetectorIds"`
	}
	if !l.decode(&a, &v) {
		out.region.GuardDutyDetectors = unknown[[]*awsm.Detector](a.reason(), a.src())
		l.done(region, "guardduty", "list-detectors", &a, false)
		l.coverNone(region, "guardduty", "get-detector")
		return
	}
	l.done(region, "guardduty", "list-detectors", &a, false)
	dets := make([]*awsm.Detector, 0, len(v.DetectorIDs))
	for i, id := range v.DetectorIDs {
		src := at(a.file, idx("DetectorIds", i))
		d := &awsm.Detector{Identity: awsm.Identity{ARN: l.regionalARN("guardduty", region, "detector/"+id),
			ID: id, Name: id, Region: region, AccountID: l.account(), Partition: l.partition(), Source: src}}
		g := l.fetch(region + "/guardduty/get-detector/" + id)
		var gv struct {
			Status *string            `json:"Status"`
			Tags   *map[string]string `json:"Tags"`
		}
		if l.decode(&g, &gv) {
			d.Status = optStr(gv.Status, at(g.file, "Status"))
			if gv.Tags != nil {
				d.Tags = model.Known(*gv.Tags, at(g.file, "Tags"))
			} else {
				d.Tags = model.Known(map[string]string{}, at(g.file, "Tags"))
			}
		} else {
			d.Status = unknown[string](g.reason(), g.src())
			d.Tags = notCollectedTags(g.reason(), g.src())
		}
		l.done(region, "guardduty", "get-detector", &g, false)
		dets = append(dets, d)
	}
	if len(dets) == 0 {
		l.coverNone(region, "guardduty", "get-detector")
	}
	sortByARN(dets, func(d *awsm.Detector) string { return d.ARN })
	out.region.GuardDutyDetectors = model.Known(dets, at(a.file, "DetectorIds"))
}
