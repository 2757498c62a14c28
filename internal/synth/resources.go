package synth

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// ---- S3 ----

func (g *gen) bucketName(i int) string { return fmt.Sprintf("synth-%s-bucket-%06d", g.acct, i) }

func (g *gen) buckets() {
	const owner = "5a1e0c9f3b7d2e8a4c6f0b1d3e5a7c9f2b4d6e8a0c1e3f5b7d9a2c4e6f8b0d1e"
	s := g.open("global/s3api/list-buckets.json", `{"Buckets": [`)
	for i := 0; i < g.c.Buckets; i++ {
		s.add(struct {
			Name         string `json:"Name"`
			CreationDate string `json:"CreationDate"`
		}{g.bucketName(i), g.ago(10 + g.rng.IntN(2000))})
	}
	s.close(`], "Owner": {"DisplayName": "synthetic", "ID": "` + owner + `"}}` + "\n")

	const base = "global/s3api/"
	for i := 0; i < g.c.Buckets && g.err == nil; i++ {
		name := g.bucketName(i)
		file := name + ".json"
		errFile := name + ".error.json"
		_, region := g.region(i)
		loc := `{"LocationConstraint": "` + region + `"}`
		if region == "us-east-1" {
			loc = `{"LocationConstraint": null}`
		}
		g.writeRaw(base+"get-bucket-location/"+file, []byte(loc+"\n"))

		grants := `{"Grantee": {"DisplayName": "synthetic", "ID": "` + owner + `", "Type": "CanonicalUser"}, "Permission": "FULL_CONTROL"}`
		if g.chance(0.05) {
			grants += `, {"Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers"}, "Permission": "READ"}`
		}
		g.writeRaw(base+"get-bucket-acl/"+file, []byte(`{"Owner": {"DisplayName": "synthetic", "ID": "`+owner+`"}, "Grants": [`+grants+"]}\n"))

		arn := "arn:aws:s3:::" + name
		switch p := g.rng.Float64(); {
		case p < 0.4:
			g.bucketPolicy(base+"get-bucket-policy/"+file, doc(statement{Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*",
				Action: "s3:*", Resource: []string{arn, arn + "/*"},
				Condition: map[string]any{"Bool": map[string]string{"aws:SecureTransport": "false"}}}))
		case p < 0.5:
			g.bucketPolicy(base+"get-bucket-policy/"+file, doc(statement{Sid: "PublicRead", Effect: "Allow", Principal: "*",
				Action: "s3:GetObject", Resource: arn + "/*"}))
		default:
			g.writeError(base+"get-bucket-policy/"+errFile, "NoSuchBucketPolicy", "The bucket policy does not exist")
		}

		switch p := g.rng.Float64(); {
		case p < 0.7:
			g.writeRaw(base+"get-public-access-block/"+file, []byte(pabJSON(true)))
		case p < 0.8:
			g.writeRaw(base+"get-public-access-block/"+file, []byte(pabJSON(false)))
		default:
			g.writeError(base+"get-public-access-block/"+errFile, "NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found")
		}

		switch p := g.rng.Float64(); {
		case p < 0.85:
			g.writeRaw(base+"get-bucket-encryption/"+file, []byte(`{"ServerSideEncryptionConfiguration": {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": false}]}}`+"\n"))
		case p < 0.95:
			g.writeRaw(base+"get-bucket-encryption/"+file, []byte(`{"ServerSideEncryptionConfiguration": {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "arn:aws:kms:`+region+`:`+g.acct+`:key/`+uuid(tagKey, 1<<30+i)+`"}, "BucketKeyEnabled": true}]}}`+"\n"))
		default:
			g.writeError(base+"get-bucket-encryption/"+errFile, "ServerSideEncryptionConfigurationNotFoundError", "The server side encryption configuration was not found")
		}

		// The CLI prints nothing for a never-versioned bucket or logging off.
		versioning := ""
		if g.chance(0.5) {
			versioning = `{"Status": "Enabled"}` + "\n"
		}
		g.writeRaw(base+"get-bucket-versioning/"+file, []byte(versioning))
		logging := ""
		if g.chance(0.3) {
			logging = `{"LoggingEnabled": {"TargetBucket": "` + g.bucketName(0) + `", "TargetPrefix": "s3-access/` + name + `/"}}` + "\n"
		}
		g.writeRaw(base+"get-bucket-logging/"+file, []byte(logging))
	}
}

