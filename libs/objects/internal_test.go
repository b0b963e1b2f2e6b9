package objects

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/stretchr/testify/require"
)

func TestLimitReader_PassesExactlyTheLimitAndFailsOneByteMore(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		size     int
		limit    int64
		oneByte  bool
		exceeded bool
	}{
		{"below", 99, 100, false, false},
		{"exactly", 100, 100, false, false},
		{"exactly, one byte per read", 100, 100, true, false},
		{"one byte more", 101, 100, false, true},
		{"one byte more, one byte per read", 101, 100, true, true},
		{"far more", 1 << 20, 100, false, true},
		{"empty", 0, 1, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var src io.Reader = bytes.NewReader(make([]byte, tc.size))
			if tc.oneByte {
				src = iotest.OneByteReader(src)
			}
			l := &limitReader{r: src, left: tc.limit}
			got, err := io.ReadAll(l)
			if tc.exceeded {
				require.ErrorIs(t, err, errLimit)
				require.True(t, l.exceeded)
				require.LessOrEqual(t, int64(len(got)), tc.limit)
				return
			}
			require.NoError(t, err)
			require.False(t, l.exceeded)
			require.Len(t, got, tc.size)
		})
	}
}

func TestHumanSize(t *testing.T) {
	t.Parallel()
	for in, want := range map[int64]string{
		20 << 20:   "20 MB",
		1536 << 10: "1.5 MB",
		512 << 10:  "512 KB",
		1500:       "1.5 KB",
		100:        "100 B",
	} {
		require.Equal(t, want, humanSize(in))
	}
}

func TestContentDisposition(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"report.pdf", `attachment; filename=report.pdf`},
		{"March report.pdf", `attachment; filename="March report.pdf"`},
		{"三月工作日志.pdf", `attachment; filename*=utf-8''%E4%B8%89%E6%9C%88%E5%B7%A5%E4%BD%9C%E6%97%A5%E5%BF%97.pdf`},
		{"../../etc/passwd", `attachment; filename=.._.._etc_passwd`},
		{"a\r\nSet-Cookie: x", `attachment; filename="a__Set-Cookie: x"`},
		{"  ", ""},
		{"", ""},
	} {
		require.Equal(t, tc.want, contentDisposition(tc.in), tc.in)
	}
}

func TestPresignTTL_IsCapped(t *testing.T) {
	t.Parallel()
	for in, want := range map[time.Duration]time.Duration{
		0:                DefaultPresignTTL,
		-time.Minute:     DefaultPresignTTL,
		time.Millisecond: time.Second,
		2 * time.Minute:  2 * time.Minute,
		time.Hour:        MaxPresignTTL,
	} {
		require.Equal(t, want, presignTTL(in), in)
	}
}

func TestConfigValidate_NamesEveryBadVariable(t *testing.T) {
	t.Parallel()
	c := Config{Bucket: "No_Such", PublicEndpoint: "ftp://files.example"}
	err := c.Validate()
	require.Error(t, err)
	for _, v := range []string{"S3_ENDPOINT", "S3_ACCESS_KEY", "S3_SECRET_KEY", "S3_BUCKET", "S3_PUBLIC_ENDPOINT"} {
		require.Contains(t, err.Error(), v)
	}
}

func TestConfig_DefaultsMakeAMinimalConfigValid(t *testing.T) {
	t.Parallel()
	c := Config{Endpoint: "127.0.0.1:9000", AccessKey: "k", SecretKey: "s"}
	c.setDefaults()
	require.NoError(t, c.Validate())
	require.Equal(t, "dundian", c.Bucket)
	require.Equal(t, "us-east-1", c.Region)
}

func TestParseEndpoint(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in       string
		useSSL   bool
		host     string
		secure   bool
		rejected bool
	}{
		{in: "minio:9000", host: "minio:9000"},
		{in: "minio:9000", useSSL: true, host: "minio:9000", secure: true},
		{in: "https://files.example.cn", host: "files.example.cn", secure: true},
		{in: "http://files.example.cn:8443/", useSSL: true, host: "files.example.cn:8443"},
		{in: "https://files.example.cn/s3", rejected: true},
		{in: "minio:9000/bucket", rejected: true},
		{in: "ftp://minio:9000", rejected: true},
		{in: "https://user:pw@minio", rejected: true},
	} {
		host, secure, err := parseEndpoint(tc.in, tc.useSSL)
		if tc.rejected {
			require.Error(t, err, tc.in)
			continue
		}
		require.NoError(t, err, tc.in)
		require.Equal(t, tc.host, host, tc.in)
		require.Equal(t, tc.secure, secure, tc.in)
	}
}

func TestValidMeta(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		meta map[string]string
		ok   bool
	}{
		{"none", nil, true},
		{"plain", map[string]string{"sha256": "ab12", "uploaded-by": "0190f7c2"}, true},
		{"upper-case key", map[string]string{"Sha256": "ab"}, false},
		{"key with underscore", map[string]string{"uploaded_by": "x"}, false},
		{"empty key", map[string]string{"": "x"}, false},
		{"Chinese value", map[string]string{"name": "日志"}, false},
		{"newline in value", map[string]string{"name": "a\nb"}, false},
		{"too large", map[string]string{"note": strings.Repeat("a", 2100)}, false},
	} {
		err := validMeta(tc.meta)
		if tc.ok {
			require.NoError(t, err, tc.name)
		} else {
			require.ErrorIs(t, err, ErrInvalidMeta, tc.name)
		}
	}
}
