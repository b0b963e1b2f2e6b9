package telemetry

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"regexp"
	"strconv"
	"strings"

	"go.opentelemetry.io/otel/trace"

	"dundian.local/libs/tenancy"
)

// Logger returns the process logger: JSON lines on stdout at the level LOG_LEVEL names
// (debug, info, warn, error; info when unset), each line with the service name and, when the
// context has them, trace_id, span_id and town. Personal data is masked on the way out; see
// [NewLogHandler].
func Logger(service string) *slog.Logger {
	raw := os.Getenv("LOG_LEVEL")
	level, ok := parseLevel(raw)
	log := slog.New(NewLogHandler(os.Stdout, level)).With(slog.String("service", service))
	if !ok {
		log.Warn("LOG_LEVEL not understood, logging at info", slog.String("LOG_LEVEL", raw))
	}
	return log
}

// parseLevel reads a LOG_LEVEL value; an empty or unknown one means info.
func parseLevel(s string) (slog.Level, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "debug":
		return slog.LevelDebug, true
	case "", "info":
		return slog.LevelInfo, true
	case "warn", "warning":
		return slog.LevelWarn, true
	case "error":
		return slog.LevelError, true
	}
	return slog.LevelInfo, false
}

// NewLogHandler returns a JSON handler writing to w that adds trace_id, span_id and town from
// the context and keeps personal data out of the log, because a log is read by far more people
// than the data it comes from:
//   - attributes whose key names a phone, mobile, ID card or hardship status (phone, mobile,
//     idCard, hardship; any case, also inside a longer key such as contactPhone) are
//     replaced by "[redacted]", in groups and inside structs and maps too;
//   - anywhere else, in the message, attribute values and error text, a mainland mobile
//     number is masked to 138****5678 and an 18-character resident ID number to
//     110***********1234.
func NewLogHandler(w io.Writer, level slog.Leveler) slog.Handler {
	return &logHandler{
		inner:  slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level}),
		groups: []logGroup{{}},
	}
}

// logHandler keeps the attributes and groups of With and WithGroup itself rather than
// handing them to the JSON handler, so that the context's trace_id, span_id and town always
// land at the top level of a line, even from a logger inside a group.
type logHandler struct {
	inner  slog.Handler
	groups []logGroup // the top level first, then each open group
}

type logGroup struct {
	name  string
	attrs []slog.Attr
}

func (h *logHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.inner.Enabled(ctx, level)
}

func (h *logHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	if len(attrs) == 0 {
		return h
	}
	groups := append([]logGroup(nil), h.groups...)
	last := &groups[len(groups)-1]
	last.attrs = append(append([]slog.Attr(nil), last.attrs...), redactAttrs(attrs)...)
	return &logHandler{inner: h.inner, groups: groups}
}

func (h *logHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	groups := append(append([]logGroup(nil), h.groups...), logGroup{name: name})
	return &logHandler{inner: h.inner, groups: groups}
}

func (h *logHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, maskPersonal(r.Message), r.PC)
	if ctx != nil {
		if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
			out.AddAttrs(slog.String("trace_id", sc.TraceID().String()), slog.String("span_id", sc.SpanID().String()))
		}
		if town, err := tenancy.TownFrom(ctx); err == nil {
			out.AddAttrs(slog.String("town", string(town)))
		}
	}

	// Nest from the innermost group outwards: the record's own attributes belong to the
	// group opened last.
	attrs := make([]slog.Attr, 0, r.NumAttrs())
	r.Attrs(func(a slog.Attr) bool {
		attrs = append(attrs, redactAttr(a))
		return true
	})
	for i := len(h.groups) - 1; i >= 0; i-- {
		g := h.groups[i]
		attrs = append(append([]slog.Attr(nil), g.attrs...), attrs...)
		if i > 0 {
			attrs = []slog.Attr{{Key: g.name, Value: slog.GroupValue(attrs...)}}
		}
	}
	out.AddAttrs(attrs...)
	return h.inner.Handle(ctx, out)
}

const redacted = "[redacted]"

// sensitiveKeys are the parts of an attribute key that mark personal data, compared in lower
// case with separators removed.
var sensitiveKeys = []string{"phone", "mobile", "idcard", "hardship"}

func sensitiveKey(key string) bool {
	k := strings.ToLower(strings.NewReplacer("_", "", "-", "", ".", "", " ", "").Replace(key))
	for _, s := range sensitiveKeys {
		if strings.Contains(k, s) {
			return true
		}
	}
	return false
}