func pabJSON(on bool) string {
	v := strconv.FormatBool(on)
	return `{"PublicAccessBlockConfiguration": {"BlockPublicAcls": ` + v + `, "IgnorePublicAcls": ` + v +
		`, "BlockPublicPolicy": ` + v + `, "RestrictPublicBuckets": ` + v + "}}\n"
}

// bucketPolicy writes get-bucket-policy's answer: the document as a JSON
// string inside {"Policy": ...}.
func (g *gen) bucketPolicy(rel string, d document) {
	inner, err := json.Marshal(d)
	if err != nil {
		g.err = err
		return
	}
	g.writeJSON(rel, map[string]string{"Policy": string(inner)})
}

// ---- VPCs, flow logs, network ACLs, security groups ----

type cidrBlockAssoc struct {
	AssociationID  string            `json:"AssociationId"`
	CidrBlock      string            `json:"CidrBlock"`
	CidrBlockState map[string]string `json:"CidrBlockState"`
}

type vpcJSON struct {
	OwnerID                 string           `json:"OwnerId"`
	InstanceTenancy         string           `json:"InstanceTenancy"`
	CidrBlockAssociationSet []cidrBlockAssoc `json:"CidrBlockAssociationSet"`
	IsDefault               bool             `json:"IsDefault"`
	VpcID                   string           `json:"VpcId"`
	State                   string           `json:"State"`
	CidrBlock               string           `json:"CidrBlock"`
	DhcpOptionsID           string           `json:"DhcpOptionsId"`
	Tags                    []tag            `json:"Tags,omitempty"`
}

type flowLogJSON struct {
	CreationTime       string `json:"CreationTime"`
	DeliverLogsStatus  string `json:"DeliverLogsStatus"`
	FlowLogID          string `json:"FlowLogId"`
	FlowLogStatus      string `json:"FlowLogStatus"`
	ResourceID         string `json:"ResourceId"`
	TrafficType        string `json:"TrafficType"`
	LogDestinationType string `json:"LogDestinationType"`
	LogDestination     string `json:"LogDestination"`
	MaxAggregationIntv int    `json:"MaxAggregationInterval"`
}

type naclEntry struct {
	CidrBlock  string         `json:"CidrBlock,omitempty"`
	Ipv6Cidr   string         `json:"Ipv6CidrBlock,omitempty"`
	Egress     bool           `json:"Egress"`
	Protocol   string         `json:"Protocol"`
	PortRange  map[string]int `json:"PortRange,omitempty"`
	RuleAction string         `json:"RuleAction"`
	RuleNumber int            `json:"RuleNumber"`
}

type naclJSON struct {
	Associations []any       `json:"Associations"`
	Entries      []naclEntry `json:"Entries"`
	IsDefault    bool        `json:"IsDefault"`
	NetworkACLID string      `json:"NetworkAclId"`
	Tags         []tag       `json:"Tags"`
	VpcID        string      `json:"VpcId"`
	OwnerID      string      `json:"OwnerId"`
}

type ipRange struct {
	CidrIP      string `json:"CidrIp"`
	Description string `json:"Description,omitempty"`
}

type ipv6Range struct {
	CidrIPv6 string `json:"CidrIpv6"`
}

type groupPair struct {
	UserID  string `json:"UserId"`
	GroupID string `json:"GroupId"`
}

