package wireproxy

import (
	"encoding/binary"

	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"
)

// Wire protocol constants (https://www.mongodb.com/docs/manual/reference/mongodb-wire-protocol/).
const (
	headerLen = 16
	// maxMessageLen is above the 48 MB that servers announce as maxMessageSizeBytes; a longer
	// length prefix means the stream is corrupt.
	maxMessageLen = 64 << 20

	opQuery = 2004
	opMsg   = 2013

	flagChecksumPresent = 1 << 0
	flagMoreToCome      = 1 << 1
)

// scope is how much of the server a request must have to itself while it runs.
type scope int

const (
	// scopeNone: the request changes no document, so it runs alongside anything else. FerretDB
	// writes each document with one SQL statement, so a read sees a document before or after a
	// write, never half of it.
	scopeNone scope = iota
	// scopeDatabase: a write; no other write to the same database runs meanwhile.
	scopeDatabase
	// scopeServer: a write that may reach beyond one database, or a request the proxy cannot
	// read; nothing else that takes a lock runs meanwhile.
	scopeServer
)

// access is what classify decides about one request.
type access struct {
	scope scope
	db    string // for scopeDatabase
	// noReply is set for an OP_MSG with moreToCome: the client expects no reply.
	noReply bool
}

// adminDB is where commands that span databases (renameCollection, for one) are sent.
const adminDB = "admin"

// reads are the commands that change no document. Everything else, including commands the
// proxy has never heard of, counts as a write. aggregate is here because FerretDB v1 refuses
// $out and $merge, the only stages that write.
var reads = map[string]bool{
	"aggregate": true, "buildInfo": true, "buildinfo": true, "collStats": true,
	"connectionStatus": true, "count": true, "currentOp": true, "dataSize": true, "dbStats": true,
	"dbstats": true, "distinct": true, "endSessions": true, "explain": true, "find": true,
	"getCmdLineOpts": true, "getFreeMonitoringStatus": true, "getLog": true, "getMore": true,
	"getParameter": true, "hello": true, "hostInfo": true, "isMaster": true, "ismaster": true,
	"killCursors": true, "listCollections": true, "listCommands": true, "listDatabases": true,
	"listIndexes": true, "logout": true, "ping": true, "saslContinue": true, "saslStart": true,
	"serverStatus": true, "usersInfo": true, "validate": true, "whatsmyuri": true,
}

// classify reads a whole request message (header included) and decides what it must lock.
func classify(msg []byte) access {
	if len(msg) < headerLen {
		return access{scope: scopeServer}
	}
	switch binary.LittleEndian.Uint32(msg[12:16]) {
	case opMsg:
		return classifyMsg(msg[headerLen:])
	case opQuery:
		// FerretDB answers only the handshake (hello, isMaster) and SASL over OP_QUERY.
		return access{scope: scopeNone}
	default:
		// OP_COMPRESSED and the legacy opcodes: FerretDB refuses them, but the proxy cannot see
		// inside, so it assumes the worst.
		return access{scope: scopeServer}
	}
}

// classifyMsg reads an OP_MSG body: flag bits, then sections; the command is the single kind-0
// section, whose first key is the command's name and whose $db names its database.
func classifyMsg(body []byte) access {
	if len(body) < 4 {
		return access{scope: scopeServer}
	}
	flags := binary.LittleEndian.Uint32(body)
	a := access{scope: scopeServer, noReply: flags&flagMoreToCome != 0}
	rest := body[4:]
	if flags&flagChecksumPresent != 0 {
		if len(rest) < 4 {
			return a
		}
		rest = rest[:len(rest)-4]
	}
	for len(rest) > 0 {
		kind := rest[0]
		rest = rest[1:]
		switch kind {
		case 0:
			cmd, ok := readDocument(rest)
			if !ok {
				return a
			}
			return classifyCommand(cmd, a)
		case 1:
			// A document sequence (insert's documents, update's updates): skip it by its size.
			if len(rest) < 4 {
				return a
			}
			n := int(binary.LittleEndian.Uint32(rest))
			if n < 4 || n > len(rest) {
				return a
			}
			rest = rest[n:]
		default:
			return a
		}
	}
	return a
}

func classifyCommand(cmd bsoncore.Document, a access) access {
	first, err := cmd.IndexErr(0)
	if err != nil {
		return a
	}
	if reads[first.Key()] {
		a.scope = scopeNone
		return a
	}
	db, ok := cmd.Lookup("$db").StringValueOK()
	if !ok || db == adminDB {
		return a
	}
	a.scope, a.db = scopeDatabase, db
	return a
}

// readDocument returns the BSON document at the start of b, checking only its length prefix;
// bsoncore checks each element as it is read.
func readDocument(b []byte) (bsoncore.Document, bool) {
	if len(b) < 5 {
		return nil, false
	}
	n := int(int32(binary.LittleEndian.Uint32(b)))
	if n < 5 || n > len(b) {
		return nil, false
	}
	return bsoncore.Document(b[:n]), true
}
