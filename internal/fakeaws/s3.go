package fakeaws

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// s3Action names the S3 (path-style) or S3 Control request.
func s3Action(r *http.Request) string {
	if r.Method != http.MethodGet {
		return ""
	}
	if r.URL.Path == "/v20180820/configuration/publicAccessBlock" {
		if r.Header.Get("X-Amz-Account-Id") == "" {
			return ""
		}
		return "GetPublicAccessBlock"
	}
	p := strings.Trim(r.URL.Path, "/")
	if p == "" {
		return "ListBuckets"
	}
	if strings.Contains(p, "/") {
		return "" // object requests: never made by a read-only scanner
	}
	q := r.URL.Query()
	for sub, action := range map[string]string{
		"policy": "GetBucketPolicy", "acl": "GetBucketAcl", "publicAccessBlock": "GetPublicAccessBlock",
		"encryption": "GetBucketEncryption", "versioning": "GetBucketVersioning", "logging": "GetBucketLogging",
		"location": "GetBucketLocation", "tagging": "GetBucketTagging",
	} {
		if _, ok := q[sub]; ok {
			return action
		}
	}
	return ""
}

// writeS3 converts the CLI JSON of an S3 operation to its REST-XML answer.
// S3's XML does not follow one rule (flattened Rule lists, xsi:type
// attributes, MfaDelete), so each answer is spelled out.
func (s *Server) writeS3(c *call, raw []byte) {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>`)
	const ns = ` xmlns="http://s3.amazonaws.com/doc/2006-03-01/"`
	empty := strings.TrimSpace(string(raw)) == ""
	var t map[string]any
	if !empty {
		var err error
		if t, err = decodeTree(raw); err != nil {
			s.writeError(c, Error{Code: "InternalError", Message: "fakeaws: bad snapshot file: " + err.Error(), Status: 500})
			return
		}
	}
	obj := func(m map[string]any, k string) map[string]any { v, _ := m[k].(map[string]any); return v }
	str := func(m map[string]any, k string) string {
		switch v := m[k].(type) {
		case string:
			return v
		case json.Number:
			return v.String()
		case bool:
			return fmt.Sprint(v)
		}
		return ""
	}
	elems := func(m map[string]any, keys ...string) {
		for _, k := range keys {
			if _, ok := m[k]; ok {
				name := k
				if k == "MFADelete" {
					name = "MfaDelete"
				}
				b.WriteString("<" + name + ">" + xmlEscape(str(m, k)) + "</" + name + ">")
			}
		}
	}
	owner := func(o map[string]any) {
		if o != nil {
			b.WriteString("<Owner>")
			elems(o, "ID", "DisplayName")
			b.WriteString("</Owner>")
		}
	}
	switch c.action {
	case "ListBuckets":
		b.WriteString("<ListAllMyBucketsResult" + ns + ">")
		owner(obj(t, "Owner"))
		b.WriteString("<Buckets>")
		items, _ := t["Buckets"].([]any)
		for _, it := range items {
			m, _ := it.(map[string]any)
			b.WriteString("<Bucket>")
			elems(m, "Name", "CreationDate", "BucketRegion", "BucketArn")
			b.WriteString("</Bucket>")
		}
		b.WriteString("</Buckets></ListAllMyBucketsResult>")
	case "GetBucketPolicy":
		// The payload is the policy document itself.
		c.w.Header().Set("Content-Type", "application/json")
		_, _ = c.w.Write([]byte(str(t, "Policy")))
		return
	case "GetBucketAcl":
		b.WriteString("<AccessControlPolicy" + ns + ">")
		owner(obj(t, "Owner"))
		b.WriteString("<AccessControlList>")
		grants, _ := t["Grants"].([]any)
		for _, g := range grants {
			m, _ := g.(map[string]any)
			ge := obj(m, "Grantee")
			fmt.Fprintf(&b, `<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="%s">`, xmlEscape(str(ge, "Type")))
			elems(ge, "ID", "DisplayName", "URI", "EmailAddress")
			b.WriteString("</Grantee>")
			elems(m, "Permission")
			b.WriteString("</Grant>")
		}
		b.WriteString("</AccessControlList></AccessControlPolicy>")
	case "GetPublicAccessBlock", "GetPublicAccessBlockControl":
		b.WriteString("<PublicAccessBlockConfiguration" + ns + ">")
		elems(obj(t, "PublicAccessBlockConfiguration"), "BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
		b.WriteString("</PublicAccessBlockConfiguration>")
	case "GetBucketEncryption":
		b.WriteString("<ServerSideEncryptionConfiguration" + ns + ">")
		rules, _ := obj(t, "ServerSideEncryptionConfiguration")["Rules"].([]any)
		for _, r := range rules {
			m, _ := r.(map[string]any)
			b.WriteString("<Rule>")
			if d := obj(m, "ApplyServerSideEncryptionByDefault"); d != nil {
				b.WriteString("<ApplyServerSideEncryptionByDefault>")
				elems(d, "SSEAlgorithm", "KMSMasterKeyID")
				b.WriteString("</ApplyServerSideEncryptionByDefault>")
			}
			elems(m, "BucketKeyEnabled")
			b.WriteString("</Rule>")
		}
		b.WriteString("</ServerSideEncryptionConfiguration>")
	case "GetBucketVersioning":
		b.WriteString("<VersioningConfiguration" + ns + ">")
		elems(t, "Status", "MFADelete")
		b.WriteString("</VersioningConfiguration>")
	case "GetBucketLogging":
		b.WriteString("<BucketLoggingStatus" + ns + ">")
		if l := obj(t, "LoggingEnabled"); l != nil {
			b.WriteString("<LoggingEnabled>")
			elems(l, "TargetBucket", "TargetPrefix")
			b.WriteString("</LoggingEnabled>")
		}
		b.WriteString("</BucketLoggingStatus>")
	case "GetBucketTagging":
		b.WriteString("<Tagging" + ns + "><TagSet>")
		tags, _ := t["TagSet"].([]any)
		for _, tg := range tags {
			m, _ := tg.(map[string]any)
			b.WriteString("<Tag>")
			elems(m, "Key", "Value")
			b.WriteString("</Tag>")
		}
		b.WriteString("</TagSet></Tagging>")
	case "GetBucketLocation":
		b.WriteString("<LocationConstraint" + ns + ">" + xmlEscape(str(t, "LocationConstraint")) + "</LocationConstraint>")
	default:
		s.writeError(c, Error{Code: "NotImplemented", Message: "fakeaws: " + c.action, Status: 501})
		return
	}
	c.w.Header().Set("Content-Type", "application/xml")
	_, _ = c.w.Write([]byte(b.String()))
}