type ipPermission struct {
	IPProtocol       string      `json:"IpProtocol"`
	FromPort         *int        `json:"FromPort,omitempty"`
	ToPort           *int        `json:"ToPort,omitempty"`
	UserIDGroupPairs []groupPair `json:"UserIdGroupPairs"`
	IPRanges         []ipRange   `json:"IpRanges"`
	Ipv6Ranges       []ipv6Range `json:"Ipv6Ranges"`
	PrefixListIDs    []any       `json:"PrefixListIds"`
}

type sgJSON struct {
	GroupID             string         `json:"GroupId"`
	IPPermissionsEgress []ipPermission `json:"IpPermissionsEgress"`
	VpcID               string         `json:"VpcId"`
	SecurityGroupArn    string         `json:"SecurityGroupArn"`
	OwnerID             string         `json:"OwnerId"`
	GroupName           string         `json:"GroupName"`
	Description         string         `json:"Description"`
	IPPermissions       []ipPermission `json:"IpPermissions"`
	Tags                []tag          `json:"Tags,omitempty"`
}

func perm(proto string, from, to int, v4, v6 []string, groups []string, acct string) ipPermission {
	p := ipPermission{IPProtocol: proto, UserIDGroupPairs: []groupPair{}, IPRanges: []ipRange{}, Ipv6Ranges: []ipv6Range{}, PrefixListIDs: []any{}}
	if proto != "-1" {
		p.FromPort, p.ToPort = &from, &to
	}
	for _, c := range v4 {
		p.IPRanges = append(p.IPRanges, ipRange{CidrIP: c})
	}
	for _, c := range v6 {
		p.Ipv6Ranges = append(p.Ipv6Ranges, ipv6Range{c})
	}
	for _, gid := range groups {
		p.UserIDGroupPairs = append(p.UserIDGroupPairs, groupPair{acct, gid})
	}
	return p
}

var world = []string{"0.0.0.0/0"}

func (g *gen) network() {
	// Each region's files are open at once would be simpler, but streams
	// per region keep at most one file open per kind.
	for r, region := range g.opt.Regions {
		vs := g.open(region+"/ec2/describe-vpcs.json", `{"Vpcs": [`)
		fs := g.open(region+"/ec2/describe-flow-logs.json", `{"FlowLogs": [`)
		for k, id := range g.vpcs[r] {
			i := k*len(g.opt.Regions) + r
			cidr := fmt.Sprintf("10.%d.0.0/16", i%256)
			vs.add(vpcJSON{OwnerID: g.acct, InstanceTenancy: "default", IsDefault: k == 0, VpcID: id, State: "available", CidrBlock: cidr,
				DhcpOptionsID: hexID("dopt", tagVPC, r), Tags: []tag{{"Name", fmt.Sprintf("vpc-%05d", i)}},
				CidrBlockAssociationSet: []cidrBlockAssoc{{hexID("vpc-cidr-assoc", tagVPC, i), cidr, map[string]string{"State": "associated"}}}})
			if i%3 != 2 { // two VPCs in three have flow logs
				fs.add(flowLogJSON{CreationTime: g.ago(30 + g.rng.IntN(900)), DeliverLogsStatus: "SUCCESS", FlowLogID: hexID("fl", tagFlowLog, i),
					FlowLogStatus: "ACTIVE", ResourceID: id, TrafficType: "ALL", LogDestinationType: "s3",
					LogDestination: "arn:aws:s3:::" + g.bucketName(0) + "/flow-logs/", MaxAggregationIntv: 600})
			}
		}
		vs.close("]}\n")
		fs.close("]}\n")

		ns := g.open(region+"/ec2/describe-network-acls.json", `{"NetworkAcls": [`)
		for i := r; i < g.c.NetworkACLs; i += len(g.opt.Regions) {
			k := i / len(g.opt.Regions)
			n := naclJSON{Associations: []any{}, IsDefault: k < len(g.vpcs[r]), NetworkACLID: hexID("acl", tagNACL, i), Tags: []tag{},
				VpcID: g.vpcOf(r, k), OwnerID: g.acct}
			if n.IsDefault || i%2 == 0 {
				n.Entries = defaultNACL()
			} else {
				n.Entries = tightNACL()
			}
			ns.add(n)
		}
		ns.close("]}\n")

		ss := g.open(region+"/ec2/describe-security-groups.json", `{"SecurityGroups": [`)
		for k, id := range g.sgs[r] {
			ss.add(g.securityGroup(r, k, id))
		}
		ss.close("]}\n")
	}
}

