// Package scoring is the year-end indicator model (L2): the county sets a weight for every
// indicator, and a cadre's draft score is computed from the recorded inputs with every point
// explained by its source. It is pure: no storage, no clock.
package scoring

import (
	"fmt"
	"math"
	"strings"

	"dundian.local/libs/errs"
)

// Indicator is one line of the year-end assessment.
type Indicator string

const (
	StationingDays     Indicator = "stationing_days"     // 蹲点天数 (S3)
	ReportTimeliness   Indicator = "report_timeliness"   // 按时报送 (S6)
	OneLinksFive       Indicator = "one_links_five"      // 一联五完整度
	LogsAndDiaries     Indicator = "logs_and_diaries"    // 民情日记与工作日志
	OpinionsHandled    Indicator = "opinions_handled"    // 意见建议办理
	PetitionsResolved  Indicator = "petitions_resolved"  // 信访积案化解
	Satisfaction       Indicator = "satisfaction"        // 群众满意度
	InspectionFindings Indicator = "inspection_findings" // 督查发现问题（扣分）
	IntegrityBreaches  Indicator = "integrity_breaches"  // 违反廉洁纪律（扣分）
)

// Indicators lists every indicator in the order the assessment shows them.
var Indicators = []Indicator{StationingDays, ReportTimeliness, OneLinksFive, LogsAndDiaries,
	OpinionsHandled, PetitionsResolved, Satisfaction, InspectionFindings, IntegrityBreaches}

// Deduction reports whether the indicator takes points off per item instead of scoring a share.
func (i Indicator) Deduction() bool { return i == InspectionFindings || i == IntegrityBreaches }

// Valid reports whether i is a known indicator.
func (i Indicator) Valid() bool {
	for _, k := range Indicators {
		if i == k {
			return true
		}
	}
	return false
}

// Zh is the indicator's name in the console.
func (i Indicator) Zh() string {
	return map[Indicator]string{
		StationingDays: "蹲点天数", ReportTimeliness: "按时报送", OneLinksFive: "一联五完整度",
		LogsAndDiaries: "日志日记", OpinionsHandled: "意见建议办理", PetitionsResolved: "信访案件化解",
		Satisfaction: "群众满意度", InspectionFindings: "督查发现问题", IntegrityBreaches: "廉洁纪律",
	}[i]
}

// Weight is what the county sets for one indicator: the most points it gives, and for a
// deduction indicator the points each item takes off.
type Weight struct {
	Points  float64 `json:"points" bson:"points"`
	PerItem float64 `json:"perItem,omitempty" bson:"perItem,omitempty"`
}

// Weights are the county's weights for a programme year.
type Weights map[Indicator]Weight

// DefaultWeights total 100 points; a county that has set none uses them.
func DefaultWeights() Weights {
	return Weights{
		StationingDays: {Points: 20}, ReportTimeliness: {Points: 10}, OneLinksFive: {Points: 10},
		LogsAndDiaries: {Points: 10}, OpinionsHandled: {Points: 10}, PetitionsResolved: {Points: 10},
		Satisfaction: {Points: 15}, InspectionFindings: {Points: 10, PerItem: 2}, IntegrityBreaches: {Points: 5, PerItem: 5},
	}
}

var ErrBadWeights = errs.Invalid("assessment-weights-invalid",
	"every indicator needs a weight from 0 to 100 points, deductions a positive amount per item, and the weights must total 100",
	"每项指标分值须在0至100之间，扣分项须设每项扣分，各项合计须为100分")

// Validate checks that every indicator is weighted and the weights total 100.
func (w Weights) Validate() error {
	total := 0.0
	for _, i := range Indicators {
		x, ok := w[i]
		if !ok || x.Points < 0 || x.Points > 100 || (i.Deduction() && x.PerItem <= 0) || (!i.Deduction() && x.PerItem != 0) {
			return ErrBadWeights
		}
		total += x.Points
	}
	if len(w) != len(Indicators) || math.Abs(total-100) > 1e-9 {
		return ErrBadWeights
	}
	return nil
}

