// Package community holds the contact point (联系点): a village or community of a town where
// cadres are stationed.
package community

import (
	"strings"
	"unicode/utf8"

	"dundian.local/libs/errs"
	"dundian.local/libs/tenancy"
)

// Community is a contact point. Its code is its national 12-digit division code.
type Community struct {
	Code      tenancy.CommunityCode `json:"code" bson:"_id"`
	Town      tenancy.TownCode      `json:"town" bson:"town"`
	Name      string                `json:"name" bson:"name"`
	Branch    string                `json:"branch,omitempty" bson:"branch,omitempty"`       // host party branch (党支部)
	Secretary string                `json:"secretary,omitempty" bson:"secretary,omitempty"` // branch secretary's name
	// DemonstrationPoint (示范点, L1) is set only from assessment's designation event.
	DemonstrationPoint bool  `json:"demonstrationPoint" bson:"demonstrationPoint"`
	Archived           bool  `json:"archived" bson:"archived"`
	Rev                int64 `json:"rev" bson:"rev"`
}

const maxName = 60

var (
	ErrNotInTown = errs.Invalid("community-not-in-town",
		"a community's code must start with its town's code",
		"社区（村）代码的前9位必须是本乡镇的代码")
	ErrNameRequired = errs.Invalid("community-name-required",
		"a community needs a name of at most 60 characters",
		"请填写社区（村）名称，最多60个字")
	ErrExists = errs.Conflict("community-exists",
		"a community with this code already exists in the town",
		"本乡镇已有该代码的社区（村）")
	ErrNotFound = errs.NotFound("community-not-found",
		"no such community in this town",
		"本乡镇没有该社区（村）")
	ErrArchived = errs.Conflict("community-archived",
		"the community is archived; restore it before changing it",
		"该社区（村）已归档，请先恢复再修改")
)

// New validates a community of town.
func New(town tenancy.TownCode, code tenancy.CommunityCode, name, branch, secretary string) (Community, error) {
	c := Community{Code: code, Town: town}
	if code.Town() != town {
		return Community{}, ErrNotInTown
	}
	if err := c.rename(name); err != nil {
		return Community{}, err
	}
	c.Branch = clip(branch)
	c.Secretary = clip(secretary)
	return c, nil
}

// Changes are the editable fields of a community; nil leaves a field as it is.
type Changes struct {
	Name      *string
	Branch    *string
	Secretary *string
	Archived  *bool
}

// Apply changes the community by the rules: an archived community can only be restored.
func (c *Community) Apply(ch Changes) error {
	if c.Archived && (ch.Archived == nil || *ch.Archived) {
		return ErrArchived
	}
	if ch.Name != nil {
		if err := c.rename(*ch.Name); err != nil {
			return err
		}
	}
	if ch.Branch != nil {
		c.Branch = clip(*ch.Branch)
	}
	if ch.Secretary != nil {
		c.Secretary = clip(*ch.Secretary)
	}
	if ch.Archived != nil {
		c.Archived = *ch.Archived
	}
	return nil
}

func (c *Community) rename(name string) error {
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > maxName {
		return ErrNameRequired
	}
	c.Name = name
	return nil
}

func clip(s string) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > maxName {
		s = string([]rune(s)[:maxName])
	}
	return s
}

// Public is what the community's public page may show of it (S2).
type Public struct {
	Code               tenancy.CommunityCode `json:"code"`
	Name               string                `json:"name"`
	DemonstrationPoint bool                  `json:"demonstrationPoint"`
}

// Public returns the publicly shown fields.
func (c Community) Public() Public {
	return Public{Code: c.Code, Name: c.Name, DemonstrationPoint: c.DemonstrationPoint}
}