func defaultNACL() []naclEntry {
	return []naclEntry{
		{CidrBlock: "0.0.0.0/0", Egress: true, Protocol: "-1", RuleAction: "allow", RuleNumber: 100},
		{CidrBlock: "0.0.0.0/0", Egress: true, Protocol: "-1", RuleAction: "deny", RuleNumber: 32767},
		{CidrBlock: "0.0.0.0/0", Protocol: "-1", RuleAction: "allow", RuleNumber: 100},
		{CidrBlock: "0.0.0.0/0", Protocol: "-1", RuleAction: "deny", RuleNumber: 32767},
	}
}

func tightNACL() []naclEntry {
	port := func(a, b int) map[string]int { return map[string]int{"From": a, "To": b} }
	return []naclEntry{
		{CidrBlock: "0.0.0.0/0", Egress: true, Protocol: "-1", RuleAction: "allow", RuleNumber: 100},
		{CidrBlock: "0.0.0.0/0", Egress: true, Protocol: "-1", RuleAction: "deny", RuleNumber: 32767},
		{CidrBlock: "0.0.0.0/0", Protocol: "6", PortRange: port(3389, 3389), RuleAction: "deny", RuleNumber: 90},
		{CidrBlock: "0.0.0.0/0", Protocol: "6", PortRange: port(443, 443), RuleAction: "allow", RuleNumber: 100},
		{CidrBlock: "0.0.0.0/0", Protocol: "6", PortRange: port(1024, 65535), RuleAction: "allow", RuleNumber: 110},
		{CidrBlock: "10.0.0.0/8", Protocol: "-1", RuleAction: "allow", RuleNumber: 120},
		{CidrBlock: "0.0.0.0/0", Protocol: "-1", RuleAction: "deny", RuleNumber: 32767},
	}
}

// securityGroup builds the k-th group of region r: the first group of each
// VPC is its default group; the others get two to five rules drawn from a
// mix where most are tight and a few expose admin, database or all ports.
func (g *gen) securityGroup(r, k int, id string) sgJSON {
	region := g.opt.Regions[r]
	sg := sgJSON{GroupID: id, VpcID: g.vpcOf(r, k), SecurityGroupArn: "arn:aws:ec2:" + region + ":" + g.acct + ":security-group/" + id,
		OwnerID: g.acct, IPPermissions: []ipPermission{},
		IPPermissionsEgress: []ipPermission{perm("-1", 0, 0, world, nil, nil, g.acct)}}
	if k < len(g.vpcs[r]) {
		sg.GroupName, sg.Description = "default", "default VPC security group"
		if k%2 == 0 { // half the default groups keep AWS's default rules
			sg.IPPermissions = append(sg.IPPermissions, perm("-1", 0, 0, nil, nil, []string{id}, g.acct))
		} else {
			sg.IPPermissionsEgress = []ipPermission{}
		}
		return sg
	}
	sg.GroupName = fmt.Sprintf("sg-app-%06d", k*len(g.opt.Regions)+r)
	sg.Description = "synthetic application group"
	sg.Tags = []tag{{"Name", sg.GroupName}}
	peer := g.sgs[r][g.rng.IntN(len(g.sgs[r]))]
	for n := 2 + g.rng.IntN(4); n > 0; n-- {
		var p ipPermission
		switch x := g.rng.Float64(); {
		case x < 0.30:
			p = perm("tcp", 443, 443, world, []string{"::/0"}, nil, g.acct)
		case x < 0.45:
			p = perm("tcp", 80, 80, world, nil, nil, g.acct)
		case x < 0.65:
			p = perm("tcp", 22, 22, []string{"10.0.0.0/8"}, nil, nil, g.acct)
		case x < 0.85:
			p = perm("tcp", 8080, 8080, nil, nil, []string{peer}, g.acct)
		case x < 0.91:
			p = perm("tcp", 22, 22, world, nil, nil, g.acct)
		case x < 0.94:
			p = perm("tcp", 3389, 3389, nil, []string{"::/0"}, nil, g.acct)
		case x < 0.98:
			p = perm("tcp", 5432, 5432, world, nil, nil, g.acct)
		default:
			p = perm("-1", 0, 0, world, nil, nil, g.acct)
		}
		sg.IPPermissions = append(sg.IPPermissions, p)
	}
	return sg
}

