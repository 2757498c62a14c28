package fakeaws

// opsNetwork maps "service:Action" to the operations of issue 4's network group.
var opsNetwork = map[string]op{}
