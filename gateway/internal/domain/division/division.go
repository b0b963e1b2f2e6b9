// Package division reads a national division-code list (行政区划代码) as CSV: one row per
// village or community with its county and town, e.g.
//
//	province,city,county_code,county,town_code,town,village_code,village
//	河北省,保定市,130624,阜平县,130624100,阜平镇,130624100200,城厢村村民委员会
//
// The province and city columns are optional. Parse checks every row before anything is
// imported and names each bad row by its line, so that a county fixes its file in one go.
package division

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"dundian.local/libs/errs"
	"dundian.local/libs/tenancy"

	"dundian.local/gateway/internal/domain/town"
)

// Columns a file must have; province and city may also appear and are ignored.
const (
	colCountyCode  = "county_code"
	colCounty      = "county"
	colTownCode    = "town_code"
	colTown        = "town"
	colVillageCode = "village_code"
	colVillage     = "village"
)

var (
	required = []string{colCountyCode, colCounty, colTownCode, colTown, colVillageCode, colVillage}
	optional = []string{"province", "city"}
)

// MaxReported bounds the row errors kept; the count says how many there were in all.
const MaxReported = 500

// ErrBadFile is the error of a file with bad rows; its fields name them as
// "line[12].village_code" with a message that starts with the line number.
var ErrBadFile = errs.Invalid("division-file-invalid",
	"the division-code file has errors; nothing was imported", "区划代码文件有误，未导入任何数据")

// Town is one town of the file with its communities, in file order.
type Town struct {
	Code        tenancy.TownCode
	Name        string
	County      tenancy.CountyCode
	CountyName  string
	Communities []town.Community
	Line        int // where the town first appears
}

// List is a whole file, checked.
type List struct {
	Towns       []Town
	Communities int
}

// RowError is one problem with one row.
type RowError struct {
	Line    int    `json:"line" bson:"line"`
	Column  string `json:"column,omitempty" bson:"column,omitempty"`
	Code    string `json:"code" bson:"code"`
	Message string `json:"message" bson:"message"`
	Zh      string `json:"zh" bson:"zh"`
}

// Problems collects the row errors of a file.
type Problems struct {
	Rows  []RowError
	Total int
}

func (p *Problems) add(line int, column, code, en, zh string) {
	p.Total++
	if len(p.Rows) < MaxReported {
		p.Rows = append(p.Rows, RowError{Line: line, Column: column, Code: code, Message: en, Zh: zh})
	}
}

// Err is nil for a clean file, else ErrBadFile naming every reported row.
func (p *Problems) Err() error {
	if p.Total == 0 {
		return nil
	}
	fields := make([]errs.FieldError, 0, len(p.Rows)+1)
	for _, r := range p.Rows {
		field := fmt.Sprintf("line[%d]", r.Line)
		if r.Column != "" {
			field += "." + r.Column
		}
		fields = append(fields, errs.FieldError{
			Field:   field,
			Slug:    r.Code,
			Message: fmt.Sprintf("line %d: %s", r.Line, r.Message),
			Zh:      fmt.Sprintf("第 %d 行：%s", r.Line, r.Zh),
		})
	}
	if more := p.Total - len(p.Rows); more > 0 {
		fields = append(fields, errs.FieldError{
			Field: "file", Slug: "more-errors",
			Message: fmt.Sprintf("and %d more errors", more),
			Zh:      fmt.Sprintf("另有 %d 处错误未列出", more),
		})
	}
	return ErrBadFile.WithDetail(
		fmt.Sprintf("%d error(s)", p.Total), fmt.Sprintf("共 %d 处错误", p.Total)).WithFields(fields...)
}

// RowErrors returns the row errors inside an error from Parse, for a job record.
func RowErrors(err error) []RowError {
	var pe *problemsError
	if errors.As(err, &pe) {
		return pe.p.Rows
	}
	return nil
}

type problemsError struct {
	p   Problems
	err error
}

func (e *problemsError) Error() string { return e.err.Error() }
func (e *problemsError) Unwrap() error { return e.err }

