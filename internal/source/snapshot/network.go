package snapshot

import (
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// loadNetwork reads issue 4's network group: EBS and RDS snapshots with
// their sharing attributes, RDS clusters, subnets, internet gateways,
// network interfaces, load balancers with listeners and TLS policies,
// ACM certificates, EKS clusters (per region) and CloudFront distributions
// (global).
func (l *loader) loadNetwork() {
	n := &l.inv.Network
	n.SSLPolicies = map[string]*awsm.SSLPolicy{}
	for _, region := range l.inv.RegionNames {
		l.loadEBSSnapshots(region)
		l.loadDBSnapshots(region)
		l.loadDBClusters(region)
		l.loadSubnets(region)
		l.loadInternetGateways(region)
		l.loadNetworkInterfaces(region)
		l.loadLoadBalancers(region)
		l.loadSSLPolicies(region)
		l.loadCertificates(region)
		l.loadEKSClusters(region)
	}
	l.loadDistributions()
	sortByARN(n.EBSSnapshots, func(x *awsm.EBSSnapshot) string { return x.ARN })
	sortByARN(n.DBSnapshots, func(x *awsm.DBSnapshot) string { return x.ARN })
	sortByARN(n.DBClusters, func(x *awsm.DBCluster) string { return x.ARN })
	sortByARN(n.Subnets, func(x *awsm.Subnet) string { return x.ARN })
	sortByARN(n.InternetGateways, func(x *awsm.InternetGateway) string { return x.ARN })
	sortByARN(n.NetworkInterfaces, func(x *awsm.NetworkInterface) string { return x.ARN })
	sortByARN(n.LoadBalancers, func(x *awsm.LoadBalancer) string { return x.ARN })
	sortByARN(n.Listeners, func(x *awsm.Listener) string { return x.ARN })
	sortByARN(n.Distributions, func(x *awsm.Distribution) string { return x.ARN })
	sortByARN(n.Certificates, func(x *awsm.Certificate) string { return x.ARN })
	sortByARN(n.EKSClusters, func(x *awsm.EKSCluster) string { return x.ARN })
}

// netID is the identity of a network-group resource whose API gives an ARN
// (arn is built from fallback when AWS left it out).
func (l *loader) netID(region, arn, id, name string, tags model.Tags, src model.Source) awsm.Identity {
	return awsm.Identity{ARN: arn, ID: id, Name: name, Region: region, AccountID: l.account(),
		Partition: l.partition(), Source: src, Tags: tags}
}

// timeOf parses an optional CLI timestamp field.
func (l *loader) timeOf(p *string, src model.Source) awsm.Time {
	if p == nil {
		return l.optTime("", src)
	}
	return l.optTime(*p, src)
}

// sharing reads a per-resource sharing attribute answer: public when the
// list holds "all", the account IDs otherwise.
func sharing(values []string, src model.Source) (awsm.Bool, model.Value[[]string]) {
	public := false
	accounts := []string{}
	for _, v := range values {
		if v == "all" {
			public = true
			continue
		}
		accounts = append(accounts, v)
	}
	return model.Known(public, src), model.Known(accounts, src)
}

func (l *loader) loadEBSSnapshots(region string) {
	a := l.fetch(region + "/ec2/describe-snapshots")
	var v struct {
		Snapshots []struct {
			SnapshotID string  `json:"SnapshotId"`
			VolumeID   string  `json:"VolumeId"`
			Encrypted  *bool   `json:"Encrypted"`
			KmsKeyID   *string `json:"KmsKeyId"`
			State      *string `json:"State"`
			StartTime  *string `json:"StartTime"`
			Tags       []tag   `json:"Tags"`
		} `json:"Snapshots"`
	}
	ok := l.decode(&a, &v)
	l.done(region, "ec2", "describe-snapshots", &a, false)
	if !ok || len(v.Snapshots) == 0 {
		l.coverNone(region, "ec2", "describe-snapshot-attribute")
		return
	}
	snaps := make([]*awsm.EBSSnapshot, len(v.Snapshots))
	l.parallel(len(v.Snapshots), func(i int) {
		s := v.Snapshots[i]
		src := at(a.file, idx("Snapshots", i))
		snap := &awsm.EBSSnapshot{
			Identity:  l.ec2ID(region, "snapshot", s.SnapshotID, s.SnapshotID, s.Tags, src),
			VolumeID:  s.VolumeID,
			Encrypted: optBool(s.Encrypted, src.At("Encrypted")),
			KMSKeyID:  strOr(s.KmsKeyID, "", src.At("KmsKeyId")),
			State:     optStr(s.State, src.At("State")),
			StartTime: l.timeOf(s.StartTime, src.At("StartTime")),
		}
		// EC2 snapshot IDs never contain a slash; a hand-edited one that
		// does cannot name a file.
		if !validKey(s.SnapshotID) {
			l.warn(a.file, 0, "%s.SnapshotId %q cannot name a per-snapshot file; sharing unknown", src.Path, s.SnapshotID)
			snap.Public = unknown[bool]("invalid snapshot ID", src)
			snap.SharedWith = unknown[[]string]("invalid snapshot ID", src)
			snaps[i] = snap
			return
		}
		attr := l.fetch(region + "/ec2/describe-snapshot-attribute/" + s.SnapshotID)
		var av struct {
			// Absent or empty: nobody else may create volumes.
			Perms []struct {
				Group  string `json:"Group"`
				UserID string `json:"UserId"`
			} `json:"CreateVolumePermissions"`
		}
		switch {
		case l.decode(&attr, &av):
			var values []string
			for _, p := range av.Perms {
				if p.Group != "" {
					values = append(values, p.Group)
				} else if p.UserID != "" {
					values = append(values, p.UserID)
				}
			}
			snap.Public, snap.SharedWith = sharing(values, at(attr.file, "CreateVolumePermissions"))
		default:
			snap.Public = unknown[bool](attr.reason(), attr.src())
			snap.SharedWith = unknown[[]string](attr.reason(), attr.src())
		}
		l.done(region, "ec2", "describe-snapshot-attribute", &attr, false)
		snaps[i] = snap
	})
	l.inv.Network.EBSSnapshots = append(l.inv.Network.EBSSnapshots, snaps...)
}

func (l *loader) loadDBSnapshots(region string) {
	a := l.fetch(region + "/rds/describe-db-snapshots")
	var v struct {
		DBSnapshots []struct {
			ID           string  `json:"DBSnapshotIdentifier"`
			Arn          string  `json:"DBSnapshotArn"`
			InstanceID   string  `json:"DBInstanceIdentifier"`
			Engine       *string `json:"Engine"`
			SnapshotType *string `json:"SnapshotType"`
			Encrypted    *bool   `json:"Encrypted"`
			KmsKeyID     *string `json:"KmsKeyId"`
			TagList      []tag   `json:"TagList"`
		} `json:"DBSnapshots"`
	}
	ok := l.decode(&a, &v)
	l.done(region, "rds", "describe-db-snapshots", &a, false)
	if !ok || len(v.DBSnapshots) == 0 {
		l.coverNone(region, "rds", "describe-db-snapshot-attributes")
		return
	}
	snaps := make([]*awsm.DBSnapshot, len(v.DBSnapshots))
	l.parallel(len(v.DBSnapshots), func(i int) {
		s := v.DBSnapshots[i]
		src := at(a.file, idx("DBSnapshots", i))
		arn := s.Arn
		if arn == "" {
			arn = l.regionalARN("rds", region, "snapshot:"+s.ID)
		}
		snap := &awsm.DBSnapshot{
			Identity:     l.netID(region, arn, s.ID, s.ID, tagsOf(s.TagList, src.At("TagList")), src),
			DBInstanceID: s.InstanceID,
			Engine:       optStr(s.Engine, src.At("Engine")),
			SnapshotType: optStr(s.SnapshotType, src.At("SnapshotType")),
			Encrypted:    optBool(s.Encrypted, src.At("Encrypted")),
			KMSKeyID:     strOr(s.KmsKeyID, "", src.At("KmsKeyId")),
		}
		// Automated snapshots cannot be shared (AWS refuses), so their
		// attributes are not collected: they are known private.
		if st, _ := snap.SnapshotType.Get(); st == "automated" {
			snap.Public = model.Known(false, src.At("SnapshotType"))
			snap.SharedWith = model.Known([]string{}, src.At("SnapshotType"))
			snaps[i] = snap
			return
		}
		if !validKey(s.ID) {
			l.warn(a.file, 0, "%s.DBSnapshotIdentifier %q cannot name a per-snapshot file; sharing unknown", src.Path, s.ID)
			snap.Public = unknown[bool]("invalid snapshot identifier", src)
			snap.SharedWith = unknown[[]string]("invalid snapshot identifier", src)
			snaps[i] = snap
			return
		}
		attr := l.fetch(region + "/rds/describe-db-snapshot-attributes/" + s.ID)
		var av struct {
			Result *struct {
				Attributes []struct {
					Name   string   `json:"AttributeName"`
					Values []string `json:"AttributeValues"`
				} `json:"DBSnapshotAttributes"`
			} `json:"DBSnapshotAttributesResult"`
		}
		switch {
		case l.decode(&attr, &av) && av.Result != nil:
			var values []string
			for _, at := range av.Result.Attributes {
				if at.Name == "restore" {
					values = append(values, at.Values...)
				}
			}
			snap.Public, snap.SharedWith = sharing(values, at(attr.file, "DBSnapshotAttributesResult.DBSnapshotAttributes"))
		default:
			if attr.kind == ansData {
				attr = l.bad(attr.file, 0, attr.file+`: no "DBSnapshotAttributesResult" object`)
			}
			snap.Public = unknown[bool](attr.reason(), attr.src())
			snap.SharedWith = unknown[[]string](attr.reason(), attr.src())
		}
		l.done(region, "rds", "describe-db-snapshot-attributes", &attr, false)
		snaps[i] = snap
	})
	l.inv.Network.DBSnapshots = append(l.inv.Network.DBSnapshots, snaps...)
}

func (l *loader) loadDBClusters(region string) {
	a := l.fetch(region + "/rds/describe-db-clusters")
	var v struct {
		DBClusters []struct {
			ID                 string  `json:"DBClusterIdentifier"`
			Arn                string  `json:"DBClusterArn"`
			Engine             *string `json:"Engine"`
			EngineVersion      *string `json:"EngineVersion"`
			StorageEncrypted   *bool   `json:"StorageEncrypted"`
			KmsKeyID           *string `json:"KmsKeyId"`
			PubliclyAccessible *bool   `json:"PubliclyAccessible"`
			MultiAZ            *bool   `json:"MultiAZ"`
			DeletionProtection *bool   `json:"DeletionProtection"`
			BackupRetention    *int64  `json:"BackupRetentionPeriod"`
			IAMAuth            *bool   `json:"IAMDatabaseAuthenticationEnabled"`
			Members            []struct {
				ID string `json:"DBInstanceIdentifier"`
			} `json:"DBClusterMembers"`
			TagList []tag `json:"TagList"`
		} `json:"DBClusters"`
	}
	ok := l.decode(&a, &v)
	l.done(region, "rds", "describe-db-clusters", &a, false)
	if !ok {
		return
	}
	for i, c := range v.DBClusters {
		src := at(a.file, idx("DBClusters", i))
		arn := c.Arn
		if arn == "" {
			arn = l.regionalARN("rds", region, "cluster:"+c.ID)
		}
		cl := &awsm.DBCluster{
			Identity:         l.netID(region, arn, c.ID, c.ID, tagsOf(c.TagList, src.At("TagList")), src),
			Engine:           optStr(c.Engine, src.At("Engine")),
			EngineVersion:    optStr(c.EngineVersion, src.At("EngineVersion")),
			StorageEncrypted: optBool(c.StorageEncrypted, src.At("StorageEncrypted")),
			KMSKeyID:         strOr(c.KmsKeyID, "", src.At("KmsKeyId")),
			// Only Multi-AZ DB clusters have the flag; Aurora clusters are
			// reached through their instances' own setting.
			PubliclyAccessible:    boolOr(c.PubliclyAccessible, false, src.At("PubliclyAccessible")),
			MultiAZ:               optBool(c.MultiAZ, src.At("MultiAZ")),
			DeletionProtection:    optBool(c.DeletionProtection, src.At("DeletionProtection")),
			BackupRetentionPeriod: optInt(c.BackupRetention, src.At("BackupRetentionPeriod")),
			IAMAuthentication:     boolOr(c.IAMAuth, false, src.At("IAMDatabaseAuthenticationEnabled")),
		}
		for _, m := range c.Members {
			cl.Members = append(cl.Members, m.ID)
		}
		l.inv.Network.DBClusters = append(l.inv.Network.DBClusters, cl)
	}
}

func (l *loader) loadSubnets(region string) {
	a := l.fetch(region + "/ec2/describe-subnets")
	var v struct {
		Subnets []struct {
			SubnetID            string  `json:"SubnetId"`
			SubnetArn           string  `json:"SubnetArn"`
			VpcID               string  `json:"VpcId"`
			CidrBlock           *string `json:"CidrBlock"`
			AvailabilityZone    *string `json:"AvailabilityZone"`
			MapPublicIPOnLaunch *bool   `json:"MapPublicIpOnLaunch"`
			DefaultForAz        *bool   `json:"DefaultForAz"`
			Tags                []tag   `json:"Tags"`
		} `json:"Subnets"`
	}
	ok := l.decode(&a, &v)
	l.done(region, "ec2", "describe-subnets", &a, false)
	if !ok {
		return
	}
	for i, s := range v.Subnets {
		src := at(a.file, idx("Subnets", i))
		id := l.ec2ID(region, "subnet", s.SubnetID, s.SubnetID, s.Tags, src)
		if s.SubnetArn != "" {
			id.ARN = s.SubnetArn
		}
		l.inv.Network.Subnets = append(l.inv.Network.Subnets, &awsm.Subnet{
			Identity:            id,
			VPCID:               s.VpcID,
			CIDRBlock:           strOr(s.CidrBlock, "", src.At("CidrBlock")), // IPv6-only subnets have none
			AvailabilityZone:    optStr(s.AvailabilityZone, src.At("AvailabilityZone")),
			MapPublicIPOnLaunch: optBool(s.MapPublicIPOnLaunch, src.At("MapPublicIpOnLaunch")),
			DefaultForAZ:        optBool(s.DefaultForAz, src.At("DefaultForAz")),
		})
	}
}

func (l *loader) loadInternetGateways(region string) {
	a := l.fetch(region + "/ec2/describe-internet-gateways")
	var v struct {
		Gateways []struct {
			ID          string `json:"InternetGatewayId"`
			Attachments []struct {
				VpcID string `json:"VpcId"`
			} `json:"Attachments"`
			Tags []tag `json:"Tags"`
		} `json:"InternetGateways"`
	}
	ok := l.decode(&a, &v)
	l.done(region, "ec2", "describe-internet-gateways", &a, false)
	if !ok {
		return
	}
	for i, g := range v.Gateways {
		src := at(a.file, idx("InternetGateways", i))
		gw := &awsm.InternetGateway{Identity: l.ec2ID(region, "internet-gateway", g.ID, g.ID, g.Tags, src), VPCIDs: []string{}}
		for _, at := range g.Attachments {
			gw.VPCIDs = append(gw.VPCIDs, at.VpcID)
		}
		l.inv.Network.InternetGateways = append(l.inv.Network.InternetGateways, gw)
	}
}

func (l *loader) loadNetworkInterfaces(region string) {
	a := l.fetch(region + "/ec2/describe-network-interfaces")
	var v struct {
		Interfaces []struct {
			ID            string  `json:"NetworkInterfaceId"`
			SubnetID      string  `json:"SubnetId"`
			VpcID         string  `json:"VpcId"`
			InterfaceType *string `json:"InterfaceType"`
			Description   *string `json:"Description"`
			Status        *string `json:"Status"`
			PrivateIP     *string `json:"PrivateIpAddress"`
			Association   *struct {
				PublicIP *string `json:"PublicIp"`
			} `json:"Association"`
			Attachment *struct {
				InstanceID *string `json:"InstanceId"`
			} `json:"Attachment"`
			Groups []struct {
				GroupID string `json:"GroupId"`
			} `json:"Groups"`
			RequesterManaged *bool `json:"RequesterManaged"`
			// describe-network-interfaces names its tags TagSet.
			TagSet []tag `json:"TagSet"`
		} `json:"NetworkInterfaces"`
	}
	ok := l.decode(&a, &v)
	l.done(region, "ec2", "describe-network-interfaces", &a, false)
	if !ok {
		return
	}
	for i, e := range v.Interfaces {
		src := at(a.file, idx("NetworkInterfaces", i))
		eni := &awsm.NetworkInterface{
			Identity:         l.ec2ID(region, "network-interface", e.ID, e.ID, e.TagSet, src),
			SubnetID:         e.SubnetID,
			VPCID:            e.VpcID,
			InterfaceType:    optStr(e.InterfaceType, src.At("InterfaceType")),
			Description:      strOr(e.Description, "", src.At("Description")),
			Status:           optStr(e.Status, src.At("Status")),
			PrivateIP:        strOr(e.PrivateIP, "", src.At("PrivateIpAddress")),
			PublicIP:         model.Known("", src.At("Association")),
			InstanceID:       model.Known("", src.At("Attachment")),
			RequesterManaged: boolOr(e.RequesterManaged, false, src.At("RequesterManaged")),
		}
		eni.Identity.Tags = tagsOf(e.TagSet, src.At("TagSet"))
		if e.Association != nil {
			eni.PublicIP = strOr(e.Association.PublicIP, "", src.At("Association.PublicIp"))
		}
		if e.Attachment != nil {
			eni.InstanceID = strOr(e.Attachment.InstanceID, "", src.At("Attachment.InstanceId"))
		}
		for _, g := range e.Groups {
			eni.SecurityGroupIDs = append(eni.SecurityGroupIDs, g.GroupID)
		}
		l.inv.Network.NetworkInterfaces = append(l.inv.Network.NetworkInterfaces, eni)
	}
}

func (l *loader) loadLoadBalancers(region string) {
	a := l.fetch(region + "/elbv2/describe-load-balancers")
	var v struct {
		LoadBalancers []struct {
			Arn            string   `json:"LoadBalancerArn"`
			Name           string   `json:"LoadBalancerName"`
			Type           *string  `json:"Type"`
			Scheme         *string  `json:"Scheme"`
			DNSName        *string  `json:"DNSName"`
			VpcID          string   `json:"VpcId"`
			SecurityGroups []string `json:"SecurityGroups"`
		} `json:"LoadBalancers"`
	}
	ok := l.decode(&a, &v)
	l.done(region, "elbv2", "describe-load-balancers", &a, false)
	if !ok || len(v.LoadBalancers) == 0 {
		l.coverNone(region, "elbv2", "describe-listeners")
		return
	}
	lbs := make([]*awsm.LoadBalancer, len(v.LoadBalancers))
	listeners := make([][]*awsm.Listener, len(v.LoadBalancers))
	l.parallel(len(v.LoadBalancers), func(i int) {
		b := v.LoadBalancers[i]
		src := at(a.file, idx("LoadBalancers", i))
		arn := b.Arn
		if arn == "" {
			arn = l.regionalARN("elasticloadbalancing", region, "loadbalancer/"+b.Name)
		}
		lb := &awsm.LoadBalancer{
			Identity: l.netID(region, arn, b.Name, b.Name,
				notCollectedTags("not collected: elbv2 describe-tags is not part of the snapshot", src), src),
			Type:             optStr(b.Type, src.At("Type")),
			Scheme:           optStr(b.Scheme, src.At("Scheme")),
			DNSName:          strOr(b.DNSName, "", src.At("DNSName")),
			VPCID:            b.VpcID,
			SecurityGroupIDs: b.SecurityGroups,
		}
		lbs[i] = lb
		if !validKey(b.Name) {
			l.warn(a.file, 0, "%s.LoadBalancerName %q cannot name a per-load-balancer file; listeners unknown", src.Path, b.Name)
			lb.ListenersRead = unknown[bool]("invalid load balancer name", src)
			return
		}
		listeners[i], lb.ListenersRead = l.loadListeners(region, lb)
	})
	l.inv.Network.LoadBalancers = append(l.inv.Network.LoadBalancers, lbs...)
	for _, ls := range listeners {
		l.inv.Network.Listeners = append(l.inv.Network.Listeners, ls...)
	}
}

// loadListeners reads describe-listeners for one load balancer, stored
// under the load balancer's name (unique per account and region).
func (l *loader) loadListeners(region string, lb *awsm.LoadBalancer) ([]*awsm.Listener, awsm.Bool) {
	a := l.fetch(region + "/elbv2/describe-listeners/" + lb.Name)
	var v struct {
		Listeners *[]struct {
			Arn            string  `json:"ListenerArn"`
			Port           *int64  `json:"Port"`
			Protocol       *string `json:"Protocol"`
			SslPolicy      *string `json:"SslPolicy"`
			DefaultActions *[]struct {
				Type           string `json:"Type"`
				RedirectConfig *struct {
					Protocol *string `json:"Protocol"`
					Port     *string `json:"Port"`
				} `json:"RedirectConfig"`
			} `json:"DefaultActions"`
		} `json:"Listeners"`
	}
	ok := l.decode(&a, &v) && v.Listeners != nil
	if !ok && a.kind == ansData {
		a = l.bad(a.file, 0, a.file+`: no "Listeners" list`)
	}
	l.done(region, "elbv2", "describe-listeners", &a, false)
	if !ok {
		return nil, unknown[bool](a.reason(), a.src())
	}
	var out []*awsm.Listener
	for i, x := range *v.Listeners {
		src := at(a.file, idx("Listeners", i))
		arn := x.Arn
		if arn == "" { // hand-written data: keep listeners apart by port
			arn = lb.ARN + "/listener-port-" + portText(x.Port)
		}
		ls := &awsm.Listener{
			Identity: l.netID(region, arn, path.Base(arn), lb.Name+":"+portText(x.Port),
				notCollectedTags("listener tags are not part of the snapshot", src), src),
			LoadBalancerARN: lb.ARN,
			Port:            optInt(x.Port, src.At("Port")),
			Protocol:        optStr(x.Protocol, src.At("Protocol")),
			SSLPolicy:       strOr(x.SslPolicy, "", src.At("SslPolicy")),
		}
		if x.DefaultActions == nil {
			ls.DefaultActions = unknown[[]awsm.ListenerAction]("DefaultActions absent from "+a.file, src.At("DefaultActions"))
		} else {
			acts := make([]awsm.ListenerAction, 0, len(*x.DefaultActions))
			for j, d := range *x.DefaultActions {
				act := awsm.ListenerAction{Type: d.Type, Source: src.At(idx("DefaultActions", j))}
				if d.RedirectConfig != nil {
					act.RedirectProtocol = deref(d.RedirectConfig.Protocol)
					act.RedirectPort = deref(d.RedirectConfig.Port)
				}
				acts = append(acts, act)
			}
			ls.DefaultActions = model.Known(acts, src.At("DefaultActions"))
		}
		out = append(out, ls)
	}
	return out, model.Known(true, at(a.file, "Listeners"))
}

func portText(p *int64) string {
	if p == nil {
		return "?"
	}
	return strconv.FormatInt(*p, 10)
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// loadSSLPolicies reads the region's ELB security policies; the same
// predefined policy has the same protocols in every region, so the first
// region's answer is kept.
func (l *loader) loadSSLPolicies(region string) {
	a := l.fetch(region + "/elbv2/describe-ssl-policies")
	var v struct {
		Policies []struct {
			Name      string   `json:"Name"`
			Protocols []string `json:"SslProtocols"`
		} `json:"SslPolicies"`
	}
	ok := l.decode(&a, &v)
	l.done(region, "elbv2", "describe-ssl-policies", &a, false)
	if !ok {
		return
	}
	for i, p := range v.Policies {
		if _, seen := l.inv.Network.SSLPolicies[p.Name]; seen || p.Name == "" {
			continue
		}
		l.inv.Network.SSLPolicies[p.Name] = &awsm.SSLPolicy{Name: p.Name, Protocols: p.Protocols,
			Source: at(a.file, idx("SslPolicies", i)+".SslProtocols")}
	}
}

// loadCertificates reads acm list-certificates and describe-certificate
// per certificate (stored under the certificate ID, the ARN's last part).
func (l *loader) loadCertificates(region string) {
	a := l.fetch(region + "/acm/list-certificates")
	var v struct {
		List []struct {
			Arn        string  `json:"CertificateArn"`
			DomainName *string `json:"DomainName"`
			Status     *string `json:"Status"`
			Type       *string `json:"Type"`
			NotAfter   *string `json:"NotAfter"`
		} `json:"CertificateSummaryList"`
	}
	ok := l.decode(&a, &v)
	l.done(region, "acm", "list-certificates", &a, false)
	if !ok || len(v.List) == 0 {
		l.coverNone(region, "acm", "describe-certificate")
		return
	}
	certs := make([]*awsm.Certificate, len(v.List))
	l.parallel(len(v.List), func(i int) {
		s := v.List[i]
		src := at(a.file, idx("CertificateSummaryList", i))
		id := path.Base(s.Arn)
		c := &awsm.Certificate{
			Identity: l.netID(region, s.Arn, id, deref(s.DomainName),
				notCollectedTags("not collected: acm list-tags-for-certificate is not part of the snapshot", src), src),
			DomainName: optStr(s.DomainName, src.At("DomainName")),
			Status:     optStr(s.Status, src.At("Status")),
			Type:       optStr(s.Type, src.At("Type")),
			NotAfter:   l.timeOf(s.NotAfter, src.At("NotAfter")),
		}
		certs[i] = c
		if !strings.HasPrefix(s.Arn, "arn:") || !validKey(id) {
			l.warn(a.file, 0, "%s.CertificateArn %q is not a certificate ARN; details unknown", src.Path, s.Arn)
			c.InUseBy = unknown[[]string]("invalid certificate ARN", src)
			c.RenewalEligibility = unknown[string]("invalid certificate ARN", src)
			c.KeyAlgorithm = c.RenewalEligibility
			return
		}
		d := l.fetch(region + "/acm/describe-certificate/" + id)
		var dv struct {
			Cert *struct {
				Status             *string  `json:"Status"`
				Type               *string  `json:"Type"`
				NotAfter           *string  `json:"NotAfter"`
				InUseBy            []string `json:"InUseBy"`
				RenewalEligibility *string  `json:"RenewalEligibility"`
				KeyAlgorithm       *string  `json:"KeyAlgorithm"`
			} `json:"Certificate"`
		}
		if l.decode(&d, &dv) && dv.Cert != nil {
			cs := func(f string) model.Source { return at(d.file, "Certificate."+f) }
			x := dv.Cert
			// describe-certificate is the fuller answer: it wins.
			if x.Status != nil {
				c.Status = str(*x.Status, cs("Status"))
			}
			if x.Type != nil {
				c.Type = str(*x.Type, cs("Type"))
			}
			if x.NotAfter != nil {
				c.NotAfter = l.timeOf(x.NotAfter, cs("NotAfter"))
			}
			inUse := x.InUseBy
			if inUse == nil {
				inUse = []string{}
			}
			c.InUseBy = model.Known(inUse, cs("InUseBy"))
			c.RenewalEligibility = strOr(x.RenewalEligibility, "", cs("RenewalEligibility"))
			c.KeyAlgorithm = optStr(x.KeyAlgorithm, cs("KeyAlgorithm"))
		} else {
			if d.kind == ansData {
				d = l.bad(d.file, 0, d.file+`: no "Certificate" object`)
			}
			c.InUseBy = unknown[[]string](d.reason(), d.src())
			c.RenewalEligibility = unknown[string](d.reason(), d.src())
			c.KeyAlgorithm = c.RenewalEligibility
		}
		l.done(region, "acm", "describe-certificate", &d, false)
	})
	l.inv.Network.Certificates = append(l.inv.Network.Certificates, certs...)
}

// loadEKSClusters reads eks list-clusters and describe-cluster per name.
func (l *loader) loadEKSClusters(region string) {
	a := l.fetch(region + "/eks/list-clusters")
	var v struct {
		Clusters []string `json:"clusters"`
	}
	ok := l.decode(&a, &v)
	l.done(region, "eks", "list-clusters", &a, false)
	if !ok || len(v.Clusters) == 0 {
		l.coverNone(region, "eks", "describe-cluster")
		return
	}
	clusters := make([]*awsm.EKSCluster, len(v.Clusters))
	l.parallel(len(v.Clusters), func(i int) {
		name := v.Clusters[i]
		src := at(a.file, idx("clusters", i))
		c := &awsm.EKSCluster{Identity: l.netID(region, l.regionalARN("eks", region, "cluster/"+name), name, name,
			notCollectedTags("describe-cluster not read", src), src)}
		clusters[i] = c
		fail := func(reason string, s model.Source) {
			c.Version = unknown[string](reason, s)
			c.EndpointPublicAccess = unknown[bool](reason, s)
			c.EndpointPrivateAccess = c.EndpointPublicAccess
			c.PublicAccessCIDRs = unknown[[]string](reason, s)
			c.SecretsEncrypted = c.EndpointPublicAccess
			c.LoggingTypes = c.PublicAccessCIDRs
		}
		if !validKey(name) {
			l.warn(a.file, 0, "%s: cluster name %q cannot name a per-cluster file; cluster settings unknown", src.Path, name)
			fail("invalid cluster name", src)
			return
		}
		d := l.fetch(region + "/eks/describe-cluster/" + name)
		var dv struct {
			Cluster *struct {
				Arn     string            `json:"arn"`
				Version *string           `json:"version"`
				Tags    map[string]string `json:"tags"`
				VPC     *struct {
					Public  *bool    `json:"endpointPublicAccess"`
					Private *bool    `json:"endpointPrivateAccess"`
					CIDRs   []string `json:"publicAccessCidrs"`
				} `json:"resourcesVpcConfig"`
				Encryption []struct {
					Resources []string `json:"resources"`
				} `json:"encryptionConfig"`
				Logging *struct {
					ClusterLogging []struct {
						Types   []string `json:"types"`
						Enabled bool     `json:"enabled"`
					} `json:"clusterLogging"`
				} `json:"logging"`
			} `json:"cluster"`
		}
		if !l.decode(&d, &dv) || dv.Cluster == nil {
			if d.kind == ansData {
				d = l.bad(d.file, 0, d.file+`: no "cluster" object`)
			}
			l.done(region, "eks", "describe-cluster", &d, false)
			fail(d.reason(), d.src())
			return
		}
		l.done(region, "eks", "describe-cluster", &d, false)
		x := dv.Cluster
		cs := func(f string) model.Source { return at(d.file, "cluster."+f) }
		if x.Arn != "" {
			c.ARN = x.Arn
		}
		tags := x.Tags
		if tags == nil {
			tags = map[string]string{}
		}
		c.Tags = model.Known(tags, cs("tags"))
		c.Version = optStr(x.Version, cs("version"))
		if x.VPC == nil {
			fail("resourcesVpcConfig absent from "+d.file, cs("resourcesVpcConfig"))
			c.Version = optStr(x.Version, cs("version"))
		} else {
			c.EndpointPublicAccess = optBool(x.VPC.Public, cs("resourcesVpcConfig.endpointPublicAccess"))
			c.EndpointPrivateAccess = optBool(x.VPC.Private, cs("resourcesVpcConfig.endpointPrivateAccess"))
			cidrs := x.VPC.CIDRs
			if cidrs == nil {
				cidrs = []string{}
			}
			c.PublicAccessCIDRs = model.Known(cidrs, cs("resourcesVpcConfig.publicAccessCidrs"))
		}
		enc := false
		for _, e := range x.Encryption {
			for _, r := range e.Resources {
				enc = enc || r == "secrets"
			}
		}
		c.SecretsEncrypted = model.Known(enc, cs("encryptionConfig"))
		types := []string{}
		if x.Logging != nil {
			for _, lg := range x.Logging.ClusterLogging {
				if lg.Enabled {
					types = append(types, lg.Types...)
				}
			}
		}
		sort.Strings(types)
		c.LoggingTypes = model.Known(types, cs("logging"))
	})
	l.inv.Network.EKSClusters = append(l.inv.Network.EKSClusters, clusters...)
}

// loadDistributions reads cloudfront list-distributions (global). The CLI
// prints the list under DistributionList.Items; lists inside it come as
// {"Quantity": n, "Items": [...]}.
func (l *loader) loadDistributions() {
	a := l.fetch(global + "/cloudfront/list-distributions")
	type behavior struct {
		PathPattern          string  `json:"PathPattern"`
		ViewerProtocolPolicy *string `json:"ViewerProtocolPolicy"`
	}
	var v struct {
		List *struct {
			Items []struct {
				ID         string  `json:"Id"`
				Arn        string  `json:"ARN"`
				DomainName *string `json:"DomainName"`
				Aliases    *struct {
					Items []string `json:"Items"`
				} `json:"Aliases"`
				Enabled        *bool     `json:"Enabled"`
				DefaultBehavio *behavior `json:"DefaultCacheBehavior"`
				CacheBehaviors *struct {
					Items []behavior `json:"Items"`
				} `json:"CacheBehaviors"`
				ViewerCertificate *struct {
					Default                *bool   `json:"CloudFrontDefaultCertificate"`
					MinimumProtocolVersion *string `json:"MinimumProtocolVersion"`
				} `json:"ViewerCertificate"`
				WebACLID *string `json:"WebACLId"`
			} `json:"Items"`
		} `json:"DistributionList"`
	}
	ok := l.decode(&a, &v)
	if ok && v.List == nil {
		a = l.bad(a.file, 0, a.file+`: no "DistributionList" object`)
		ok = false
	}
	l.done(global, "cloudfront", "list-distributions", &a, false)
	if !ok {
		return
	}
	for i, d := range v.List.Items {
		src := at(a.file, idx("DistributionList.Items", i))
		arn := d.Arn
		if arn == "" {
			arn = "arn:" + l.partition() + ":cloudfront::" + l.account() + ":distribution/" + d.ID
		}
		dist := &awsm.Distribution{
			Identity: l.netID(global, arn, d.ID, d.ID,
				notCollectedTags("not collected: cloudfront list-tags-for-resource is not part of the snapshot", src), src),
			DomainName: optStr(d.DomainName, src.At("DomainName")),
			Enabled:    optBool(d.Enabled, src.At("Enabled")),
			WebACLID:   strOr(d.WebACLID, "", src.At("WebACLId")),
		}
		if d.Aliases != nil {
			dist.Aliases = d.Aliases.Items
		}
		if d.DefaultBehavio == nil || d.DefaultBehavio.ViewerProtocolPolicy == nil {
			dist.ViewerPolicies = unknown[[]awsm.ViewerPolicy]("DefaultCacheBehavior.ViewerProtocolPolicy absent from "+a.file, src.At("DefaultCacheBehavior"))
		} else {
			pols := []awsm.ViewerPolicy{{Policy: *d.DefaultBehavio.ViewerProtocolPolicy, Source: src.At("DefaultCacheBehavior.ViewerProtocolPolicy")}}
			if d.CacheBehaviors != nil {
				for j, b := range d.CacheBehaviors.Items {
					if b.ViewerProtocolPolicy != nil {
						pols = append(pols, awsm.ViewerPolicy{PathPattern: b.PathPattern, Policy: *b.ViewerProtocolPolicy,
							Source: src.At(idx("CacheBehaviors.Items", j) + ".ViewerProtocolPolicy")})
					}
				}
			}
			dist.ViewerPolicies = model.Known(pols, src.At("DefaultCacheBehavior"))
		}
		vsrc := src.At("ViewerCertificate")
		if vc := d.ViewerCertificate; vc == nil {
			dist.DefaultCertificate = unknown[bool]("ViewerCertificate absent from "+a.file, vsrc)
			dist.MinimumProtocolVersion = unknown[string]("ViewerCertificate absent from "+a.file, vsrc)
		} else {
			dist.DefaultCertificate = boolOr(vc.Default, false, vsrc.At("CloudFrontDefaultCertificate"))
			dist.MinimumProtocolVersion = optStr(vc.MinimumProtocolVersion, vsrc.At("MinimumProtocolVersion"))
		}
		l.inv.Network.Distributions = append(l.inv.Network.Distributions, dist)
	}
}

// validKey reports whether a resource key can name a per-resource file:
// one path element, not "." or "..".
func validKey(k string) bool {
	return k != "" && k != "." && k != ".." && !strings.ContainsAny(k, `/\`)
}
