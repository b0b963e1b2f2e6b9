// Package faults is the fault suite: it breaks a private embedded stack and real service
// processes the way production breaks them — a consumer killed mid-batch, the broker
// restarted, the database stopped for 15 s, a poison event, a thousand duplicate
// deliveries, a slow consumer, SIGTERM under load — and checks after each, against a ledger
// the test keeps, that no accepted write was lost and none took effect twice.
//
// The scenarios run fieldwork (the writer: work logs through its HTTP API and its outbox)
// and reporting (the consumer: its monthly figures read model) as child processes built
// from the workspace, against embedded stacks of their own, so breaking them never touches
// the stack the rest of the test run shares. Run it with
//
//	go test -count=1 ./tools/faults/
//
// The package holds no product code; everything is in its tests.
package faults
