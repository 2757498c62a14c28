package fakeaws

import (
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	smithytime "github.com/aws/smithy-go/time"
)

// Wire protocols of the services issue 4's network group reads: ELBv2
// (query/XML), ACM (JSON 1.1), EKS (REST-JSON) and CloudFront (REST-XML,
// with a client that has no runtime schema, so its answers are encoded by
// reflection here).

// decodeNetwork finds the protocol and operation of a request to one of
// the network group's services.
func (c *call) decodeNetwork() error {
	switch c.service {
	case "elasticloadbalancing":
		if err := c.decodeQuery(); err != nil {
			return err
		}
		if v := c.r.Form.Get("Version"); v != "2015-12-01" {
			return fmt.Errorf("ELBv2 request with Version %q (want 2015-12-01)", v)
		}
	case "acm":
		const prefix = "CertificateManager."
		t := c.r.Header.Get("X-Amz-Target")
		if !strings.HasPrefix(t, prefix) {
			return fmt.Errorf("X-Amz-Target %q is not an ACM operation", t)
		}
		c.action = strings.TrimPrefix(t, prefix)
		c.proto = protoJSON
	case "eks":
		p := c.r.URL.Path
		switch {
		case c.r.Method == http.MethodGet && p == "/clusters":
			c.action = "ListClusters"
		case c.r.Method == http.MethodGet && strings.HasPrefix(p, "/clusters/") && strings.Count(p, "/") == 2:
			c.action = "DescribeCluster"
		default:
			return fmt.Errorf("unknown EKS request %s %s", c.r.Method, p)
		}
		c.proto = protoRESTJSON
	case "cloudfront":
		if c.r.Method != http.MethodGet || c.r.URL.Path != "/2020-05-31/distribution" {
			return fmt.Errorf("unknown CloudFront request %s %s", c.r.Method, c.r.URL.Path)
		}
		if c.region != "us-east-1" {
			return fmt.Errorf("CloudFront request signed for %s (CloudFront signs for us-east-1)", c.region)
		}
		c.action = "ListDistributions"
		c.proto = protoCloudFront
	}
	return nil
}

// writeCloudFront answers a CloudFront call: the output's payload member
// (DistributionList) as the XML root.
func (s *Server) writeCloudFront(c *call, out any) {
	if l, ok := out.(*cloudfront.ListDistributionsOutput); ok && l.DistributionList != nil && s.sc.PageSize > 0 {
		if err := pageDistributions(l.DistributionList, c.r.URL.Query().Get("Marker"), s.sc.PageSize); err != nil {
			s.writeError(c, Error{Code: "InvalidArgument", Message: err.Error(), Status: 400})
			return
		}
	}
	v := reflect.ValueOf(out).Elem()
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>`)
	for i := 0; i < v.NumField(); i++ {
		f := v.Type().Field(i)
		if !f.IsExported() || f.Name == "ResultMetadata" {
			continue
		}
		fv := v.Field(i)
		if fv.Kind() == reflect.Pointer && fv.IsNil() {
			fv = reflect.New(f.Type.Elem()) // an empty payload still has its root
		}
		b.WriteString("<" + f.Name + ` xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/">`)
		encodeCF(&b, fv.Elem())
		b.WriteString("</" + f.Name + ">")
		break
	}
	c.w.Header().Set("Content-Type", "text/xml")
	c.w.Header().Set("X-Amz-Request-Id", requestID())
	_, _ = c.w.Write([]byte(b.String()))
}

// pageDistributions cuts a distribution list to the page after marker
// (CloudFront pages inside DistributionList: Marker in, NextMarker and
// IsTruncated out).
func pageDistributions(l *cftypes.DistributionList, marker string, size int) error {
	page := 0
	if marker != "" {
		n, err := strconv.Atoi(marker)
		if err != nil || n < 0 {
			return fmt.Errorf("invalid Marker %q", marker)
		}
		page = n
	}
	items := l.Items
	lo, hi := min(page*size, len(items)), min((page+1)*size, len(items))
	l.Items = items[lo:hi]
	l.Marker = &marker
	l.MaxItems = ptr(int32(size))
	l.Quantity = ptr(int32(hi - lo))
	l.IsTruncated = ptr(hi < len(items))
	l.NextMarker = nil
	if hi < len(items) {
		l.NextMarker = ptr(strconv.Itoa(page + 1))
	}
	return nil
}

// cfStringItems names the items of CloudFront's string lists (struct and
// enum items are named after their type).
var cfStringItems = map[string]string{
	"Aliases.Items": "CNAME", "GeoRestriction.Items": "Location", "Headers.Items": "Name",
	"CookieNames.Items": "Name", "QueryStringCacheKeys.Items": "Name", "QueryStringNames.Items": "Name",
	"TrustedSigners.Items": "AwsAccountNumber", "TrustedKeyGroups.Items": "KeyGroup",
}

// encodeCF writes the members of struct v as CloudFront XML elements
// named after the Go fields (CloudFront's member names).
func encodeCF(b *strings.Builder, v reflect.Value) {
	t := v.Type()
	for i := 0; i < v.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		encodeCFValue(b, f.Name, t.Name()+"."+f.Name, v.Field(i))
	}
}

func encodeCFValue(b *strings.Builder, name, where string, fv reflect.Value) {
	switch fv.Kind() {
	case reflect.Pointer, reflect.Interface:
		if fv.IsNil() {
			return
		}
		encodeCFValue(b, name, where, fv.Elem())
		return
	case reflect.Slice:
		if fv.IsNil() {
			return
		}
		b.WriteString("<" + name + ">")
		et := fv.Type().Elem()
		for et.Kind() == reflect.Pointer {
			et = et.Elem()
		}
		item := et.Name()
		if et.Kind() == reflect.String && et.Name() == "string" {
			item = cfStringItems[where]
			if item == "" {
				item = "member"
			}
		}
		for i := 0; i < fv.Len(); i++ {
			encodeCFValue(b, item, "", fv.Index(i))
		}
		b.WriteString("</" + name + ">")
		return
	case reflect.Struct:
		if t, ok := fv.Interface().(time.Time); ok {
			b.WriteString("<" + name + ">" + smithytime.FormatDateTime(t) + "</" + name + ">")
			return
		}
		b.WriteString("<" + name + ">")
		encodeCF(b, fv)
		b.WriteString("</" + name + ">")
		return
	case reflect.String:
		if fv.String() == "" && fv.Type().Name() != "string" {
			return // an enum left empty was absent
		}
	}
	b.WriteString("<" + name + ">" + xmlEscape(scalarText(fv)) + "</" + name + ">")
}

// writeCloudFrontError is CloudFront's REST-XML error: wrapped in
// <ErrorResponse>, unlike S3's.
func writeCloudFrontError(c *call, e Error) {
	c.w.Header().Set("Content-Type", "text/xml")
	c.w.WriteHeader(e.Status)
	fmt.Fprintf(c.w, `<?xml version="1.0"?><ErrorResponse xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>%s</RequestId></ErrorResponse>`,
		xmlEscape(e.Code), xmlEscape(e.Message), requestID())
}