// Parse reads and checks a whole file. A file with any bad row gives an error (ErrBadFile,
// with every bad row) and no list; a reader's own failure is returned as it is.
func Parse(r io.Reader) (List, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // checked per row, to report the line
	cr.ReuseRecord = true
	p := &parser{
		towns:     map[tenancy.TownCode]int{},
		counties:  map[tenancy.CountyCode]named{},
		villages:  map[tenancy.CommunityCode]int{},
		townNames: map[tenancy.TownCode]named{},
	}
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		p.problems.add(1, "", "empty-file", "the file is empty", "文件为空")
		return List{}, p.err()
	}
	var syntax *csv.ParseError
	if errors.As(err, &syntax) {
		p.problems.add(syntax.Line, "", "csv-syntax",
			"the header is not valid CSV", "表头不是有效的 CSV 格式")
		return List{}, p.err()
	}
	if err != nil {
		return List{}, err
	}
	if !p.header(header) {
		return List{}, p.err()
	}
	rows := 0
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var syntax *csv.ParseError
		if errors.As(err, &syntax) {
			// The reader goes on with the next record; report the row and check the rest.
			p.problems.add(syntax.Line, "", "csv-syntax",
				"the row is not valid CSV (check the quotes)", "该行不是有效的 CSV 格式（请检查引号）")
			continue
		}
		if err != nil {
			return List{}, err // the upload broke off or hit its size limit
		}
		line, _ := cr.FieldPos(0)
		rows++
		p.row(line, rec)
	}
	if rows == 0 {
		p.problems.add(2, "", "no-rows", "the file has a header but no rows", "文件只有表头，没有数据行")
	}
	if err := p.err(); err != nil {
		return List{}, err
	}
	return p.list, nil
}

type named struct {
	name string
	line int
}

type parser struct {
	cols      map[string]int
	list      List
	towns     map[tenancy.TownCode]int // index in list.Towns
	townNames map[tenancy.TownCode]named
	counties  map[tenancy.CountyCode]named
	villages  map[tenancy.CommunityCode]int // line
	problems  Problems
	errCache  error
}

func (p *parser) err() error {
	if p.problems.Total == 0 {
		return nil
	}
	if p.errCache == nil {
		p.errCache = &problemsError{p: p.problems, err: p.problems.Err()}
	}
	return p.errCache
}

func (p *parser) header(rec []string) bool {
	p.cols = map[string]int{}
	for i, h := range rec {
		h = strings.ToLower(strings.TrimSpace(h))
		if i == 0 {
			h = strings.TrimPrefix(h, "\ufeff") // Excel's "CSV UTF-8" starts with a BOM
		}
		switch {
		case !slices.Contains(required, h) && !slices.Contains(optional, h):
			p.problems.add(1, h, "unknown-column",
				fmt.Sprintf("unknown column %q; expected %s", h, strings.Join(required, ",")),
				fmt.Sprintf("无法识别的列“%s”，应包含列：%s", h, strings.Join(required, ",")))
		case p.cols[h] != 0:
			p.problems.add(1, h, "duplicate-column", "the column appears twice", "该列重复出现")
		default:
			p.cols[h] = i + 1 // 0 means absent
		}
	}
	for _, h := range required {
		if p.cols[h] == 0 {
			p.problems.add(1, h, "missing-column",
				fmt.Sprintf("the header has no column %q", h),
				fmt.Sprintf("表头缺少列“%s”", h))
		}
	}
	return p.problems.Total == 0
}

func (p *parser) field(rec []string, col string) string {
	return strings.TrimSpace(rec[p.cols[col]-1])
}

