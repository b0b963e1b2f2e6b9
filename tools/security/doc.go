// Package security holds the security suite: it starts the whole system — the gateway and the
// five services as separate processes, built from this work tree — against the embedded stack
// (or the MongoDB, Kafka and S3 that MONGO_URI, KAFKA_BROKERS and S3_* name) and attacks it
// from the outside, through the gateway, the way a curious or hostile account would:
//
//   - a town's accounts request every route with another town's real ids (0 leaks);
//   - forged, expired, re-targeted and tampered access and internal tokens, and services
//     called without the gateway's token;
//   - uploads that are too big, lie about their type, declare huge images or carry a path
//     in their name, and presigned links aimed at another object;
//   - a noisy town is slowed down (429) while another town's requests still succeed;
//   - every mutating route leaves an audit record and none can change one;
//   - no log line of any process carries a phone number or a hardship status.
//
// The suite is tests only (`go test ./tools/security/...`); docs/quality.md says what each
// check proves and how to run it against real servers.
package security
