package contactlist_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/auth"
	"dundian.local/libs/calendar"
	"dundian.local/services/personnel/internal/domain/contactlist"
)

const town = "130624100"

func contact(t *testing.T, k contactlist.Kind) contactlist.Contact {
	t.Helper()
	hardship := ""
	if k == contactlist.HardshipHousehold {
		hardship = "低保户"
	}
	c, err := contactlist.NewContact(k, "联系人"+k.Zh(), "13912345678", "城厢村一组", "", hardship)
	require.NoError(t, err)
	return c
}

func full(t *testing.T) contactlist.List {
	t.Helper()
	l := contactlist.New(town, "c1", 2026)
	for _, k := range contactlist.Kinds {
		require.NoError(t, l.Set(contact(t, k), "c1", time.Now()))
	}
	return l
}

func deadline(t *testing.T) calendar.Deadline {
	t.Helper()
	cal, err := calendar.New(calendar.DefaultProgramme(2026), calendar.Published())
	require.NoError(t, err)
	d, err := contactlist.Deadline(cal, town)
	require.NoError(t, err)
	return d
}

func TestNewContact_Rules(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		kind                   contactlist.Kind
		name, tel, addr, hards string
		want                   error
	}{
		"valid":                   {contactlist.OrgLeader, "王五", "13912345678", "一组", "", nil},
		"a sixth kind":            {"village_doctor", "王五", "13912345678", "一组", "", contactlist.ErrKindUnknown},
		"no name":                 {contactlist.OrgLeader, " ", "13912345678", "一组", "", contactlist.ErrNameRequired},
		"bad phone":               {contactlist.OrgLeader, "王五", "139", "一组", "", contactlist.ErrPhoneInvalid},
		"no address":              {contactlist.OrgLeader, "王五", "13912345678", "", "", contactlist.ErrAddressRequired},
		"hardship without status": {contactlist.HardshipHousehold, "王五", "13912345678", "一组", "", contactlist.ErrHardshipRequired},
		"status on another kind":  {contactlist.WealthLeader, "王五", "13912345678", "一组", "低保户", contactlist.ErrHardshipRequired},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := contactlist.NewContact(tc.kind, tc.name, tc.tel, tc.addr, "", tc.hards)
			if tc.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tc.want)
		})
	}
}

func TestSubmit_NeedsExactlyTheFiveKinds(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 4, 1, 10, 0, 0, 0, calendar.Beijing)
	four := contactlist.New(town, "c1", 2026)
	for _, k := range contactlist.Kinds[:4] {
		require.NoError(t, four.Set(contact(t, k), "c1", at))
	}
	err := four.Submit(at, deadline(t))
	require.ErrorIs(t, err, contactlist.ErrIncomplete)
	require.Contains(t, err.Error(), "wealth_leader")

	l := full(t)
	again := contact(t, contactlist.OrgLeader)
	require.NoError(t, l.Set(again, "c1", at), "setting a kind twice keeps one contact of it")
	require.Len(t, l.Contacts, 5)
	require.NoError(t, l.Submit(at, deadline(t)))
	require.Equal(t, contactlist.Submitted, l.Status)
	require.ErrorIs(t, l.Set(again, "c1", at), contactlist.ErrNotEditable)
}

func TestSubmit_DeadlineIsTheEndOf15AprilBeijingTime(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		at   time.Time
		late bool
	}{
		"23:59 on 15 April":          {time.Date(2026, 4, 15, 23, 59, 0, 0, calendar.Beijing), false},
		"00:01 on 16 April":          {time.Date(2026, 4, 16, 0, 1, 0, 0, calendar.Beijing), true},
		"15:59 UTC is 23:59 Beijing": {time.Date(2026, 4, 15, 15, 59, 0, 0, time.UTC), false},
		"16:01 UTC is 00:01 Beijing": {time.Date(2026, 4, 15, 16, 1, 0, 0, time.UTC), true},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			l := full(t)
			require.NoError(t, l.Submit(tc.at, deadline(t)))
			require.Equal(t, tc.late, l.Late)
		})
	}
}

func TestWorkflow_ReturnNeedsACommentAndReplacingKeepsHistory(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 4, 1, 10, 0, 0, 0, calendar.Beijing)
	l := full(t)
	require.ErrorIs(t, l.Accept("office", at), contactlist.ErrNotSubmitted)
	require.NoError(t, l.Submit(at, deadline(t)))
	require.ErrorIs(t, l.Return(" ", "office", at), contactlist.ErrCommentRequired)
	require.NoError(t, l.Return("困难户住址不详", "office", at))
	require.Equal(t, contactlist.Returned, l.Status)

	other, err := contactlist.NewContact(contactlist.HardshipHousehold, "赵六", "13700001111", "城厢村二组", "", "监测户")
	require.NoError(t, err)
	require.NoError(t, l.Set(other, "c1", at))
	require.Len(t, l.History, 1)
	require.Equal(t, "联系人困难户", l.History[0].Contact.Name)
	require.NoError(t, l.Submit(at, deadline(t)))
	require.Empty(t, l.Comment)
	require.NoError(t, l.Accept("office", at))
	require.Equal(t, contactlist.Accepted, l.Status)
}

func TestSeenBy_MasksPerRole(t *testing.T) {
	t.Parallel()
	l := full(t)
	for name, tc := range map[string]struct {
		p                    auth.Principal
		phone, hardshipPhone string
		hardship             string
		mayReveal            bool
	}{
		"the cadre":        {auth.Principal{Role: auth.Cadre, CadreID: "c1"}, "13912345678", "13912345678", "低保户", true},
		"town office":      {auth.Principal{Role: auth.TownAdmin}, "139****5678", "139****5678", "低保户", true},
		"county admin":     {auth.Principal{Role: auth.CountyAdmin}, "139****5678", "139****5678", "低保户", true},
		"town leader":      {auth.Principal{Role: auth.TownLeader}, "139****5678", "139****5678", "", false},
		"county inspector": {auth.Principal{Role: auth.CountyInspector}, "139****5678", "139****5678", "", false},
		"another cadre":    {auth.Principal{Role: auth.Cadre, CadreID: "c2"}, "139****5678", "139****5678", "", false},
		"branch secretary": {auth.Principal{Role: auth.BranchSecretary}, "139****5678", "", "", false},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			seen := l.SeenBy(tc.p)
			org, _ := seen.Contact(contactlist.OrgLeader)
			require.Equal(t, tc.phone, org.Phone)
			h, _ := seen.Contact(contactlist.HardshipHousehold)
			require.Equal(t, tc.hardshipPhone, h.Phone)
			require.Equal(t, tc.hardship, h.Hardship)
			require.Equal(t, tc.mayReveal, contactlist.MayReveal(tc.p, l))
		})
	}
	h, _ := l.Contact(contactlist.HardshipHousehold)
	require.Equal(t, "13912345678", h.Phone, "masking a copy leaves the list whole")
}

func TestEvent_CarriesNoContactDetails(t *testing.T) {
	t.Parallel()
	l := full(t)
	ev := l.Event()
	require.Equal(t, []string{"org_leader", "veteran_member", "people_rep", "hardship_household", "wealth_leader"}, ev.Kinds)
	require.Equal(t, "draft", ev.Status)
}