func (p *parser) row(line int, rec []string) {
	if len(rec) != len(p.cols) {
		p.problems.add(line, "", "column-count",
			fmt.Sprintf("expected %d columns, found %d", len(p.cols), len(rec)),
			fmt.Sprintf("应有 %d 列，实有 %d 列", len(p.cols), len(rec)))
		return
	}
	for _, v := range rec {
		if !utf8.ValidString(v) {
			p.problems.add(line, "", "not-utf8",
				"the file is not UTF-8; save it as \"CSV UTF-8\"",
				"文件不是 UTF-8 编码，请在 Excel 中另存为“CSV UTF-8（逗号分隔）”")
			return
		}
	}
	countyCode, county := p.field(rec, colCountyCode), p.field(rec, colCounty)
	townCode, townName := p.field(rec, colTownCode), p.field(rec, colTown)
	villageCode, village := p.field(rec, colVillageCode), p.field(rec, colVillage)
	bad := p.problems.Total

	cc, ok := digits(countyCode, 6)
	if !ok {
		p.problems.add(line, colCountyCode, "bad-code-length",
			fmt.Sprintf("county code %q must have 6 digits", countyCode),
			fmt.Sprintf("县代码“%s”应为 6 位数字", countyCode))
	}
	tc, err := tenancy.ParseTown(townCode)
	if err != nil {
		p.problems.add(line, colTownCode, "bad-code-length",
			fmt.Sprintf("town code %q must have 9 digits", townCode),
			fmt.Sprintf("乡镇代码“%s”应为 9 位数字", townCode))
	} else if ok && tc.County() != tenancy.CountyCode(cc) {
		p.problems.add(line, colTownCode, "town-not-in-county",
			fmt.Sprintf("town %s does not belong to county %s", tc, cc),
			fmt.Sprintf("乡镇代码 %s 不属于县 %s", tc, cc))
	}
	vc, verr := tenancy.ParseCommunity(villageCode)
	if verr != nil {
		p.problems.add(line, colVillageCode, "bad-code-length",
			fmt.Sprintf("village code %q must have 12 digits", villageCode),
			fmt.Sprintf("村（社区）代码“%s”应为 12 位数字", villageCode))
	} else if err == nil && vc.Town() != tc {
		p.problems.add(line, colVillageCode, "village-not-in-town",
			fmt.Sprintf("village %s does not belong to town %s", vc, tc),
			fmt.Sprintf("村（社区）代码 %s 不属于乡镇 %s", vc, tc))
	}
	for _, f := range []struct{ col, v, zh string }{
		{colCounty, county, "县名称"}, {colTown, townName, "乡镇名称"}, {colVillage, village, "村（社区）名称"},
	} {
		switch {
		case f.v == "":
			p.problems.add(line, f.col, "empty-name", f.col+" is empty", f.zh+"为空")
		case utf8.RuneCountInString(f.v) > town.MaxNameLen:
			p.problems.add(line, f.col, "name-too-long",
				fmt.Sprintf("%s is longer than %d characters", f.col, town.MaxNameLen),
				fmt.Sprintf("%s超过 %d 个字", f.zh, town.MaxNameLen))
		}
	}
	if verr == nil {
		if first, dup := p.villages[vc]; dup {
			p.problems.add(line, colVillageCode, "duplicate-code",
				fmt.Sprintf("village code %s appears already on line %d", vc, first),
				fmt.Sprintf("村（社区）代码 %s 与第 %d 行重复", vc, first))
		} else {
			p.villages[vc] = line
		}
	}
	if ok && county != "" {
		if prev, seen := p.counties[tenancy.CountyCode(cc)]; !seen {
			p.counties[tenancy.CountyCode(cc)] = named{county, line}
		} else if prev.name != county {
			p.problems.add(line, colCounty, "conflicting-name",
				fmt.Sprintf("county %s is named %q on line %d", cc, prev.name, prev.line),
				fmt.Sprintf("县代码 %s 在第 %d 行名为“%s”，此处为“%s”", cc, prev.line, prev.name, county))
		}
	}
	if err == nil && townName != "" {
		if prev, seen := p.townNames[tc]; !seen {
			p.townNames[tc] = named{townName, line}
		} else if prev.name != townName {
			p.problems.add(line, colTown, "conflicting-name",
				fmt.Sprintf("town %s is named %q on line %d", tc, prev.name, prev.line),
				fmt.Sprintf("乡镇代码 %s 在第 %d 行名为“%s”，此处为“%s”", tc, prev.line, prev.name, townName))
		}
	}
	if p.problems.Total > bad {
		return
	}
	i, seen := p.towns[tc]
	if !seen {
		i = len(p.list.Towns)
		p.towns[tc] = i
		p.list.Towns = append(p.list.Towns, Town{
			Code: tc, Name: strings.Clone(townName), County: tenancy.CountyCode(cc), CountyName: strings.Clone(county), Line: line,
		})
	}
	p.list.Towns[i].Communities = append(p.list.Towns[i].Communities, town.Community{Code: vc, Name: strings.Clone(village)})
	p.list.Communities++
}

func digits(s string, n int) (string, bool) {
	if len(s) != n {
		return s, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return s, false
		}
	}
	return strings.Clone(s), true
}
