#!/usr/bin/env bash
# Collects a cloudward snapshot (docs/snapshot-format.md) with the AWS CLI,
# for the credentials the CLI is configured with (AWS_PROFILE, env vars, SSO).
# Read-only: every call is a describe/get/list, plus
# `iam generate-credential-report`, which only refreshes the report.
#
# Usage: scripts/collect-aws-cli.sh [--out DIR] [--regions us-east-1,eu-west-1]
#   --out DIR      output directory (default: snapshot-<account>-<UTC time>)
#   --regions LIST comma-separated regions (default: every enabled region,
#                  from `aws ec2 describe-regions`)
# Then: cloudward scan aws --snapshot DIR
set -euo pipefail

out=""
regions=""
while [ $# -gt 0 ]; do
	case "$1" in
	--out) out=${2:?--out needs a directory}; shift 2 ;;
	--out=*) out=${1#--out=}; shift ;;
	--regions) regions=${2:?--regions needs a list}; shift 2 ;;
	--regions=*) regions=${1#--regions=}; shift ;;
	-h | --help) sed -n '2,12p' "$0"; exit 0 ;;
	*) echo "collect-aws-cli.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
	esac
done

command -v aws >/dev/null || { echo "collect-aws-cli.sh: the AWS CLI (aws) is not installed" >&2; exit 2; }
export AWS_PAGER=""

