package http

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCommunityPage_ShowsAPortraitOnlyWhereTheBoardHasOne(t *testing.T) {
	t.Parallel()
	var pc publicCommunity
	require.NoError(t, json.Unmarshal([]byte(`{"community":{"code":"130624100201","name":"城厢村"},"cadres":[
		{"id":"c1","name":"张三","phone":"13800000000","portrait":true},
		{"id":"c2","name":"李四","phone":"13900000000","portrait":false},
		{"id":"a\"b/../x","name":"王五","portrait":true}]}`), &pc))
	var out bytes.Buffer
	require.NoError(t, pageTemplates["community"].ExecuteTemplate(&out, "layout",
		communityPage{Title: "城厢村", Town: "130624100", TownName: "城关镇", publicCommunity: pc}))
	html := out.String()
	require.Contains(t, html, `<img class="portrait" src="/api/v1/public/towns/130624100/communities/130624100201/cadres/c1/portrait" alt="张三"`)
	require.NotContains(t, html, "/cadres/c2/portrait", "no image without a portrait")
	require.NotContains(t, html, `a"b`, "an id is escaped in the address")
	require.Equal(t, 2, bytes.Count(out.Bytes(), []byte(`class="portrait"`)))
}
