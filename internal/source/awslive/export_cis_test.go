package awslive

// ServiceUnitsPerAccount is how many (service, region) units one account's
// collection runs over the given number of regions: global services once,
// regional ones per region. Tests pin progress figures with it, so adding
// a service does not break them.
func ServiceUnitsPerAccount(regions int) int {
	n := 0
	for _, s := range serviceTable() {
		if s.global {
			n++
		} else {
			n += regions
		}
	}
	return n
}
