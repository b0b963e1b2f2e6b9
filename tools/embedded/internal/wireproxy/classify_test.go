package wireproxy

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"
)

const town = "town_990000001"

func TestClassify_LocksWritesByDatabaseAndLeavesReadsFree(t *testing.T) {
	t.Parallel()
	insert := command("insert", "stays", "$db", town)
	for _, tc := range []struct {
		name string
		msg  []byte
		want access
	}{
		{"find", newOpMsg(0, command("find", "stays", "$db", town)), access{scope: scopeNone}},
		{"getMore", newOpMsg(0, command("getMore", "stays", "$db", town)), access{scope: scopeNone}},
		{"aggregate", newOpMsg(0, command("aggregate", "stays", "$db", town)), access{scope: scopeNone}},
		{"hello on admin", newOpMsg(0, command("hello", "1", "$db", "admin")), access{scope: scopeNone}},
		{"insert with its documents in a sequence", newOpMsg(0, insert, sequence("documents")), access{scope: scopeDatabase, db: town}},
		{"the sequence before the command", newOpMsg(0, sequence("documents"), insert), access{scope: scopeDatabase, db: town}},
		{"update", newOpMsg(0, command("update", "stays", "$db", town), sequence("updates")), access{scope: scopeDatabase, db: town}},
		{"findAndModify", newOpMsg(0, command("findAndModify", "stays", "$db", town)), access{scope: scopeDatabase, db: town}},
		{"delete", newOpMsg(0, command("delete", "stays", "$db", town)), access{scope: scopeDatabase, db: town}},
		{"dropDatabase", newOpMsg(0, command("dropDatabase", "1", "$db", town)), access{scope: scopeDatabase, db: town}},
		{"a command the proxy does not know", newOpMsg(0, command("frobnicate", "stays", "$db", town)), access{scope: scopeDatabase, db: town}},
		{"a write on admin, which may span databases", newOpMsg(0, command("renameCollection", town+".a", "$db", "admin")), access{scope: scopeServer}},
		{"a write without $db", newOpMsg(0, command("insert", "stays")), access{scope: scopeServer}},
		{"an unacknowledged write", newOpMsg(flagMoreToCome, insert), access{scope: scopeDatabase, db: town, noReply: true}},
		{"a checksummed write", newOpMsg(flagChecksumPresent, insert, []byte{1, 2, 3, 4}), access{scope: scopeDatabase, db: town}},
		{"OP_QUERY, FerretDB's handshake only", message(opQuery, []byte("anything")), access{scope: scopeNone}},
		{"OP_COMPRESSED", message(2012, []byte("anything")), access{scope: scopeServer}},
		{"a body without sections", message(opMsg, []byte{0, 0, 0, 0}), access{scope: scopeServer}},
		{"a command longer than the message", newOpMsg(0, insert[:len(insert)-3]), access{scope: scopeServer}},
		{"an unknown section kind", newOpMsg(0, []byte{7}), access{scope: scopeServer}},
		{"a header alone", message(opMsg, nil)[:headerLen-1], access{scope: scopeServer}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, classify(tc.msg))
		})
	}
}

// command builds a command document from alternating keys and string values.
func command(kv ...string) bsoncore.Document {
	idx, doc := bsoncore.AppendDocumentStart(nil)
	for i := 0; i < len(kv); i += 2 {
		doc = bsoncore.AppendStringElement(doc, kv[i], kv[i+1])
	}
	doc, _ = bsoncore.AppendDocumentEnd(doc, idx)
	return doc
}

// sequence builds a kind-1 section holding two small documents.
func sequence(id string) []byte {
	var docs []byte
	docs = append(docs, command("_id", "a")...)
	docs = append(docs, command("_id", "b")...)
	s := []byte{1}
	s = binary.LittleEndian.AppendUint32(s, uint32(4+len(id)+1+len(docs)))
	s = append(s, id...)
	s = append(s, 0)
	return append(s, docs...)
}

// newOpMsg builds an OP_MSG; a bsoncore.Document part becomes a kind-0 section, any other part is
// copied as it is.
func newOpMsg(flags uint32, parts ...any) []byte {
	body := binary.LittleEndian.AppendUint32(nil, flags)
	for _, p := range parts {
		switch p := p.(type) {
		case bsoncore.Document:
			body = append(append(body, 0), p...)
		case []byte:
			body = append(body, p...)
		}
	}
	return message(opMsg, body)
}

func message(opcode uint32, body []byte) []byte {
	m := binary.LittleEndian.AppendUint32(nil, uint32(headerLen+len(body)))
	m = binary.LittleEndian.AppendUint32(m, 1) // requestID
	m = binary.LittleEndian.AppendUint32(m, 0) // responseTo
	m = binary.LittleEndian.AppendUint32(m, opcode)
	return append(m, body...)
}