// Input is the recorded value of one indicator. A share indicator scores Achieved of
// Expected (days stationed of days required, reports on time of reports due, …; satisfaction
// is the rated share out of 100); a deduction indicator counts Achieved items. Source says in
// words where the numbers come from, Records name the events and records they were counted from.
type Input struct {
	Achieved float64  `json:"achieved" bson:"achieved"`
	Expected float64  `json:"expected,omitempty" bson:"expected,omitempty"`
	Source   string   `json:"source" bson:"source"`
	Records  []Record `json:"records,omitempty" bson:"records,omitempty"`
}

// Record is one source record of an input: the type of the event it came from and the id of
// the entity in the service that owns it.
type Record struct {
	Type    string `json:"type" bson:"type"`
	Subject string `json:"subject" bson:"subject"`
}

// Line is one indicator's points and why.
type Line struct {
	Indicator Indicator `json:"indicator"`
	Weight    Weight    `json:"weight"`
	Input     *Input    `json:"input,omitempty"`
	Points    float64   `json:"points"`
	Explain   string    `json:"explain"`
	ExplainZh string    `json:"explainZh"`
}

// Draft is a computed score: its lines add up to Total.
type Draft struct {
	Lines []Line  `json:"lines"`
	Total float64 `json:"total"`
}

// Compute drafts the score from the inputs. An indicator with no input scores nothing, and
// its line says so: a missing record never earns points.
func Compute(w Weights, inputs map[Indicator]Input) Draft {
	d := Draft{Lines: make([]Line, 0, len(Indicators))}
	for _, i := range Indicators {
		l := Line{Indicator: i, Weight: w[i]}
		in, ok := inputs[i]
		switch {
		case !ok:
			l.Explain = "no record yet: 0 points"
			l.ExplainZh = "暂无数据：得0分"
		case i.Deduction():
			l.Input = &in
			l.Points = math.Max(0, l.Weight.Points-in.Achieved*l.Weight.PerItem)
			l.Explain = fmt.Sprintf("%s − %s items × %s = %s (source: %s)",
				num(l.Weight.Points), num(in.Achieved), num(l.Weight.PerItem), num(l.Points), in.Source)
			l.ExplainZh = fmt.Sprintf("%s分 − %s项 × %s分 = %s分（来源：%s）",
				num(l.Weight.Points), num(in.Achieved), num(l.Weight.PerItem), num(l.Points), in.Source)
		case in.Expected == 0:
			l.Input = &in
			l.Points = l.Weight.Points
			l.Explain = fmt.Sprintf("nothing was required: full %s (source: %s)", num(l.Points), in.Source)
			l.ExplainZh = fmt.Sprintf("无应完成事项：得满分%s分（来源：%s）", num(l.Points), in.Source)
		default:
			l.Input = &in
			l.Points = round(l.Weight.Points * in.Achieved / in.Expected)
			l.Explain = fmt.Sprintf("%s of %s × %s = %s (source: %s)",
				num(in.Achieved), num(in.Expected), num(l.Weight.Points), num(l.Points), in.Source)
			l.ExplainZh = fmt.Sprintf("%s/%s × %s分 = %s分（来源：%s）",
				num(in.Achieved), num(in.Expected), num(l.Weight.Points), num(l.Points), in.Source)
		}
		d.Total += l.Points
		d.Lines = append(d.Lines, l)
	}
	d.Total = round(d.Total)
	return d
}

// Grade is the year-end result.
type Grade string

const (
	Excellent   Grade = "excellent"   // 优秀
	Competent   Grade = "competent"   // 称职
	Basic       Grade = "basic"       // 基本称职
	Incompetent Grade = "incompetent" // 不称职
)

// Valid reports whether g is a known grade.
func (g Grade) Valid() bool {
	return g == Excellent || g == Competent || g == Basic || g == Incompetent
}

// Zh is the grade as the personal file records it.
func (g Grade) Zh() string {
	return map[Grade]string{Excellent: "优秀", Competent: "称职", Basic: "基本称职", Incompetent: "不称职"}[g]
}

// Suggest proposes the grade for a score: 90 and above excellent, 75 competent, 60 basic.
// The county supervision group decides; this is only its starting point.
func Suggest(score float64) Grade {
	switch {
	case score >= 90:
		return Excellent
	case score >= 75:
		return Competent
	case score >= 60:
		return Basic
	}
	return Incompetent
}

func round(x float64) float64 { return math.Round(x*100) / 100 }

func num(x float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", x), "0"), ".")
}
