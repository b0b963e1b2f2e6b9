// Package town is the tenant registry's entity: a town (乡镇/街道) named by its 9-digit
// division code, with the communities it was imported with. Personnel owns communities once
// they exist; the list kept here is the one the county imported, sent with the town's events.
package town

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"dundian.local/libs/errs"
	"dundian.local/libs/tenancy"
)

// Status of a town in the registry.
type Status string

const (
	Active   Status = "active"
	Archived Status = "archived" // read-only: kept for the record, no new data
)

// MaxNameLen bounds town, county and community names (the longest official names are far shorter).
const MaxNameLen = 60

// Community is a village or community (村/社区) as the division-code list names it.
type Community struct {
	Code tenancy.CommunityCode `json:"code" bson:"code"`
	Name string                `json:"name" bson:"name"`
}

// Town is one tenant.
type Town struct {
	Code        tenancy.TownCode   `json:"code" bson:"_id"`
	Name        string             `json:"name" bson:"name"`
	County      tenancy.CountyCode `json:"county" bson:"county"`
	CountyName  string             `json:"countyName" bson:"countyName"`
	Status      Status             `json:"status" bson:"status"`
	Communities []Community        `json:"communities" bson:"communities"`
	CreatedAt   time.Time          `json:"createdAt" bson:"createdAt"`
	ArchivedAt  *time.Time         `json:"archivedAt,omitempty" bson:"archivedAt,omitempty"`
	Rev         int64              `json:"rev" bson:"rev"`
}

// Summary is a town as a list shows it: its communities counted, not listed.
type Summary struct {
	Code        tenancy.TownCode
	Name        string
	County      tenancy.CountyCode
	CountyName  string
	Status      Status
	Communities int
	CreatedAt   time.Time
	ArchivedAt  *time.Time
}

// Summary returns the town as a list shows it.
func (t Town) Summary() Summary {
	return Summary{Code: t.Code, Name: t.Name, County: t.County, CountyName: t.CountyName, Status: t.Status,
		Communities: len(t.Communities), CreatedAt: t.CreatedAt, ArchivedAt: t.ArchivedAt}
}

var (
	ErrNotFound = errs.NotFound("town-not-found",
		"no such town", "找不到该乡镇")
	ErrExists = errs.Conflict("town-exists",
		"a town with this code exists already", "该乡镇代码已存在")
	ErrArchived = errs.Conflict("town-archived",
		"the town is archived; its data can be read but not changed", "该乡镇已归档，只能查看，不能修改")
	ErrAlreadyArchived = errs.Conflict("town-already-archived",
		"the town is archived already", "该乡镇已经归档")
	ErrInvalid = errs.Invalid("town-invalid",
		"the town's details are not valid", "乡镇信息填写有误")
	ErrEraseNotConfirmed = errs.Invalid("erase-not-confirmed",
		"type the town's name exactly to confirm the erasure", "请准确输入乡镇名称以确认删除")
)

// New validates a town and its communities. Every community code must start with the town's
// code; codes must be unique; names must be present.
func New(code tenancy.TownCode, name, countyName string, communities []Community, now time.Time) (Town, error) {
	t := Town{
		Code:        code,
		Name:        strings.TrimSpace(name),
		County:      code.County(),
		CountyName:  strings.TrimSpace(countyName),
		Status:      Active,
		Communities: slices.Clone(communities),
		CreatedAt:   now.UTC().Truncate(time.Millisecond),
	}
	if t.Communities == nil {
		t.Communities = []Community{}
	}
	if err := t.validate(); err != nil {
		return Town{}, err
	}
	return t, nil
}

func (t Town) validate() error {
	var fields []errs.FieldError
	add := func(field, slug, en, zh string) {
		fields = append(fields, errs.FieldError{Field: field, Slug: slug, Message: en, Zh: zh})
	}
	if _, err := tenancy.ParseTown(string(t.Code)); err != nil {
		add("code", "towncode", "must be a 9-digit town code", "乡镇代码应为 9 位数字")
	}
	checkName := func(field, v string) {
		switch {
		case v == "":
			add(field, "required", "is required", "必填")
		case utf8.RuneCountInString(v) > MaxNameLen:
			add(field, "max", "is too long", "名称过长")
		}
	}
	checkName("name", t.Name)
	checkName("countyName", t.CountyName)
	seen := map[tenancy.CommunityCode]bool{}
	for i, c := range t.Communities {
		f := "communities[" + strconv.Itoa(i) + "]"
		if _, err := tenancy.ParseCommunity(string(c.Code)); err != nil {
			add(f+".code", "communitycode", "must be a 12-digit community code", "村（社区）代码应为 12 位数字")
			continue
		}
		if c.Code.Town() != t.Code {
			add(f+".code", "not-in-town", "the community does not belong to this town", "该村（社区）不属于本乡镇")
		}
		if seen[c.Code] {
			add(f+".code", "duplicate", "the community is listed twice", "该村（社区）重复出现")
		}
		seen[c.Code] = true
		checkName(f+".name", strings.TrimSpace(c.Name))
	}
	if len(fields) > 0 {
		return ErrInvalid.WithFields(fields...)
	}
	return nil
}

// Active reports whether the town accepts changes.
func (t Town) Active() bool { return t.Status == Active }

// Archive makes the town read-only.
func (t Town) Archive(now time.Time) (Town, error) {
	if t.Status == Archived {
		return Town{}, ErrAlreadyArchived
	}
	at := now.UTC().Truncate(time.Millisecond)
	t.Status, t.ArchivedAt = Archived, &at
	return t, nil
}

// AddCommunities adds the communities the town does not have yet and returns the town and the
// added ones. A community the town has keeps its name: once created, personnel owns it.
func (t Town) AddCommunities(incoming []Community) (Town, []Community) {
	have := make(map[tenancy.CommunityCode]bool, len(t.Communities))
	for _, c := range t.Communities {
		have[c.Code] = true
	}
	var added []Community
	for _, c := range incoming {
		if !have[c.Code] {
			have[c.Code] = true
			added = append(added, c)
		}
	}
	if len(added) == 0 {
		return t, nil
	}
	t.Communities = append(slices.Clone(t.Communities), added...)
	return t, added
}

// ConfirmErase checks the typed confirmation: the town's exact name.
func (t Town) ConfirmErase(confirm string) error {
	if strings.TrimSpace(confirm) != t.Name {
		return ErrEraseNotConfirmed
	}
	return nil
}
