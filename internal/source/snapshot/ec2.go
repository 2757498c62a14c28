package snapshot

import (
	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// regionOut collects what one region contributes to the inventory; regions
// load concurrently and are merged in order afterwards.
type regionOut struct {
	region         *awsm.Region
	securityGroups []*awsm.SecurityGroup
	instances      []*awsm.Instance
	volumes        []*awsm.Volume
	vpcs           []*awsm.VPC
	nacls          []*awsm.NetworkACL
	dbInstances    []*awsm.DBInstance
	kmsKeys        []*awsm.KMSKey
	trails         []trailCopy
	trailsRead     bool
	trailsAnswer   answer
}

func (l *loader) regionID(region string) awsm.Identity {
	return awsm.Identity{ARN: l.account() + "/" + region, ID: region, Name: region, Region: region,
		AccountID: l.account(), Partition: l.partition(), Source: at(metaFile, "regions"),
		Tags: notCollectedTags("regions have no tags", at(metaFile, "regions"))}
}

// ec2ID is the identity of a regional EC2 resource.
func (l *loader) ec2ID(region, kind, id, name string, tags []tag, src model.Source) awsm.Identity {
	return awsm.Identity{ARN: l.regionalARN("ec2", region, kind+"/"+id), ID: id, Name: nameTag(tags, name),
		Region: region, AccountID: l.account(), Partition: l.partition(), Source: src,
		Tags: tagsOf(tags, src.At("Tags"))}
}

type ipPermJSON struct {
	IPProtocol string `json:"IpProtocol"`
	FromPort   *int64 `json:"FromPort"`
	ToPort     *int64 `json:"ToPort"`
	IPRanges   []struct {
		CidrIP string `json:"CidrIp"`
	} `json:"IpRanges"`
	IPv6Ranges []struct {
		CidrIPv6 string `json:"CidrIpv6"`
	} `json:"Ipv6Ranges"`
	PrefixListIDs []struct {
		PrefixListID string `json:"PrefixListId"`
	} `json:"PrefixListIds"`
	UserIDGroupPairs []struct {
		GroupID string `json:"GroupId"`
		UserID  string `json:"UserId"`
	} `json:"UserIdGroupPairs"`
}

// sgRules expands IpPermissions into rules. Protocol "-1" means all
// protocols and ports, so its range is 0-65535; a tcp/udp permission
// without ports (not produced by AWS, but by hand-written data) is the full
// range too; ICMP without ports is all types (-1).
func sgRules(perms []ipPermJSON, src model.Source) []awsm.SGRule {
	out := make([]awsm.SGRule, 0, len(perms))
	for i, p := range perms {
		r := awsm.SGRule{Protocol: p.IPProtocol, Source: src.At(idx("", i))}
		switch {
		case p.FromPort != nil && p.ToPort != nil && p.IPProtocol != "-1":
			r.FromPort, r.ToPort = *p.FromPort, *p.ToPort
		case p.IPProtocol == "icmp" || p.IPProtocol == "1" || p.IPProtocol == "icmpv6" || p.IPProtocol == "58":
			r.FromPort, r.ToPort = -1, -1
		default:
			r.FromPort, r.ToPort = 0, 65535
		}
		for _, x := range p.IPRanges {
			r.IPv4Ranges = append(r.IPv4Ranges, x.CidrIP)
		}
		for _, x := range p.IPv6Ranges {
			r.IPv6Ranges = append(r.IPv6Ranges, x.CidrIPv6)
		}
		for _, x := range p.PrefixListIDs {
			r.PrefixListIDs = append(r.PrefixListIDs, x.PrefixListID)
		}
		for _, x := range p.UserIDGroupPairs {
			r.GroupIDs = append(r.GroupIDs, x.GroupID)
		}
		out = append(out, r)
	}
	return out
}

func (l *loader) loadSecurityGroups(region string, out *regionOut) {
	a := l.fetch(region + "/ec2/describe-security-groups")
	var v struct {
		SecurityGroups []struct {
			GroupID             string       `json:"GroupId"`
			GroupName           string       `json:"GroupName"`
			Description         string       `json:"Description"`
			OwnerID             string       `json:"OwnerId"`
			VpcID               string       `json:"VpcId"`
			SecurityGroupArn    string       `json:"SecurityGroupArn"`
			IPPermissions       []ipPermJSON `json:"IpPermissions"`
			IPPermissionsEgress []ipPermJSON `json:"IpPermissionsEgress"`
			Tags                []tag        `json:"Tags"`
		} `json:"SecurityGroups"`
	}
	if l.decode(&a, &v) {
		for i, g := range v.SecurityGroups {
			src := at(a.file, idx("SecurityGroups", i))
			id := l.ec2ID(region, "security-group", g.GroupID, g.GroupName, nil, src)
			// The group name is what identifies default groups; the Name
			// tag is only a label, so it must not replace the name.
			id.Tags = tagsOf(g.Tags, src.At("Tags"))
			if g.SecurityGroupArn != "" {
				id.ARN = g.SecurityGroupArn
			}
			out.securityGroups = append(out.securityGroups, &awsm.SecurityGroup{
				Identity: id, VPCID: g.VpcID, Description: g.Description, OwnerID: g.OwnerID,
				Ingress: model.Known(sgRules(g.IPPermissions, src.At("IpPermissions")), src.At("IpPermissions")),
				Egress:  model.Known(sgRules(g.IPPermissionsEgress, src.At("IpPermissionsEgress")), src.At("IpPermissionsEgress")),
			})
		}
	}
	l.done(region, "ec2", "describe-security-groups", &a, false)
}

func (l *loader) loadInstances(region string, out *regionOut) {
	a := l.fetch(region + "/ec2/describe-instances")
	var v struct {
		Reservations []struct {
			Instances []struct {
				InstanceID       string  `json:"InstanceId"`
				LaunchTime       string  `json:"LaunchTime"`
				PrivateIPAddress *string `json:"PrivateIpAddress"`
				PublicIPAddress  *string `json:"PublicIpAddress"`
				SubnetID         string  `json:"SubnetId"`
				VpcID            string  `json:"VpcId"`
				State            *struct {
					Name string `json:"Name"`
				} `json:"State"`
				SecurityGroups []struct {
					GroupID string `json:"GroupId"`
				} `json:"SecurityGroups"`
				IamInstanceProfile *struct {
					Arn string `json:"Arn"`
				} `json:"IamInstanceProfile"`
				MetadataOptions *struct {
					HTTPTokens   *string `json:"HttpTokens"`
					HTTPEndpoint *string `json:"HttpEndpoint"`
				} `json:"MetadataOptions"`
				Tags []tag `json:"Tags"`
			} `json:"Instances"`
		} `json:"Reservations"`
	}
	if l.decode(&a, &v) {
		for i, r := range v.Reservations {
			for j, in := range r.Instances {
				src := at(a.file, idx("Reservations", i)+"."+idx("Instances", j))
				inst := &awsm.Instance{
					Identity:   l.ec2ID(region, "instance", in.InstanceID, in.InstanceID, in.Tags, src),
					PublicIP:   strOr(in.PublicIPAddress, "", src.At("PublicIpAddress")),
					PrivateIP:  strOr(in.PrivateIPAddress, "", src.At("PrivateIpAddress")),
					SubnetID:   in.SubnetID,
					VPCID:      in.VpcID,
					LaunchTime: l.optTime(in.LaunchTime, src.At("LaunchTime")),
				}
				if in.State != nil {
					inst.State = model.Known(in.State.Name, src.At("State.Name"))
				} else {
					inst.State = unknown[string]("State absent from "+a.file, src.At("State"))
				}
				inst.SecurityGroupIDs = make([]string, 0, len(in.SecurityGroups))
				for _, g := range in.SecurityGroups {
					inst.SecurityGroupIDs = append(inst.SecurityGroupIDs, g.GroupID)
				}
				if in.IamInstanceProfile != nil {
					inst.InstanceProfile = model.Known(in.IamInstanceProfile.Arn, src.At("IamInstanceProfile.Arn"))
				} else {
					inst.InstanceProfile = model.Known("", src.At("IamInstanceProfile"))
				}
				if mo := in.MetadataOptions; mo != nil {
					inst.MetadataHTTPTokens = optStr(mo.HTTPTokens, src.At("MetadataOptions.HttpTokens"))
					inst.MetadataHTTPEndpoint = optStr(mo.HTTPEndpoint, src.At("MetadataOptions.HttpEndpoint"))
				} else {
					reason := "MetadataOptions absent from " + a.file
					inst.MetadataHTTPTokens = unknown[string](reason, src.At("MetadataOptions"))
					inst.MetadataHTTPEndpoint = unknown[string](reason, src.At("MetadataOptions"))
				}
				out.instances = append(out.instances, inst)
			}
		}
	}
	l.done(region, "ec2", "describe-instances", &a, false)
}

func (l *loader) loadVolumes(region string, out *regionOut) {
	a := l.fetch(region + "/ec2/describe-volumes")
	var v struct {
		Volumes []struct {
			VolumeID    string  `json:"VolumeId"`
			Encrypted   *bool   `json:"Encrypted"`
			KmsKeyID    *string `json:"KmsKeyId"`
			State       *string `json:"State"`
			Size        *int64  `json:"Size"`
			Attachments []struct {
				InstanceID string `json:"InstanceId"`
			} `json:"Attachments"`
			Tags []tag `json:"Tags"`
		} `json:"Volumes"`
	}
	if l.decode(&a, &v) {
		for i, vol := range v.Volumes {
			src := at(a.file, idx("Volumes", i))
			out.volumes = append(out.volumes, &awsm.Volume{
				Identity:  l.ec2ID(region, "volume", vol.VolumeID, vol.VolumeID, vol.Tags, src),
				Encrypted: optBool(vol.Encrypted, src.At("Encrypted")),
				// KmsKeyId is omitted for unencrypted volumes.
				KMSKeyID:    strOr(vol.KmsKeyID, "", src.At("KmsKeyId")),
				State:       optStr(vol.State, src.At("State")),
				Size:        optInt(vol.Size, src.At("Size")),
				InstanceIDs: attachmentIDs(vol.Attachments),
			})
		}
	}
	l.done(region, "ec2", "describe-volumes", &a, false)
}

func attachmentIDs(list []struct {
	InstanceID string `json:"InstanceId"`
}) []string {
	out := make([]string, 0, len(list))
	for _, x := range list {
		out = append(out, x.InstanceID)
	}
	return out
}

func (l *loader) loadEBSDefault(region string, out *regionOut) {
	a := l.fetch(region + "/ec2/get-ebs-encryption-by-default")
	var v struct {
		EbsEncryptionByDefault *bool `json:"EbsEncryptionByDefault"`
	}
	if l.decode(&a, &v) {
		out.region.EBSEncryptionByDefault = optBool(v.EbsEncryptionByDefault, at(a.file, "EbsEncryptionByDefault"))
	} else {
		out.region.EBSEncryptionByDefault = unknown[bool](a.reason(), a.src())
	}
	l.done(region, "ec2", "get-ebs-encryption-by-default", &a, false)
}

// loadVPCs reads VPCs and attaches their flow logs. Flow logs are known
// (maybe none) only when describe-flow-logs was read in the region.
func (l *loader) loadVPCs(region string, out *regionOut) {
	fa := l.fetch(region + "/ec2/describe-flow-logs")
	var fv struct {
		FlowLogs []struct {
			FlowLogID      string `json:"FlowLogId"`
			FlowLogStatus  string `json:"FlowLogStatus"`
			ResourceID     string `json:"ResourceId"`
			TrafficType    string `json:"TrafficType"`
			LogDestination string `json:"LogDestination"`
			LogGroupName   string `json:"LogGroupName"`
		} `json:"FlowLogs"`
	}
	flowsKnown := l.decode(&fa, &fv)
	l.done(region, "ec2", "describe-flow-logs", &fa, false)
	byVPC := map[string][]awsm.FlowLog{}
	for i, f := range fv.FlowLogs {
		dest := f.LogDestination
		if dest == "" {
			dest = f.LogGroupName
		}
		byVPC[f.ResourceID] = append(byVPC[f.ResourceID], awsm.FlowLog{ID: f.FlowLogID, Status: f.FlowLogStatus,
			TrafficType: f.TrafficType, Destination: dest, Source: at(fa.file, idx("FlowLogs", i))})
	}

	a := l.fetch(region + "/ec2/describe-vpcs")
	var v struct {
		Vpcs []struct {
			VpcID     string  `json:"VpcId"`
			CidrBlock *string `json:"CidrBlock"`
			IsDefault *bool   `json:"IsDefault"`
			Tags      []tag   `json:"Tags"`
		} `json:"Vpcs"`
	}
	if l.decode(&a, &v) {
		for i, vpc := range v.Vpcs {
			src := at(a.file, idx("Vpcs", i))
			x := &awsm.VPC{
				Identity:  l.ec2ID(region, "vpc", vpc.VpcID, vpc.VpcID, vpc.Tags, src),
				IsDefault: optBool(vpc.IsDefault, src.At("IsDefault")),
				CIDRBlock: optStr(vpc.CidrBlock, src.At("CidrBlock")),
			}
			if flowsKnown {
				logs := byVPC[vpc.VpcID]
				if logs == nil {
					logs = []awsm.FlowLog{}
				}
				x.FlowLogs = model.Known(logs, at(fa.file, "FlowLogs"))
			} else {
				x.FlowLogs = unknown[[]awsm.FlowLog](fa.reason(), fa.src())
			}
			out.vpcs = append(out.vpcs, x)
		}
	}
	l.done(region, "ec2", "describe-vpcs", &a, false)
}

func (l *loader) loadNetworkACLs(region string, out *regionOut) {
	a := l.fetch(region + "/ec2/describe-network-acls")
	var v struct {
		NetworkAcls []struct {
			NetworkACLID string `json:"NetworkAclId"`
			VpcID        string `json:"VpcId"`
			IsDefault    *bool  `json:"IsDefault"`
			Entries      []struct {
				RuleNumber    int64  `json:"RuleNumber"`
				Protocol      string `json:"Protocol"`
				RuleAction    string `json:"RuleAction"`
				Egress        bool   `json:"Egress"`
				CidrBlock     string `json:"CidrBlock"`
				Ipv6CidrBlock string `json:"Ipv6CidrBlock"`
				PortRange     *struct {
					From *int64 `json:"From"`
					To   *int64 `json:"To"`
				} `json:"PortRange"`
			} `json:"Entries"`
			Tags []tag `json:"Tags"`
		} `json:"NetworkAcls"`
	}
	if l.decode(&a, &v) {
		for i, n := range v.NetworkAcls {
			src := at(a.file, idx("NetworkAcls", i))
			entries := make([]awsm.ACLEntry, 0, len(n.Entries))
			for j, e := range n.Entries {
				// No PortRange means every port (protocol -1, or ICMP).
				from, to := int64(0), int64(65535)
				if e.PortRange != nil && e.PortRange.From != nil && e.PortRange.To != nil {
					from, to = *e.PortRange.From, *e.PortRange.To
				}
				entries = append(entries, awsm.ACLEntry{RuleNumber: e.RuleNumber, Protocol: e.Protocol,
					Egress: e.Egress, Allow: e.RuleAction == "allow", CIDR: e.CidrBlock, IPv6CIDR: e.Ipv6CidrBlock,
					FromPort: from, ToPort: to, Source: src.At(idx("Entries", j))})
			}
			out.nacls = append(out.nacls, &awsm.NetworkACL{
				Identity:  l.ec2ID(region, "network-acl", n.NetworkACLID, n.NetworkACLID, n.Tags, src),
				VPCID:     n.VpcID,
				IsDefault: optBool(n.IsDefault, src.At("IsDefault")),
				Entries:   model.Known(entries, src.At("Entries")),
			})
		}
	}
	l.done(region, "ec2", "describe-network-acls", &a, false)
}