func redactAttrs(attrs []slog.Attr) []slog.Attr {
	out := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		out[i] = redactAttr(a)
	}
	return out
}

func redactAttr(a slog.Attr) slog.Attr {
	if sensitiveKey(a.Key) {
		return slog.String(a.Key, redacted)
	}
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, maskPersonal(v.String()))
	case slog.KindGroup:
		return slog.Attr{Key: a.Key, Value: slog.GroupValue(redactAttrs(v.Group())...)}
	case slog.KindInt64:
		return maskNumber(a.Key, v, strconv.FormatInt(v.Int64(), 10))
	case slog.KindUint64:
		return maskNumber(a.Key, v, strconv.FormatUint(v.Uint64(), 10))
	case slog.KindFloat64:
		return maskNumber(a.Key, v, strconv.FormatFloat(v.Float64(), 'f', -1, 64))
	case slog.KindAny:
		return slog.Attr{Key: a.Key, Value: redactAny(v.Any())}
	}
	return slog.Attr{Key: a.Key, Value: v}
}

// maskNumber keeps a number unless it is a phone number written as one.
func maskNumber(key string, v slog.Value, digits string) slog.Attr {
	if masked := maskPersonal(digits); masked != digits {
		return slog.String(key, masked)
	}
	return slog.Attr{Key: key, Value: v}
}

// redactAny cleans a value the JSON handler would marshal: an error becomes its masked text;
// a struct, map or slice is walked through its JSON form, so a Phone field or a number inside
// it is caught as at the top level.
func redactAny(x any) slog.Value {
	switch x := x.(type) {
	case nil:
		return slog.AnyValue(nil)
	case error:
		return slog.StringValue(maskPersonal(x.Error()))
	}
	b, err := json.Marshal(x)
	if err != nil {
		// The JSON handler will print its own error text for it, which holds no data.
		return slog.AnyValue(x)
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		return slog.AnyValue(x)
	}
	return slog.AnyValue(redactJSON(tree))
}

func redactJSON(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			if sensitiveKey(k) {
				v[k] = redacted
			} else {
				v[k] = redactJSON(e)
			}
		}
		return v
	case []any:
		for i, e := range v {
			v[i] = redactJSON(e)
		}
		return v
	case string:
		return maskPersonal(v)
	case json.Number:
		if masked := maskPersonal(v.String()); masked != v.String() {
			return masked
		}
		return v
	}
	return v
}

// personalData matches an 18-character resident ID number (group 1), or a mainland mobile
// number with an optional +86/0086/86 prefix and the usual 3-4-4 separators. The ID comes
// first so that an ID starting 13… is not taken for a phone number.
var personalData = regexp.MustCompile(`(\d{17}[\dXx])|(?:(?:\+|00)?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}`)

// maskPersonal masks every ID or mobile number in s that stands on its own: digits right
// before or after a match mean it is part of a longer number (an offset, a timestamp), which
// is left alone.
func maskPersonal(s string) string {
	matches := personalData.FindAllStringSubmatchIndex(s, -1)
	var b strings.Builder
	last := 0
	for _, m := range matches {
		start, end := m[0], m[1]
		if (start > 0 && isDigit(s[start-1])) || (end < len(s) && isDigit(s[end])) {
			continue
		}
		b.WriteString(s[last:start])
		if m[2] >= 0 {
			b.WriteString(maskID(s[start:end]))
		} else {
			b.WriteString(maskPhone(s[start:end]))
		}
		last = end
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// maskID and maskPhone keep the first three and last four digits: enough to tell two apart
// when debugging, not enough to find anyone.
func maskID(id string) string {
	return id[:3] + strings.Repeat("*", len(id)-7) + id[len(id)-4:]
}

// maskPhone masks the middle four of a phone number's last eleven digits, keeping a country
// prefix and dropping separators.
func maskPhone(m string) string {
	digits := make([]byte, 0, 15)
	for i := 0; i < len(m); i++ {
		if isDigit(m[i]) {
			digits = append(digits, m[i])
		}
	}
	prefix, core := string(digits[:len(digits)-11]), digits[len(digits)-11:]
	if prefix != "" {
		if m[0] == '+' {
			prefix = "+" + prefix
		}
		prefix += " "
	}
	return prefix + string(core[:3]) + "****" + string(core[7:])
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