json_escape() {
	local s=$1
	s=${s//\\/\\\\}
	s=${s//\"/\\\"}
	s=${s//$'\n'/\\n}
	s=${s//$'\r'/}
	s=${s//$'\t'/\\t}
	printf '%s' "$s"
}

# call FILE_BASE aws-args...: writes FILE_BASE.json with the CLI output, or
# FILE_BASE.error.json with {"Code","Message"} parsed from the CLI's error
# text ("An error occurred (Code) when calling the Op operation: Message").
call() {
	local base=$1; shift
	mkdir -p "$(dirname "$base")"
	local errf
	errf=$(mktemp)
	if aws "$@" --output json >"$base.json.tmp" 2>"$errf"; then
		mv "$base.json.tmp" "$base.json"
	else
		rm -f "$base.json.tmp"
		local text code msg
		text=$(tr -d '\r' <"$errf" | grep -v '^$' | tail -n 1)
		code=$(printf '%s' "$text" | sed -n 's/.*An error occurred (\([^)]*\)).*/\1/p')
		msg=$(printf '%s' "$text" | sed -n 's/.*An error occurred ([^)]*) when calling the [A-Za-z]* operation[^:]*: //p')
		[ -n "$code" ] || code="CLIError"
		[ -n "$msg" ] || msg=$text
		printf '{"Code": "%s", "Message": "%s"}\n' "$(json_escape "$code")" "$(json_escape "$msg")" >"$base.error.json"
		echo "  $base: $code" >&2
	fi
	rm -f "$errf"
}

# pathkey NAME: NAME as one URL-escaped path segment, the file key of
# secrets and ECR repositories whose names may contain "/" (Go's
# url.PathEscape: prod/db -> prod%2Fdb).
pathkey() {
	local s=$1 out="" c i
	for ((i = 0; i < ${#s}; i++)); do
		c=${s:i:1}
		case "$c" in
		[a-zA-Z0-9._~+=@\$\&,\;:-]) out+=$c ;;
		*) out+=$(printf '%%%02X' "'$c") ;;
		esac
	done
	printf '%s' "$out"
}

# list aws-args...: prints one value per line from a --query ... --output text call.
list() {
	aws "$@" --output text 2>/dev/null | tr '\t' '\n' | grep -v -e '^None$' -e '^$' || true
}

ident=$(aws sts get-caller-identity --output json)
account=$(aws sts get-caller-identity --query Account --output text)
caller_arn=$(aws sts get-caller-identity --query Arn --output text)
partition=$(printf '%s' "$caller_arn" | cut -d: -f2)
collected_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
[ -n "$out" ] || out="snapshot-$account-$(date -u +%Y%m%dT%H%M%SZ)"
if [ -z "$regions" ]; then
	regions=$(list ec2 describe-regions --query 'Regions[].RegionName' | sort | paste -sd, -)
fi
IFS=, read -r -a region_list <<<"$regions"
mkdir -p "$out/global/sts"
printf '%s\n' "$ident" >"$out/global/sts/get-caller-identity.json"

region_json=""
for r in "${region_list[@]}"; do
	region_json+="${region_json:+, }\"$r\""
done
printf '{"collected_at": "%s", "account_id": "%s", "partition": "%s", "regions": [%s]}\n' \
	"$collected_at" "$account" "$partition" "$region_json" >"$out/snapshot.json"
echo "collecting account $account ($partition) into $out, regions: $regions" >&2

# IAM.
g="$out/global"
call "$g/iam/get-account-authorization-details" iam get-account-authorization-details
call "$g/iam/get-account-password-policy" iam get-account-password-policy
call "$g/iam/get-account-summary" iam get-account-summary
for _ in 1 2 3 4 5 6 7 8 9 10; do
	state=$(aws iam generate-credential-report --query State --output text 2>/dev/null || echo FAILED)
	[ "$state" = "COMPLETE" ] && break
	[ "$state" = "FAILED" ] && break
	sleep 2
done
mkdir -p "$g/iam"
if content=$(aws iam get-credential-report --query Content --output text 2>"$g/iam/.credreport.err"); then
	printf '%s' "$content" | base64 -d >"$g/iam/get-credential-report.csv"
	rm -f "$g/iam/.credreport.err"
else
	rm -f "$g/iam/.credreport.err"
	call "$g/iam/get-credential-report" iam get-credential-report
fi
# CIS 1.6 (virtual vs hardware root MFA) and 1.19 (expired certificates).
call "$g/iam/list-virtual-mfa-devices" iam list-virtual-mfa-devices
call "$g/iam/list-server-certificates" iam list-server-certificates
# CIS 1.21: SAML identity providers (identity federation).
call "$g/iam/list-saml-providers" iam list-saml-providers
# CIS v7.0 2.1.1: centralized root access (answers in the management account only).
call "$g/iam/list-organizations-features" iam list-organizations-features
# CIS 1.2: ResourceNotFoundException (no security contact) is kept as the answer.
call "$g/account/get-alternate-contact/SECURITY" account get-alternate-contact --alternate-contact-type SECURITY

# S3: account-level Block Public Access, then every bucket.
call "$g/s3control/get-public-access-block" s3control get-public-access-block --account-id "$account"
call "$g/s3api/list-buckets" s3api list-buckets
while read -r b; do
	[ -n "$b" ] || continue
	for op in get-bucket-location get-bucket-policy get-bucket-acl get-public-access-block \
		get-bucket-encryption get-bucket-versioning get-bucket-logging get-bucket-tagging; do
		call "$g/s3api/$op/$b" s3api "$op" --bucket "$b"
	done
done < <(list s3api list-buckets --query 'Buckets[].Name')

# Organizations: the organization, its SCPs and RCPs, and the policies on
# the account's path to the root (member accounts are usually denied all
# but describe-organization; the denials are kept as error answers).
call "$g/organizations/describe-organization" organizations describe-organization
if [ -f "$g/organizations/describe-organization.json" ]; then
	for t in SERVICE_CONTROL_POLICY RESOURCE_CONTROL_POLICY; do
		call "$g/organizations/list-policies/$t" organizations list-policies --filter "$t"
	done
	child=$account
	for _ in 1 2 3 4 5 6 7 8 9 10 11; do
		for t in SERVICE_CONTROL_POLICY RESOURCE_CONTROL_POLICY; do
			call "$g/organizations/list-policies-for-target/$child.$t" organizations list-policies-for-target --target-id "$child" --filter "$t"
		done
		parent=$(aws organizations list-parents --child-id "$child" --query 'Parents[0].[Id,Type]' --output text 2>/dev/null || true)
		[ "$(printf '%s' "$parent" | cut -f2)" = "None" ] && break
		call "$g/organizations/list-parents/$child" organizations list-parents --child-id "$child"
		[ -f "$g/organizations/list-parents/$child.json" ] || break
		child=$(printf '%s' "$parent" | cut -f1)
		if [ "$(printf '%s' "$parent" | cut -f2)" = "ROOT" ]; then
			for t in SERVICE_CONTROL_POLICY RESOURCE_CONTROL_POLICY; do
				call "$g/organizations/list-policies-for-target/$child.$t" organizations list-policies-for-target --target-id "$child" --filter "$t"
			done
			break
		fi
	done
	while read -r p; do
		[ -n "$p" ] || continue
		call "$g/organizations/describe-policy/$p" organizations describe-policy --policy-id "$p"
	done < <(cat "$g"/organizations/list-policies/*.json "$g"/organizations/list-policies-for-target/*.json 2>/dev/null |
		sed -n 's/^ *"Id": "\(p-[A-Za-z0-9_]*\)".*/\1/p' | sort -u)
fi

# CloudFront is global.
call "$g/cloudfront/list-distributions" cloudfront list-distributions

# Regions.
for r in "${region_list[@]}"; do
	d="$out/$r"
	echo "region $r" >&2
	for op in describe-security-groups describe-instances describe-volumes get-ebs-encryption-by-default \
		describe-vpcs describe-flow-logs describe-network-acls; do
		call "$d/ec2/$op" ec2 "$op" --region "$r"
	done

	call "$d/rds/describe-db-instances" rds describe-db-instances --region "$r"
	while read -r pg; do
		[ -n "$pg" ] || continue
		call "$d/rds/describe-db-parameters/$pg" rds describe-db-parameters --region "$r" --db-parameter-group-name "$pg"
	done < <(list rds describe-db-instances --region "$r" --query 'DBInstances[].DBParameterGroups[].DBParameterGroupName' | sort -u)

	call "$d/kms/list-keys" kms list-keys --region "$r"
	while read -r k; do
		[ -n "$k" ] || continue
		call "$d/kms/describe-key/$k" kms describe-key --region "$r" --key-id "$k"
		call "$d/kms/get-key-rotation-status/$k" kms get-key-rotation-status --region "$r" --key-id "$k"
		call "$d/kms/get-key-policy/$k" kms get-key-policy --region "$r" --key-id "$k" --policy-name default
	done < <(list kms list-keys --region "$r" --query 'Keys[].KeyId')

	# Status and selectors of each trail are collected in its home region
	# only; other regions list shadow copies of multi-region trails.
	call "$d/cloudtrail/describe-trails" cloudtrail describe-trails --region "$r"
	while read -r t; do
		[ -n "$t" ] || continue
		call "$d/cloudtrail/get-trail-status/$t" cloudtrail get-trail-status --region "$r" --name "$t"
		call "$d/cloudtrail/get-event-selectors/$t" cloudtrail get-event-selectors --region "$r" --trail-name "$t"
	done < <(list cloudtrail describe-trails --region "$r" --query "trailList[?HomeRegion=='$r'].Name")

	call "$d/guardduty/list-detectors" guardduty list-detectors --region "$r"
	while read -r det; do
		[ -n "$det" ] || continue
		call "$d/guardduty/get-detector/$det" guardduty get-detector --region "$r" --detector-id "$det"
	done < <(list guardduty list-detectors --region "$r" --query 'DetectorIds')

	# CIS 4.x monitoring: metric filters, alarms, and the subscriptions of
	# the SNS topics the alarms notify (file key: the topic name).
	call "$d/logs/describe-metric-filters" logs describe-metric-filters --region "$r"
	call "$d/logs/describe-log-groups" logs describe-log-groups --region "$r"
	call "$d/cloudwatch/describe-alarms" cloudwatch describe-alarms --region "$r"
	while read -r topic; do
		[ -n "$topic" ] || continue
		[ "$(printf '%s' "$topic" | cut -d: -f4)" = "$r" ] || continue
		call "$d/sns/list-subscriptions-by-topic/${topic##*:}" sns list-subscriptions-by-topic --region "$r" --topic-arn "$topic"
	done < <(list cloudwatch describe-alarms --region "$r" --query "MetricAlarms[].AlarmActions[] | [?contains(@, ':sns:')]" | sort -u)
	call "$d/securityhub/describe-hub" securityhub describe-hub --region "$r"

	# CIS 1.20 (Access Analyzer), 3.3 (AWS Config), 2.3.1 (EFS encryption).
	call "$d/accessanalyzer/list-analyzers" accessanalyzer list-analyzers --region "$r"
	call "$d/configservice/describe-configuration-recorders" configservice describe-configuration-recorders --region "$r"
	call "$d/configservice/describe-configuration-recorder-status" configservice describe-configuration-recorder-status --region "$r"
	call "$d/efs/describe-file-systems" efs describe-file-systems --region "$r"
	# CIS 5.6: routes to VPC peering connections and the peers' CIDRs.
	call "$d/ec2/describe-route-tables" ec2 describe-route-tables --region "$r"
	call "$d/ec2/describe-vpc-peering-connections" ec2 describe-vpc-peering-connections --region "$r"
	# CIS 2.1.3: Macie ("Macie is not enabled." comes back as AccessDeniedException and is kept).
	call "$d/macie2/get-macie-session" macie2 get-macie-session --region "$r"
	# Network group: own EBS snapshots and who may create volumes from them,
	# RDS snapshots (sharing of the manual ones) and clusters, subnets,
	# gateways, interfaces, load balancers, certificates, EKS clusters.
	for op in describe-subnets describe-internet-gateways describe-network-interfaces; do
		call "$d/ec2/$op" ec2 "$op" --region "$r"
	done
	call "$d/ec2/describe-snapshots" ec2 describe-snapshots --region "$r" --owner-ids self
	while read -r s; do
		[ -n "$s" ] || continue
		call "$d/ec2/describe-snapshot-attribute/$s" ec2 describe-snapshot-attribute --region "$r" --snapshot-id "$s" --attribute createVolumePermission
	done < <(list ec2 describe-snapshots --region "$r" --owner-ids self --query 'Snapshots[].SnapshotId')
	call "$d/rds/describe-db-snapshots" rds describe-db-snapshots --region "$r"
	while read -r s; do
		[ -n "$s" ] || continue
		call "$d/rds/describe-db-snapshot-attributes/$s" rds describe-db-snapshot-attributes --region "$r" --db-snapshot-identifier "$s"
	done < <(list rds describe-db-snapshots --region "$r" --query "DBSnapshots[?SnapshotType!='automated'].DBSnapshotIdentifier")
	call "$d/rds/describe-db-clusters" rds describe-db-clusters --region "$r"
	call "$d/elbv2/describe-load-balancers" elbv2 describe-load-balancers --region "$r"
	call "$d/elbv2/describe-ssl-policies" elbv2 describe-ssl-policies --region "$r"
	while read -r lb; do
		[ -n "$lb" ] || continue
		name=$(printf '%s' "$lb" | cut -d/ -f3) # arn:...:loadbalancer/app/NAME/ID
		call "$d/elbv2/describe-listeners/$name" elbv2 describe-listeners --region "$r" --load-balancer-arn "$lb"
	done < <(list elbv2 describe-load-balancers --region "$r" --query 'LoadBalancers[].LoadBalancerArn')
	call "$d/acm/list-certificates" acm list-certificates --region "$r" \
		--includes keyTypes=RSA_1024,RSA_2048,RSA_3072,RSA_4096,EC_prime256v1,EC_secp384r1,EC_secp521r1
	while read -r c; do
		[ -n "$c" ] || continue
		call "$d/acm/describe-certificate/${c##*/}" acm describe-certificate --region "$r" --certificate-arn "$c"
	done < <(list acm list-certificates --region "$r" --query 'CertificateSummaryList[].CertificateArn' \
		--includes keyTypes=RSA_1024,RSA_2048,RSA_3072,RSA_4096,EC_prime256v1,EC_secp384r1,EC_secp521r1)
	call "$d/eks/list-clusters" eks list-clusters --region "$r"
	while read -r k; do
		[ -n "$k" ] || continue
		call "$d/eks/describe-cluster/$k" eks describe-cluster --region "$r" --name "$k"
	done < <(list eks list-clusters --region "$r" --query 'clusters')

	# Policy group: resources with resource-based policies. Lambda
	# environment variables are dropped by the query (their values are often
	# secrets); secret values are never read.
	# shellcheck disable=SC2016 # a JMESPath literal, not a shell expansion
	call "$d/lambda/list-functions" lambda list-functions --region "$r" --query '{Functions: Functions[].merge(@, {Environment: `null`})}'
	while IFS=$'\t' read -r f farn; do
		[ -n "$f" ] || continue
		call "$d/lambda/get-policy/$f" lambda get-policy --region "$r" --function-name "$f"
		call "$d/lambda/list-tags/$f" lambda list-tags --region "$r" --resource "$farn"
	done < <(aws lambda list-functions --region "$r" --query 'Functions[].[FunctionName,FunctionArn]' --output text 2>/dev/null || true)
	call "$d/secretsmanager/list-secrets" secretsmanager list-secrets --region "$r"
	while IFS=$'\t' read -r sarn sname; do
		[ -n "$sarn" ] || continue
		call "$d/secretsmanager/get-resource-policy/$(pathkey "$sname")" secretsmanager get-resource-policy --region "$r" --secret-id "$sarn"
	done < <(aws secretsmanager list-secrets --region "$r" --query 'SecretList[].[ARN,Name]' --output text 2>/dev/null || true)
	call "$d/sqs/list-queues" sqs list-queues --region "$r"
	while read -r q; do
		[ -n "$q" ] || continue
		call "$d/sqs/get-queue-attributes/${q##*/}" sqs get-queue-attributes --region "$r" --queue-url "$q" \
			--attribute-names QueueArn Policy KmsMasterKeyId SqsManagedSseEnabled
		call "$d/sqs/list-queue-tags/${q##*/}" sqs list-queue-tags --region "$r" --queue-url "$q"
	done < <(list sqs list-queues --region "$r" --query 'QueueUrls')
	call "$d/sns/list-topics" sns list-topics --region "$r"
	while read -r topic; do
		[ -n "$topic" ] || continue
		call "$d/sns/get-topic-attributes/${topic##*:}" sns get-topic-attributes --region "$r" --topic-arn "$topic"
		call "$d/sns/list-tags-for-resource/${topic##*:}" sns list-tags-for-resource --region "$r" --resource-arn "$topic"
	done < <(list sns list-topics --region "$r" --query 'Topics[].TopicArn')
	call "$d/ecr/describe-repositories" ecr describe-repositories --region "$r"
	while IFS=$'\t' read -r repo rarn; do
		[ -n "$repo" ] || continue
		call "$d/ecr/get-repository-policy/$(pathkey "$repo")" ecr get-repository-policy --region "$r" --repository-name "$repo"
		call "$d/ecr/list-tags-for-resource/$(pathkey "$repo")" ecr list-tags-for-resource --region "$r" --resource-arn "$rarn"
	done < <(aws ecr describe-repositories --region "$r" --query 'repositories[].[repositoryName,repositoryArn]' --output text 2>/dev/null || true)
done

echo "done: cloudward scan aws --snapshot $out" >&2
