package httpx

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// Lang is a language the API answers in.
type Lang string

const (
	Zh Lang = "zh-CN" // the default: the console's readers are township officials
	En Lang = "en"
)

// Language picks the reader's language from Accept-Language: English when the header
// prefers `en` over `zh` (by q-value, the earlier one winning a tie), Chinese otherwise.
func Language(c *fiber.Ctx) Lang {
	return parseAcceptLanguage(c.Get(fiber.HeaderAcceptLanguage))
}

func parseAcceptLanguage(h string) Lang {
	var enQ, zhQ float64 = -1, -1
	var enPos, zhPos int
	for i, part := range strings.Split(h, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		primary, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil || f < 0 || f > 1 {
				continue
			}
			q = f
		}
		switch {
		case primary == "en" && q > enQ:
			enQ, enPos = q, i
		case primary == "zh" && q > zhQ:
			zhQ, zhPos = q, i
		}
	}
	if enQ > 0 && (enQ > zhQ || (enQ == zhQ && enPos < zhPos)) {
		return En
	}
	return Zh
}
