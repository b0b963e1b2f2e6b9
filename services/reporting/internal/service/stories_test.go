package service_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/auth"
	"dundian.local/libs/testkit"
)

func TestStories_ApprovedOnesReachThePublicPage(t *testing.T) {
	t.Parallel()
	s := reporting(t)
	town := testkit.NewTown(t)
	base := fmt.Sprintf("/api/v1/towns/%s/stories", town)
	public := fmt.Sprintf("/api/v1/public/towns/%s/stories", town)
	leader := auth.Principal{AccountID: "leader", Role: auth.TownLeader, Town: town}
	publicItems := func() []map[string]any {
		r := s.Do(t, auth.Principal{}, http.MethodGet, public, nil)
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		var body struct{ Items []map[string]any }
		r.JSON(t, &body)
		return body.Items
	}

	body := map[string]any{"title": "扎根村里的好干部", "text": "三个月走访农户一百余户", "community": string(town) + "201", "logs": []string{"log1"}}
	require.Equal(t, http.StatusForbidden, s.Do(t, leader, http.MethodPost, base, body).Status)
	r := s.Do(t, office(town), http.MethodPost, base, body)
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var st struct{ ID, Status string }
	r.JSON(t, &st)
	require.Equal(t, "draft", st.Status)
	require.Empty(t, publicItems(), "a draft is not public")

	require.Equal(t, http.StatusForbidden, s.Do(t, office(town), http.MethodPost, base+"/"+st.ID+"/approve", nil).Status)
	require.Equal(t, http.StatusOK, s.Do(t, leader, http.MethodPost, base+"/"+st.ID+"/approve", nil).Status)
	require.Equal(t, http.StatusConflict, s.Do(t, leader, http.MethodPost, base+"/"+st.ID+"/approve", nil).Status)
	items := publicItems()
	require.Len(t, items, 1)
	require.Equal(t, "扎根村里的好干部", items[0]["title"])
	require.NotContains(t, items[0], "approvedBy", "the public page names no account")

	require.Equal(t, http.StatusOK, s.Do(t, office(town), http.MethodPost, base+"/"+st.ID+"/withdraw", nil).Status)
	require.Empty(t, publicItems())
	require.Equal(t, http.StatusForbidden, s.Do(t, cadre(town, "c1"), http.MethodGet, base, nil).Status)
}

func TestStories_AnEditThatClearsTheCommunityRemovesIt(t *testing.T) {
	t.Parallel()
	s := reporting(t)
	town := testkit.NewTown(t)
	base := fmt.Sprintf("/api/v1/towns/%s/stories", town)
	r := s.Do(t, office(town), http.MethodPost, base, map[string]any{"title": "院坝会上的承诺", "text": "一个月修好了机耕道", "community": string(town) + "201"})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var st struct{ ID string }
	r.JSON(t, &st)

	r = s.Do(t, office(town), http.MethodPut, base+"/"+st.ID, map[string]any{"title": "院坝会上的承诺", "text": "一个月修好了机耕道"})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	r = s.Do(t, office(town), http.MethodGet, base, nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var list struct{ Items []map[string]any }
	r.JSON(t, &list)
	require.Len(t, list.Items, 1)
	require.NotContains(t, list.Items[0], "community", "the stored story no longer names the community")
	require.EqualValues(t, 2, list.Items[0]["rev"])
}
