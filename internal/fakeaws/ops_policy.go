package fakeaws

// opsPolicy maps "service:Action" to the operations of issue 4's policy group.
var opsPolicy = map[string]op{}
