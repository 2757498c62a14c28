package fakeaws

// opsCIS maps "service:Action" to the operations of issue 4's cis group.
var opsCIS = map[string]op{}
