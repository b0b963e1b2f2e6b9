package service_test

import (
	"bytes"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"dundian.local/libs/auth"
	"dundian.local/libs/testkit"
)

type countyListsJSON struct {
	Year  int `json:"year"`
	Towns []struct {
		Town                              string
		Cadres, Submitted, Accepted, Late int
		ForwardedAt                       *time.Time
	} `json:"towns"`
}

func TestCountyContactLists_ShowEveryKnownTownAndExportThem(t *testing.T) {
	t.Parallel()
	s := personnel(t)
	town := testkit.NewTown(t)
	townCreated(t, town, "城厢村")
	addCadre(t, s, town, "张三", true)
	addCadre(t, s, town, "李四", false)
	inspector := auth.Principal{AccountID: "insp", Role: auth.CountyInspector}
	path := "/api/v1/county/contact-lists/" + thisYear

	var row struct {
		Cadres, Submitted int
		ForwardedAt       *time.Time
	}
	testkit.Eventually(t, 60*time.Second, func() bool {
		r := s.Do(t, inspector, http.MethodGet, path, nil)
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		var view countyListsJSON
		r.JSON(t, &view)
		require.Equal(t, thisYear, strconv.Itoa(view.Year))
		for _, tw := range view.Towns {
			if tw.Town == string(town) {
				row.Cadres, row.Submitted, row.ForwardedAt = tw.Cadres, tw.Submitted, tw.ForwardedAt
				return true
			}
		}
		return false
	}, "a town the county created is listed before it forwards anything")
	require.Equal(t, 2, row.Cadres)
	require.Zero(t, row.Submitted)
	require.Nil(t, row.ForwardedAt, "not forwarded yet")

	r := s.Do(t, auth.Principal{AccountID: "county", Role: auth.CountyAdmin}, http.MethodGet, path+"?format=xlsx", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Equal(t, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", r.Header.Get("Content-Type"))
	f, err := excelize.OpenReader(bytes.NewReader(r.Body))
	require.NoError(t, err)
	rows, err := f.GetRows("一联五汇总")
	require.NoError(t, err)
	require.Equal(t, []string{"乡镇代码", "在岗干部", "已报送", "已通过", "逾期", "转报县级时间（北京时间）"}, rows[0])
	found := false
	for _, x := range rows[1:] {
		if x[0] == string(town) {
			found = true
			require.Equal(t, []string{string(town), "2", "0", "0", "0"}, x)
		}
	}
	require.True(t, found, "the town is in the workbook")

	require.Equal(t, http.StatusForbidden, s.Do(t, admin(town), http.MethodGet, path+"?format=xlsx", nil).Status)
}
