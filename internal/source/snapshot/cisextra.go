package snapshot

import (
	"strings"
	"time"

	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// loadCISExtra reads the operations collected only for CIS controls
// (issue 6): virtual MFA devices, server certificates, and per region
// Access Analyzer, AWS Config and EFS. It runs after loadGlobal and
// loadRegions because it completes the root user and the regions.
func (l *loader) loadCISExtra() {
	l.loadVirtualMFA()
	l.loadServerCertificates()
	l.loadSecurityContact()
	l.inv.CIS.PeeringConnections = map[string]*awsm.PeeringConnection{}
	for _, r := range l.inv.Regions {
		l.loadAnalyzers(r)
		l.loadConfigRecorders(r)
		l.loadEFS(r)
		l.loadPeering(r.Region)
	}
	sortByARN(l.inv.CIS.EFSFileSystems, func(f *awsm.EFSFileSystem) string { return f.ARN })
	sortByARN(l.inv.CIS.RouteTables, func(t *awsm.RouteTable) string { return t.ARN })
	sortByARN(l.inv.Network.RouteTables, func(t *awsm.RouteTable) string { return t.ARN })
}

// loadVirtualMFA decides RootUser.HardwareMFA: the root's MFA is virtual
// when a virtual device is assigned to the root (its serial is
// ...:mfa/root-account-mfa-device, or its User.Arn is the root's ARN).
// With root MFA on and no such device, the root's MFA is hardware.
func (l *loader) loadVirtualMFA() {
	root := l.inv.Root
	if root == nil {
		return
	}
	a := l.fetch("global/iam/list-virtual-mfa-devices")
	var v struct {
		VirtualMFADevices []struct {
			SerialNumber string `json:"SerialNumber"`
			User         *struct {
				Arn string `json:"Arn"`
			} `json:"User"`
		} `json:"VirtualMFADevices"`
	}
	if !l.decode(&a, &v) {
		l.done(global, "iam", "list-virtual-mfa-devices", &a, false)
		root.HardwareMFA = unknown[bool](a.reason(), a.src())
		return
	}
	l.done(global, "iam", "list-virtual-mfa-devices", &a, false)
	rootARN := "arn:" + l.partition() + ":iam::" + l.account() + ":root"
	for i, d := range v.VirtualMFADevices {
		if strings.HasSuffix(d.SerialNumber, ":mfa/root-account-mfa-device") || (d.User != nil && d.User.Arn == rootARN) {
			root.HardwareMFA = model.Known(false, at(a.file, idx("VirtualMFADevices", i)))
			return
		}
	}
	enabled, ok := root.MFAEnabled.Get()
	switch {
	case !ok:
		root.HardwareMFA = unknown[bool]("whether the root user has MFA is unknown", root.MFAEnabled.Source())
	case !enabled:
		root.HardwareMFA = model.Known(false, root.MFAEnabled.Source())
	default:
		// MFA on and no virtual device assigned to the root: hardware.
		root.HardwareMFA = model.Known(true, at(a.file, "VirtualMFADevices"))
	}
}

func (l *loader) loadServerCertificates() {
	a := l.fetch("global/iam/list-server-certificates")
	var v struct {
		List []struct {
			Name       string  `json:"ServerCertificateName"`
			Arn        string  `json:"Arn"`
			Expiration *string `json:"Expiration"`
		} `json:"ServerCertificateMetadataList"`
	}
	if !l.decode(&a, &v) {
		l.done(global, "iam", "list-server-certificates", &a, false)
		l.inv.CIS.ServerCertificates = unknown[[]*awsm.ServerCertificate](a.reason(), a.src())
		return
	}
	l.done(global, "iam", "list-server-certificates", &a, false)
	certs := make([]*awsm.ServerCertificate, 0, len(v.List))
	for i, c := range v.List {
		src := at(a.file, idx("ServerCertificateMetadataList", i))
		cert := &awsm.ServerCertificate{Name: c.Name, ARN: c.Arn, Source: src}
		esrc := src.At("Expiration")
		switch {
		case c.Expiration == nil:
			cert.Expiration = unknown[time.Time]("Expiration absent from "+a.file, esrc)
		default:
			if t, ok := parseTime(*c.Expiration); ok {
				cert.Expiration = model.Known(t, esrc)
			} else {
				l.warn(a.file, 0, "%s: unparsable Expiration %q", esrc.Path, *c.Expiration)
				cert.Expiration = unknown[time.Time]("unparsable Expiration "+*c.Expiration, esrc)
			}
		}
		certs = append(certs, cert)
	}
	sortByARN(certs, func(c *awsm.ServerCertificate) string { return c.ARN })
	l.inv.CIS.ServerCertificates = model.Known(certs, at(a.file, "ServerCertificateMetadataList"))
}

func (l *loader) loadAnalyzers(r *awsm.Region) {
	region := r.Region
	a := l.fetch(region + "/accessanalyzer/list-analyzers")
	var v struct {
		Analyzers []struct {
			Name   string  `json:"name"`
			Arn    string  `json:"arn"`
			Type   string  `json:"type"`
			Status *string `json:"status"`
		} `json:"analyzers"`
	}
	if !l.decode(&a, &v) {
		l.done(region, "accessanalyzer", "list-analyzers", &a, false)
		r.CIS.Analyzers = unknown[[]*awsm.Analyzer](a.reason(), a.src())
		return
	}
	l.done(region, "accessanalyzer", "list-analyzers", &a, false)
	list := make([]*awsm.Analyzer, 0, len(v.Analyzers))
	for i, an := range v.Analyzers {
		src := at(a.file, idx("analyzers", i))
		list = append(list, &awsm.Analyzer{Name: an.Name, ARN: an.Arn, Type: an.Type,
			Status: optStr(an.Status, src.At("status")), Source: src})
	}
	r.CIS.Analyzers = model.Known(list, at(a.file, "analyzers"))
}

// loadConfigRecorders joins describe-configuration-recorders with
// describe-configuration-recorder-status by recorder name.
func (l *loader) loadConfigRecorders(r *awsm.Region) {
	region := r.Region
	a := l.fetch(region + "/configservice/describe-configuration-recorders")
	s := l.fetch(region + "/configservice/describe-configuration-recorder-status")
	var v struct {
		Recorders []struct {
			Name           string `json:"name"`
			RecordingGroup *struct {
				AllSupported               *bool `json:"allSupported"`
				IncludeGlobalResourceTypes *bool `json:"includeGlobalResourceTypes"`
			} `json:"recordingGroup"`
		} `json:"ConfigurationRecorders"`
	}
	var sv struct {
		Status []struct {
			Name      string `json:"name"`
			Recording *bool  `json:"recording"`
		} `json:"ConfigurationRecordersStatus"`
	}
	okRec := l.decode(&a, &v)
	l.done(region, "configservice", "describe-configuration-recorders", &a, false)
	okStatus := l.decode(&s, &sv)
	l.done(region, "configservice", "describe-configuration-recorder-status", &s, false)
	if !okRec {
		r.CIS.ConfigRecorders = unknown[[]*awsm.ConfigRecorder](a.reason(), a.src())
		return
	}
	status := map[string]awsm.Bool{}
	for i, st := range sv.Status {
		status[st.Name] = optBool(st.Recording, at(s.file, idx("ConfigurationRecordersStatus", i)+".recording"))
	}
	list := make([]*awsm.ConfigRecorder, 0, len(v.Recorders))
	for i, rec := range v.Recorders {
		src := at(a.file, idx("ConfigurationRecorders", i))
		c := &awsm.ConfigRecorder{Name: rec.Name, Source: src}
		gsrc := src.At("recordingGroup")
		if rec.RecordingGroup == nil {
			c.AllSupported = unknown[bool]("recordingGroup absent from "+a.file, gsrc)
			c.IncludeGlobalResourceTypes = c.AllSupported
		} else {
			// AWS omits both flags when false.
			c.AllSupported = boolOr(rec.RecordingGroup.AllSupported, false, gsrc.At("allSupported"))
			c.IncludeGlobalResourceTypes = boolOr(rec.RecordingGroup.IncludeGlobalResourceTypes, false, gsrc.At("includeGlobalResourceTypes"))
		}
		switch st, found := status[rec.Name]; {
		case !okStatus:
			c.Recording = unknown[bool](s.reason(), s.src())
		case found:
			c.Recording = st
		default:
			c.Recording = unknown[bool]("no status entry for recorder "+rec.Name, at(s.file, "ConfigurationRecordersStatus"))
		}
		list = append(list, c)
	}
	r.CIS.ConfigRecorders = model.Known(list, at(a.file, "ConfigurationRecorders"))
}

func (l *loader) loadEFS(r *awsm.Region) {
	region := r.Region
	a := l.fetch(region + "/efs/describe-file-systems")
	var v struct {
		FileSystems []struct {
			ID        string  `json:"FileSystemId"`
			Arn       string  `json:"FileSystemArn"`
			Name      *string `json:"Name"`
			Encrypted *bool   `json:"Encrypted"`
			Tags      []tag   `json:"Tags"`
		} `json:"FileSystems"`
	}
	ok := l.decode(&a, &v)
	l.done(region, "efs", "describe-file-systems", &a, false)
	if !ok {
		return
	}
	for i, f := range v.FileSystems {
		src := at(a.file, idx("FileSystems", i))
		arn := f.Arn
		if arn == "" {
			arn = l.regionalARN("elasticfilesystem", region, "file-system/"+f.ID)
		}
		name := f.ID
		if f.Name != nil && *f.Name != "" {
			name = *f.Name
		}
		fs := &awsm.EFSFileSystem{Identity: awsm.Identity{ARN: arn, ID: f.ID, Name: name, Region: region,
			AccountID: l.account(), Partition: l.partition(), Source: src, Tags: tagsOf(f.Tags, src.At("Tags"))},
			Encrypted: optBool(f.Encrypted, src.At("Encrypted"))}
		l.inv.CIS.EFSFileSystems = append(l.inv.CIS.EFSFileSystems, fs)
	}
}

// loadSecurityContact reads the SECURITY alternate contact: data means one
// is registered, ResourceNotFoundException means none is.
func (l *loader) loadSecurityContact() {
	a := l.fetch("global/account/get-alternate-contact/SECURITY")
	var v struct {
		AlternateContact *struct {
			AlternateContactType string `json:"AlternateContactType"`
			EmailAddress         string `json:"EmailAddress"`
		} `json:"AlternateContact"`
	}
	notFound := a.kind == ansAWS && a.code == "ResourceNotFoundException"
	ok := l.decode(&a, &v)
	l.done(global, "account", "get-alternate-contact", &a, notFound)
	switch {
	case notFound:
		l.inv.CIS.SecurityContact = model.Known(false, a.src())
	case !ok:
		l.inv.CIS.SecurityContact = unknown[bool](a.reason(), a.src())
	case v.AlternateContact == nil:
		l.warn(a.file, 0, "no AlternateContact object; security contact unknown")
		l.inv.CIS.SecurityContact = unknown[bool]("no AlternateContact in "+a.file, a.src())
	default:
		l.inv.CIS.SecurityContact = model.Known(v.AlternateContact.EmailAddress != "", at(a.file, "AlternateContact.EmailAddress"))
	}
}

// loadPeering reads the route tables' routes to peering connections and
// the peering connections of one region (regions are read one after the
// other here). An inter-region connection is listed in both regions: the
// first read wins.
func (l *loader) loadPeering(region string) {
	p := l.fetch(region + "/ec2/describe-vpc-peering-connections")
	type vpcInfo struct {
		VpcID        string `json:"VpcId"`
		CidrBlockSet []struct {
			CidrBlock string `json:"CidrBlock"`
		} `json:"CidrBlockSet"`
		Ipv6CidrBlockSet []struct {
			Ipv6CidrBlock string `json:"Ipv6CidrBlock"`
		} `json:"Ipv6CidrBlockSet"`
		CidrBlock string `json:"CidrBlock"`
	}
	cidrs := func(v vpcInfo) []string {
		var out []string
		for _, c := range v.CidrBlockSet {
			out = append(out, c.CidrBlock)
		}
		if len(out) == 0 && v.CidrBlock != "" {
			out = append(out, v.CidrBlock)
		}
		for _, c := range v.Ipv6CidrBlockSet {
			out = append(out, c.Ipv6CidrBlock)
		}
		return out
	}
	var pv struct {
		Conns []struct {
			ID        string  `json:"VpcPeeringConnectionId"`
			Requester vpcInfo `json:"RequesterVpcInfo"`
			Accepter  vpcInfo `json:"AccepterVpcInfo"`
			Status    struct {
				Code string `json:"Code"`
			} `json:"Status"`
		} `json:"VpcPeeringConnections"`
	}
	if l.decode(&p, &pv) {
		for i, c := range pv.Conns {
			if _, seen := l.inv.CIS.PeeringConnections[c.ID]; seen {
				continue
			}
			l.inv.CIS.PeeringConnections[c.ID] = &awsm.PeeringConnection{ID: c.ID, Status: c.Status.Code,
				RequesterVPC: c.Requester.VpcID, AccepterVPC: c.Accepter.VpcID,
				RequesterCIDRs: cidrs(c.Requester), AccepterCIDRs: cidrs(c.Accepter),
				Source: at(p.file, idx("VpcPeeringConnections", i))}
		}
	}
	l.done(region, "ec2", "describe-vpc-peering-connections", &p, false)

	a := l.fetch(region + "/ec2/describe-route-tables")
	var v struct {
		RouteTables []struct {
			ID     string `json:"RouteTableId"`
			VpcID  string `json:"VpcId"`
			Tags   []tag  `json:"Tags"`
			Routes []struct {
				Dest4      string `json:"DestinationCidrBlock"`
				Dest6      string `json:"DestinationIpv6CidrBlock"`
				PrefixList string `json:"DestinationPrefixListId"`
				Peering    string `json:"VpcPeeringConnectionId"`
				routeTarget
			} `json:"Routes"`
			Associations []struct {
				Main     bool   `json:"Main"`
				SubnetID string `json:"SubnetId"`
			} `json:"Associations"`
		} `json:"RouteTables"`
	}
	ok := l.decode(&a, &v)
	l.done(region, "ec2", "describe-route-tables", &a, false)
	if !ok {
		return
	}
	for i, rt := range v.RouteTables {
		src := at(a.file, idx("RouteTables", i))
		t := &awsm.RouteTable{Identity: l.ec2ID(region, "route-table", rt.ID, rt.ID, rt.Tags, src), VPCID: rt.VpcID}
		for _, as := range rt.Associations {
			t.Main = t.Main || as.Main
			if as.SubnetID != "" {
				t.SubnetIDs = append(t.SubnetIDs, as.SubnetID)
			}
		}
		for j, r := range rt.Routes {
			dest := r.Dest4
			if dest == "" {
				dest = r.Dest6
			}
			target := r.target()
			if target == "" {
				target = r.Peering
			}
			t.Routes = append(t.Routes, awsm.Route{Destination: dest, PrefixListID: r.PrefixList, Target: target,
				State: r.State, Source: src.At(idx("Routes", j))})
			if r.Peering == "" {
				continue
			}
			t.PeeringRoutes = append(t.PeeringRoutes, awsm.PeeringRoute{PeeringID: r.Peering, Destination: dest,
				PrefixListID: r.PrefixList, Source: src.At(idx("Routes", j))})
		}
		if len(t.PeeringRoutes) > 0 {
			l.inv.CIS.RouteTables = append(l.inv.CIS.RouteTables, t)
		}
		l.inv.Network.RouteTables = append(l.inv.Network.RouteTables, t)
	}
}

// routeTarget is where a route sends traffic: one of these is set.
type routeTarget struct {
	Gateway     string `json:"GatewayId"`
	NatGateway  string `json:"NatGatewayId"`
	Instance    string `json:"InstanceId"`
	Interface   string `json:"NetworkInterfaceId"`
	TransitGW   string `json:"TransitGatewayId"`
	EgressOnly  string `json:"EgressOnlyInternetGatewayId"`
	LocalGW     string `json:"LocalGatewayId"`
	CarrierGW   string `json:"CarrierGatewayId"`
	CoreNetwork string `json:"CoreNetworkArn"`
	State       string `json:"State"`
}

func (r routeTarget) target() string {
	for _, t := range []string{r.Gateway, r.NatGateway, r.TransitGW, r.EgressOnly, r.Instance, r.Interface, r.LocalGW, r.CarrierGW, r.CoreNetwork} {
		if t != "" {
			return t
		}
	}
	return ""
}
