package snapshot

import (
	"strings"

	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// loadComplianceOps reads the operations collected only for compliance
// controls no other group needs (issue 6): iam list-saml-providers (CIS
// 1.21, identity federation), iam list-organizations-features (CIS v7.0
// 2.1.1) and, per region, macie2 get-macie-session (CIS 2.1.3, S3 data
// discovery).
func (l *loader) loadComplianceOps() {
	l.loadSAMLProviders()
	l.loadOrgFeatures()
	l.inv.Compliance.Macie = make(map[string]awsm.String, len(l.inv.Regions))
	for _, r := range l.inv.Regions {
		l.loadMacieSession(r.Region)
	}
}

func (l *loader) loadSAMLProviders() {
	a := l.fetch("global/iam/list-saml-providers")
	var v struct {
		List []struct {
			Arn string `json:"Arn"`
		} `json:"SAMLProviderList"`
	}
	ok := l.decode(&a, &v)
	l.done(global, "iam", "list-saml-providers", &a, false)
	if !ok {
		l.inv.Compliance.SAMLProviders = unknown[[]*awsm.SAMLProvider](a.reason(), a.src())
		return
	}
	list := make([]*awsm.SAMLProvider, 0, len(v.List))
	for i, p := range v.List {
		src := at(a.file, idx("SAMLProviderList", i))
		if p.Arn == "" {
			l.warn(a.file, 0, "%s: provider without Arn; ignored", src.Path)
			continue
		}
		name := p.Arn[strings.LastIndexByte(p.Arn, '/')+1:]
		list = append(list, &awsm.SAMLProvider{ARN: p.Arn, Name: name, Source: src})
	}
	sortByARN(list, func(p *awsm.SAMLProvider) string { return p.ARN })
	l.inv.Compliance.SAMLProviders = model.Known(list, at(a.file, "SAMLProviderList"))
}

// loadMacieSession reads Macie's status in one region. Macie answers
// AccessDeniedException "Macie is not enabled" when it is off: that is a
// known DISABLED, unlike any other AccessDenied (missing permission).
func (l *loader) loadMacieSession(region string) {
	a := l.fetch(region + "/macie2/get-macie-session")
	notEnabled := a.kind == ansAWS && a.code == "AccessDeniedException" &&
		strings.Contains(strings.ToLower(a.message), "macie is not enabled")
	var v struct {
		Status *string `json:"status"`
	}
	ok := l.decode(&a, &v)
	l.done(region, "macie2", "get-macie-session", &a, notEnabled)
	switch {
	case notEnabled:
		l.inv.Compliance.Macie[region] = model.Known(awsm.MacieDisabled, at(a.file, "Message"))
	case !ok:
		l.inv.Compliance.Macie[region] = unknown[string](a.reason(), a.src())
	default:
		l.inv.Compliance.Macie[region] = optStr(v.Status, at(a.file, "status"))
	}
}

// loadOrgFeatures reads the organization's IAM features. Two error answers
// are facts: OrganizationNotFoundException (the account is in no
// organization) and ServiceAccessNotEnabledException (IAM's trusted access
// is off, so no feature is enabled).
func (l *loader) loadOrgFeatures() {
	a := l.fetch("global/iam/list-organizations-features")
	noOrg := a.kind == ansAWS && a.code == "OrganizationNotFoundException"
	noAccess := a.kind == ansAWS && a.code == "ServiceAccessNotEnabledException"
	var v struct {
		Features []string `json:"EnabledFeatures"`
	}
	ok := l.decode(&a, &v)
	l.done(global, "iam", "list-organizations-features", &a, noOrg || noAccess)
	switch {
	case noOrg || noAccess:
		l.inv.Compliance.NoOrganization = noOrg
		l.inv.Compliance.OrgFeatures = model.Known([]string{}, at(a.file, "Code"))
	case !ok:
		l.inv.Compliance.OrgFeatures = unknown[[]string](a.reason(), a.src())
	case v.Features == nil:
		l.inv.Compliance.OrgFeatures = model.Known([]string{}, at(a.file, "EnabledFeatures"))
	default:
		l.inv.Compliance.OrgFeatures = model.Known(v.Features, at(a.file, "EnabledFeatures"))
	}
}