// ---- instances and volumes ----

type groupRef struct {
	GroupID   string `json:"GroupId"`
	GroupName string `json:"GroupName"`
}

type instanceJSON struct {
	Architecture        string            `json:"Architecture"`
	BlockDeviceMappings []any             `json:"BlockDeviceMappings"`
	EbsOptimized        bool              `json:"EbsOptimized"`
	IamInstanceProfile  map[string]string `json:"IamInstanceProfile,omitempty"`
	RootDeviceName      string            `json:"RootDeviceName"`
	RootDeviceType      string            `json:"RootDeviceType"`
	SecurityGroups      []groupRef        `json:"SecurityGroups"`
	Tags                []tag             `json:"Tags"`
	MetadataOptions     map[string]any    `json:"MetadataOptions"`
	InstanceID          string            `json:"InstanceId"`
	ImageID             string            `json:"ImageId"`
	State               map[string]any    `json:"State"`
	PrivateDNSName      string            `json:"PrivateDnsName"`
	PublicDNSName       string            `json:"PublicDnsName"`
	InstanceType        string            `json:"InstanceType"`
	LaunchTime          string            `json:"LaunchTime"`
	Placement           map[string]string `json:"Placement"`
	SubnetID            string            `json:"SubnetId"`
	VpcID               string            `json:"VpcId"`
	PrivateIPAddress    string            `json:"PrivateIpAddress"`
	PublicIPAddress     string            `json:"PublicIpAddress,omitempty"`
}

type reservationJSON struct {
	ReservationID string         `json:"ReservationId"`
	OwnerID       string         `json:"OwnerId"`
	Groups        []any          `json:"Groups"`
	Instances     []instanceJSON `json:"Instances"`
}

type attachmentJSON struct {
	DeleteOnTermination bool   `json:"DeleteOnTermination"`
	VolumeID            string `json:"VolumeId"`
	InstanceID          string `json:"InstanceId"`
	Device              string `json:"Device"`
	State               string `json:"State"`
	AttachTime          string `json:"AttachTime"`
}

type volumeJSON struct {
	Iops             int              `json:"Iops"`
	VolumeType       string           `json:"VolumeType"`
	MultiAttach      bool             `json:"MultiAttachEnabled"`
	VolumeID         string           `json:"VolumeId"`
	Size             int              `json:"Size"`
	SnapshotID       string           `json:"SnapshotId"`
	AvailabilityZone string           `json:"AvailabilityZone"`
	State            string           `json:"State"`
	CreateTime       string           `json:"CreateTime"`
	Attachments      []attachmentJSON `json:"Attachments"`
	Encrypted        bool             `json:"Encrypted"`
	KmsKeyID         string           `json:"KmsKeyId,omitempty"`
}

