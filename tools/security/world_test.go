package security

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io"
	"math/big"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"dundian.local/libs/auth"
	"dundian.local/libs/testkit"
)

// townRoles are the roles bound to one town; county roles see every town by design.
var townRoles = []auth.Role{auth.TownAdmin, auth.TownLeader, auth.Cadre, auth.BranchSecretary}

// town is one tenant the suite filled with data through the gateway.
type town struct {
	code      string
	community string
	cadre     string // the stationed cadre's id
	year      string
	month     string // YYYY-MM, Beijing time

	tokens   map[auth.Role]string // a real login token per town role
	accounts map[auth.Role]string // account id per town role

	workLog, opinion, attachment, report string // ids of records in the town

	phones   []string // phone numbers written into the town's data
	hardship string   // the hardship status written on the one-links-five list
	// secrets is content only this town's records hold: names, texts, phones. Another
	// town's account must never see any of it.
	secrets []string
	// visible is the part of secrets the town's own office reads in plain text (phones and
	// hardship may be masked even for it).
	visible []string
}

// ids returns the town's record ids by the path parameter names that carry them.
func (tw *town) ids() map[string]string {
	return map[string]string{
		"town": tw.code, "community": tw.community, "cadre": tw.cadre, "year": tw.year, "month": tw.month,
		"log": tw.workLog, "diary": tw.workLog, "opinion": tw.opinion, "attachment": tw.attachment,
		"report": tw.report,
	}
}

var beijing = time.FixedZone("CST", 8*3600)

// newTown creates a town with a community, a linked cadre, one account per town role, a work
// log, a full one-links-five list (with a hardship household), an opinion, an attachment and
// a research report.
func (s *system) newTown(t *testing.T, label string) *town {
	t.Helper()
	code := string(testkit.NewTown(t))
	now := time.Now().In(beijing)
	tag := label + randHex(4)
	tw := &town{code: code, community: code + "201", year: fmt.Sprint(now.Year()), month: now.Format("2006-01"),
		tokens: map[auth.Role]string{}, accounts: map[auth.Role]string{}, hardship: "因病致贫" + tag}
	api := s.gateway + "/api/v1/towns/" + code
	must(t, http.StatusCreated, "POST", s.gateway+"/api/v1/towns", s.admin,
		map[string]any{"code": code, "name": label + "镇" + tag, "countyName": "安全县"})
	communityName := label + "村" + tag
	must(t, http.StatusCreated, "POST", api+"/communities", s.admin, map[string]any{"code": tw.community, "name": communityName})

	cadreName, cadrePhone := label+"干部"+tag, mobile()
	var cadre struct {
		ID string `json:"id"`
	}
	must(t, http.StatusCreated, "POST", api+"/cadres", s.admin,
		map[string]any{"name": cadreName, "unit": label + "单位" + tag, "post": "副书记", "phone": cadrePhone, "leadership": true}).json(t, &cadre)
	tw.cadre = cadre.ID
	must(t, http.StatusOK, "PUT", api+"/cadres/"+tw.cadre+"/assignments/"+tw.year, s.admin, map[string]any{"community": tw.community})

	password := "security-" + randHex(8)
	usernames := map[auth.Role]string{}
	for _, role := range townRoles {
		usernames[role] = "sec-" + string(role) + "-" + code
		body := map[string]any{"username": usernames[role], "displayName": label + string(role) + tag,
			"role": role, "town": code, "password": password}
		switch role {
		case auth.Cadre:
			body["cadreId"] = tw.cadre
		case auth.BranchSecretary:
			body["community"] = tw.community
		}
		var acc struct {
			ID string `json:"id"`
		}
		must(t, http.StatusCreated, "POST", s.gateway+"/api/v1/accounts", s.admin, body).json(t, &acc)
		tw.accounts[role] = acc.ID
	}
	// Logins check a slow password hash: do the four at once.
	tokens := make([]string, len(townRoles))
	failures := make([]error, len(townRoles))
	var wg sync.WaitGroup
	for i, role := range townRoles {
		wg.Go(func() { tokens[i], failures[i] = s.tryLogin(usernames[role], password) })
	}
	wg.Wait()
	for i, role := range townRoles {
		require.NoError(t, failures[i], "login as %s", role)
		tw.tokens[role] = tokens[i]
	}
	cadreTok, office := tw.tokens[auth.Cadre], tw.tokens[auth.TownAdmin]

	logText := label + "走访记录" + tag
	var rec struct {
		ID string `json:"id"`
	}
	must(t, http.StatusCreated, "POST", api+"/work-logs", cadreTok,
		map[string]any{"community": tw.community, "date": now.Format("2006-01-02"), "text": logText}).json(t, &rec)
	tw.workLog = rec.ID

	contactName := label + "联系人" + tag
	for _, kind := range []string{"org_leader", "veteran_member", "people_rep", "hardship_household", "wealth_leader"} {
		body := map[string]any{"name": contactName, "phone": mobile(), "address": label + "组" + tag}
		if kind == "hardship_household" {
			body["hardship"] = tw.hardship
		}
		tw.phones = append(tw.phones, body["phone"].(string))
		must(t, http.StatusOK, "PUT", api+"/cadres/"+tw.cadre+"/contact-lists/"+tw.year+"/contacts/"+kind, cadreTok, body)
	}

	opinionText, opinionPhone := label+"群众意见"+tag, mobile()
	must(t, http.StatusCreated, "POST", api+"/opinions", office, map[string]any{"community": tw.community,
		"source": "visit", "text": opinionText, "phone": opinionPhone}).json(t, &rec)
	tw.opinion = rec.ID

	tw.attachment = uuid.NewString()
	attachmentName := label + "照片" + tag
	must(t, http.StatusCreated, "PUT", api+"/attachments/"+tw.attachment+"?name="+attachmentName+".png", cadreTok, tinyPNG(t),
		"Content-Type", "image/png")

	reportTitle := label + "调研报告" + tag
	must(t, http.StatusCreated, "POST", api+"/research-reports", cadreTok,
		map[string]any{"community": tw.community, "title": reportTitle, "situation": label + "情况" + tag}).json(t, &rec)
	tw.report = rec.ID

	tw.phones = append(tw.phones, cadrePhone, opinionPhone)
	tw.visible = []string{tag, communityName, cadreName, logText, contactName, opinionText, attachmentName, reportTitle}
	tw.secrets = append(append([]string{tw.hardship}, tw.visible...), tw.phones...)
	return tw
}

// login signs in through the gateway's login route and returns the access token.
func (s *system) login(t *testing.T, username, password string) string {
	t.Helper()
	tok, err := s.tryLogin(username, password)
	require.NoError(t, err)
	return tok
}

// tryLogin is login for a goroutine other than the test's.
func (s *system) tryLogin(username, password string) (string, error) {
	body, err := json.Marshal(map[string]string{"username": username, "password": password})
	if err != nil {
		return "", err
	}
	resp, err := client.Post(s.gateway+"/api/v1/auth/login", "application/json", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out struct {
		Token string `json:"token"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(raw, &out) != nil || out.Token == "" {
		return "", fmt.Errorf("login %s: %d %s", username, resp.StatusCode, raw)
	}
	return out.Token, nil
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// mobile returns a random mainland mobile number (1[3-9] and nine digits).
func mobile() string {
	n, _ := rand.Int(rand.Reader, big.NewInt(1_000_000_000))
	return fmt.Sprintf("139%08d", n.Int64()%100_000_000)
}

func tinyPNG(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, png.Encode(&b, image.NewGray(image.Rect(0, 0, 2, 2))))
	return b.Bytes()
}
