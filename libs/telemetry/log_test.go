package telemetry

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel"

	"dundian.local/libs/tenancy"
)

type resident struct {
	Name     string
	Hardship string
	Note     string
	Contacts []map[string]string
}

type phoneValue struct{ number string }

func (p phoneValue) LogValue() slog.Value { return slog.StringValue("tel " + p.number) }

func TestLogHandler_PersonalData_NeverInLine(t *testing.T) {
	t.Parallel()
	// Every phone number below is one of these, in one spelling or another.
	phones := []string{"13812345678", "13912345678"}
	tests := []struct {
		name string
		log  func(*slog.Logger)
		want []string // what the line shows instead
	}{
		{
			name: "in the message",
			log:  func(l *slog.Logger) { l.Info("call 13812345678 back") },
			want: []string{`"msg":"call 138****5678 back"`},
		},
		{
			name: "in a string attribute",
			log:  func(l *slog.Logger) { l.Info("visit", "note", "resident 13912345678 asked") },
			want: []string{`"note":"resident 139****5678 asked"`},
		},
		{
			name: "in a nested group",
			log: func(l *slog.Logger) {
				l.Info("visit", slog.Group("resident", slog.Group("contact", slog.String("tel", "13812345678"))))
			},
			want: []string{`"resident":{"contact":{"tel":"138****5678"}}`},
		},
		{
			name: "in an error",
			log: func(l *slog.Logger) {
				l.Error("insert failed", "err", fmt.Errorf(`dup key: { phone: "13812345678" }`))
			},
			want: []string{`"err":"dup key: { phone: \"138****5678\" }"`},
		},
		{
			name: "with +86 and spaces",
			log:  func(l *slog.Logger) { l.Info("callback to +86 138 1234 5678 and 0086-13912345678") },
			want: []string{`callback to +86 138****5678 and 0086 139****5678`},
		},
		{
			name: "with dashes, next to Chinese text",
			log:  func(l *slog.Logger) { l.Info("联系电话138-1234-5678，已回访") },
			want: []string{`联系电话138****5678，已回访`},
		},
		{
			name: "as a number",
			log:  func(l *slog.Logger) { l.Info("visit", "n", int64(13812345678)) },
			want: []string{`"n":"138****5678"`},
		},
		{
			name: "behind a LogValuer",
			log:  func(l *slog.Logger) { l.Info("visit", "contact", phoneValue{"13812345678"}) },
			want: []string{`"contact":"tel 138****5678"`},
		},
		{
			name: "inside a struct, which also has a hardship field",
			log: func(l *slog.Logger) {
				l.Info("visit", "resident", resident{Name: "王某", Hardship: "低保户", Note: "tel 13812345678",
					Contacts: []map[string]string{{"Mobile": "13912345678", "relation": "son"}}})
			},
			want: []string{`"Hardship":"[redacted]"`, `"Note":"tel 138****5678"`, `"Mobile":"[redacted]"`, `"relation":"son"`},
		},
		{
			name: "under a key that names it, whatever the value",
			log: func(l *slog.Logger) {
				l.Info("visit", "phone", "13812345678", "MOBILE", "13912345678", "contactPhone", 13812345678,
					"idCard", "110101199003071234", "hardship", "低保户", "id_card", "x")
			},
			want: []string{`"phone":"[redacted]"`, `"MOBILE":"[redacted]"`, `"contactPhone":"[redacted]"`,
				`"idCard":"[redacted]"`, `"hardship":"[redacted]"`, `"id_card":"[redacted]"`},
		},
		{
			name: "in With attributes and groups",
			log: func(l *slog.Logger) {
				l.With("tel", "13812345678").WithGroup("req").With("phone", "x").Info("visit", "to", "13912345678")
			},
			want: []string{`"tel":"138****5678","req":{"phone":"[redacted]","to":"139****5678"}`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			tt.log(slog.New(NewLogHandler(&buf, slog.LevelDebug)))
			line := buf.String()
			for _, p := range phones {
				for _, spelled := range []string{p, p[:3] + " " + p[3:7] + " " + p[7:], p[:3] + "-" + p[3:7] + "-" + p[7:], p[:7]} {
					require.NotContains(t, line, spelled)
				}
			}
			require.NotContains(t, line, "低保户")
			for _, w := range tt.want {
				require.Contains(t, line, w)
			}
		})
	}
}

func TestMaskPersonal(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"13812345678", "138****5678"},
		{"id 110101199003071234 on file", "id 110***********1234 on file"},
		{"id 13062419900307123X", "id 130***********123X"},
		{"8613812345678", "86 138****5678"},
		// Not personal data: longer numbers, hex ids, short codes.
		{"offset 1381234567890123456", "offset 1381234567890123456"},
		{"trace 4bf92f3577b34da6a3ce929d0e0e4736", "trace 4bf92f3577b34da6a3ce929d0e0e4736"},
		{"town 130624100", "town 130624100"},
		{"12812345678", "12812345678"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, maskPersonal(tt.in))
		})
	}
}

func TestLogHandler_ContextIDs_AtTopLevel(t *testing.T) {
	t.Parallel()
	ctx, span := otel.Tracer("test").Start(t.Context(), "handler")
	defer span.End()
	ctx = tenancy.WithTown(ctx, "130624100")
	var buf bytes.Buffer
	slog.New(NewLogHandler(&buf, slog.LevelInfo)).WithGroup("req").InfoContext(ctx, "stay recorded", "days", 3)

	var line map[string]any
	require.NoError(t, json.Unmarshal(buf.Bytes(), &line))
	require.Equal(t, span.SpanContext().TraceID().String(), line["trace_id"])
	require.Equal(t, span.SpanContext().SpanID().String(), line["span_id"])
	require.Equal(t, "130624100", line["town"])
	require.Equal(t, map[string]any{"days": float64(3)}, line["req"])
}

func TestLogHandler_NoContextIDs_NoFields(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	slog.New(NewLogHandler(&buf, slog.LevelInfo)).Info("started")
	require.NotContains(t, buf.String(), "trace_id")
	require.NotContains(t, buf.String(), "town")
}

func TestLogHandler_Level(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	l := slog.New(NewLogHandler(&buf, slog.LevelWarn))
	l.Info("hidden")
	l.Warn("shown")
	require.Equal(t, 1, strings.Count(buf.String(), "\n"))
	require.Contains(t, buf.String(), "shown")
}

func TestParseLevel(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in     string
		want   slog.Level
		wantOK bool
	}{
		{"", slog.LevelInfo, true},
		{"debug", slog.LevelDebug, true},
		{"INFO", slog.LevelInfo, true},
		{"warn", slog.LevelWarn, true},
		{"Warning", slog.LevelWarn, true},
		{"error", slog.LevelError, true},
		{"verbose", slog.LevelInfo, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, ok := parseLevel(tt.in)
			require.Equal(t, tt.want, got)
			require.Equal(t, tt.wantOK, ok)
		})
	}
}