func (g *gen) compute() {
	n := len(g.opt.Regions)
	for r, region := range g.opt.Regions {
		is := g.open(region+"/ec2/describe-instances.json", `{"Reservations": [`)
		for i := r; i < g.c.Instances; i += n {
			is.add(reservationJSON{ReservationID: hexID("r", tagReservation, i), OwnerID: g.acct, Groups: []any{},
				Instances: []instanceJSON{g.instance(r, i)}})
		}
		is.close("]}\n")
		vs := g.open(region+"/ec2/describe-volumes.json", `{"Volumes": [`)
		for i := r; i < g.c.Volumes; i += n {
			v := volumeJSON{Iops: 3000, VolumeType: "gp3", VolumeID: hexID("vol", tagVolume, i), Size: 8 << g.rng.IntN(6),
				AvailabilityZone: region + "a", State: "available", CreateTime: g.ago(g.rng.IntN(1500)), Attachments: []attachmentJSON{}}
			if i < g.c.Instances { // volume i is the root volume of instance i (same region)
				v.State = "in-use"
				v.Attachments = append(v.Attachments, attachmentJSON{true, v.VolumeID, hexID("i", tagInstance, i), "/dev/xvda", "attached", v.CreateTime})
			}
			if g.chance(0.75) {
				v.Encrypted, v.KmsKeyID = true, "arn:aws:kms:"+region+":"+g.acct+":key/"+uuid(tagKey, 2<<30+r)
			}
			vs.add(v)
		}
		vs.close("]}\n")
	}
}

func (g *gen) instance(r, i int) instanceJSON {
	region := g.opt.Regions[r]
	k := i / len(g.opt.Regions)
	id := hexID("i", tagInstance, i)
	ip := fmt.Sprintf("10.%d.%d.%d", k%256, (k/256)%256, 4+i%250)
	in := instanceJSON{Architecture: "x86_64", EbsOptimized: true, RootDeviceName: "/dev/xvda", RootDeviceType: "ebs",
		InstanceID: id, ImageID: hexID("ami", tagInstance, r), InstanceType: "t3.medium", LaunchTime: g.ago(g.rng.IntN(900)),
		Placement: map[string]string{"AvailabilityZone": region + "a", "GroupName": "", "Tenancy": "default"},
		SubnetID:  hexID("subnet", tagSubnet, i%64), VpcID: g.vpcOf(r, k), PrivateIPAddress: ip,
		PrivateDNSName: "ip-" + strings.ReplaceAll(ip, ".", "-") + "." + region + ".compute.internal", Tags: []tag{{"Name", fmt.Sprintf("node-%06d", i)}},
		State: map[string]any{"Code": 16, "Name": "running"}}
	if g.chance(0.15) {
		in.State = map[string]any{"Code": 80, "Name": "stopped"}
	}
	in.BlockDeviceMappings = []any{map[string]any{"DeviceName": "/dev/xvda", "Ebs": map[string]any{"AttachTime": in.LaunchTime,
		"DeleteOnTermination": true, "Status": "attached", "VolumeId": hexID("vol", tagVolume, i)}}}
	if len(g.sgs[r]) > 0 {
		sg := g.sgs[r][g.rng.IntN(len(g.sgs[r]))]
		in.SecurityGroups = []groupRef{{sg, "sg-app"}}
	} else {
		in.SecurityGroups = []groupRef{}
	}
	tokens := "required"
	if g.chance(0.35) {
		tokens = "optional"
	}
	in.MetadataOptions = map[string]any{"State": "applied", "HttpTokens": tokens, "HttpPutResponseHopLimit": 2,
		"HttpEndpoint": "enabled", "HttpProtocolIpv6": "disabled", "InstanceMetadataTags": "disabled"}
	if g.chance(0.3) && in.State["Name"] == "running" {
		in.PublicIPAddress = fmt.Sprintf("54.%d.%d.%d", 1+i%250, (i/250)%256, 1+(i/64000)%250)
		in.PublicDNSName = "ec2-" + strings.ReplaceAll(in.PublicIPAddress, ".", "-") + "." + region + ".compute.amazonaws.com"
	}
	if len(g.ec2Roles) > 0 && g.chance(0.4) {
		ri := g.ec2Roles[i%len(g.ec2Roles)]
		role := fmt.Sprintf("role-%05d", ri)
		in.IamInstanceProfile = map[string]string{"Arn": "arn:aws:iam::" + g.acct + ":instance-profile/" + role, "Id": iamID("AIPA", 3<<20+ri)}
	}
	return in
}
