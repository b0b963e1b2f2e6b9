package http

import (
	"io"

	"dundian.local/libs/calendar"
	"dundian.local/libs/xlsx"
	"dundian.local/services/personnel/internal/app"
	"dundian.local/services/personnel/internal/domain/contactlist"
	"dundian.local/services/personnel/internal/domain/personalfile"
)

// ExportHeaders are the export's column headings, as the town office's form names them.
var ExportHeaders = []string{"干部姓名", "工作单位", "职务", "名单状态", "是否逾期", "联系对象类别", "姓名", "联系电话", "住址", "具体情况", "困难类型"}

var statusZh = map[contactlist.Status]string{
	contactlist.Draft: "草稿", contactlist.Submitted: "已报送", contactlist.Accepted: "已通过", contactlist.Returned: "已退回",
}

// writeXLSX writes the town's lists as one sheet, one row per contact person.
func writeXLSX(w io.Writer, e app.Export) error {
	rows := [][]any{xlsx.Row(ExportHeaders)}
	for _, l := range e.Lists {
		cd := e.Cadres[l.Cadre]
		late := "否"
		if l.Late {
			late = "是"
		}
		for _, c := range l.Contacts {
			rows = append(rows, []any{cd.Name, cd.Unit, cd.Post, statusZh[l.Status], late, c.Kind.Zh(),
				c.Name, c.Phone, c.Address, c.Details, c.Hardship})
		}
	}
	return xlsx.Write(w, "一联五名单", rows)
}

// CountyHeaders are the county forwarding view's column headings.
var CountyHeaders = []string{"乡镇代码", "在岗干部", "已报送", "已通过", "逾期", "转报县级时间（北京时间）"}

// writeCountyXLSX writes every town's one-links-five status of a year as one sheet.
func writeCountyXLSX(w io.Writer, l app.CountyLists) error {
	rows := [][]any{xlsx.Row(CountyHeaders)}
	for _, t := range l.Towns {
		at := ""
		if t.ForwardedAt != nil {
			at = t.ForwardedAt.In(calendar.Beijing).Format("2006-01-02 15:04")
		}
		rows = append(rows, []any{string(t.Town), t.Cadres, t.Submitted, t.Accepted, t.Late, at})
	}
	return xlsx.Write(w, "一联五汇总", rows)
}

// FileHeaders are the personal file export's column headings.
var FileHeaders = []string{"时间（北京时间）", "类别", "乡镇", "内容"}

var fileKindZh = map[personalfile.Kind]string{
	personalfile.Joined: "加入", personalfile.Transferred: "调动", personalfile.Assessment: "考核",
	personalfile.Criticism: "批评", personalfile.Recall: "召回",
}

// writeFileXLSX writes a personal file as one sheet, one row per entry, oldest first.
func writeFileXLSX(w io.Writer, name string, file personalfile.File) error {
	rows := [][]any{{name}, xlsx.Row(FileHeaders)}
	for _, e := range file.Entries {
		rows = append(rows, []any{e.At.In(calendar.Beijing).Format("2006-01-02 15:04"), fileKindZh[e.Kind], string(e.Town), e.Summary})
	}
	return xlsx.Write(w, "个人档案", rows)
}
