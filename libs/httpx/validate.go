package httpx

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"sync"

	"github.com/go-playground/validator/v10"

	"dundian.local/libs/errs"
	"dundian.local/libs/tenancy"
)

// Custom validation tags, beside validator's own:
//
//	towncode       a 9-digit town division code (tenancy.ParseTown)
//	communitycode  a 12-digit community division code (tenancy.ParseCommunity)
//	cnmobile       a mainland mobile number, 1[3-9] and nine more digits
//
// String lengths (len, min, max) count runes, so `max=50` allows fifty Chinese characters.
var (
	validateOnce sync.Once
	validate     *validator.Validate
)

var cnMobile = regexp.MustCompile(`^1[3-9][0-9]{9}$`)

func validatorInstance() *validator.Validate {
	validateOnce.Do(func() {
		v := validator.New(validator.WithRequiredStructEnabled())
		v.RegisterTagNameFunc(func(f reflect.StructField) string {
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			switch name {
			case "-":
				return ""
			case "":
				return f.Name
			}
			return name
		})
		must(v.RegisterValidation("towncode", func(fl validator.FieldLevel) bool {
			_, err := tenancy.ParseTown(fl.Field().String())
			return err == nil
		}))
		must(v.RegisterValidation("communitycode", func(fl validator.FieldLevel) bool {
			_, err := tenancy.ParseCommunity(fl.Field().String())
			return err == nil
		}))
		must(v.RegisterValidation("cnmobile", func(fl validator.FieldLevel) bool {
			return cnMobile.MatchString(fl.Field().String())
		}))
		validate = v
	})
	return validate
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

// Validate checks v's `validate` struct tags (v is a struct or a pointer to one; other
// values pass). A failure is errs.ErrInvalidInput naming each field by its JSON path.
func Validate(v any) error {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil
		}
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Struct {
		return nil
	}
	err := validatorInstance().Struct(v)
	if err == nil {
		return nil
	}
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		return errs.Internal("validate %T: %w", v, err)
	}
	fields := make([]errs.FieldError, 0, len(verrs))
	for _, fe := range verrs {
		fields = append(fields, fieldError(fe))
	}
	return errs.ErrInvalidInput.WithFields(fields...)
}

// fieldError words one failed tag. The path drops the top struct's name: "items[0].name".
func fieldError(fe validator.FieldError) errs.FieldError {
	path := fe.Namespace()
	if _, rest, ok := strings.Cut(path, "."); ok {
		path = rest
	}
	m := message(fe)
	return errs.FieldError{Field: path, Slug: fe.Tag(), Message: m.en, Zh: m.zh}
}

func message(fe validator.FieldError) text {
	p := fe.Param()
	kind := fe.Kind()
	isText := kind == reflect.String
	isList := kind == reflect.Slice || kind == reflect.Array || kind == reflect.Map
	switch fe.Tag() {
	case "required", "required_if", "required_unless", "required_with", "required_without":
		return text{"is required", "必填"}
	case "max", "lte":
		switch {
		case isText:
			return text{fmt.Sprintf("must be at most %s characters", p), fmt.Sprintf("最多 %s 个字", p)}
		case isList:
			return text{fmt.Sprintf("must have at most %s items", p), fmt.Sprintf("最多 %s 项", p)}
		}
		return text{"must be at most " + p, "不能大于 " + p}
	case "min", "gte":
		switch {
		case isText:
			return text{fmt.Sprintf("must be at least %s characters", p), fmt.Sprintf("至少 %s 个字", p)}
		case isList:
			return text{fmt.Sprintf("must have at least %s items", p), fmt.Sprintf("至少 %s 项", p)}
		}
		return text{"must be at least " + p, "不能小于 " + p}
	case "gt":
		return text{"must be greater than " + p, "应大于 " + p}
	case "lt":
		return text{"must be less than " + p, "应小于 " + p}
	case "len":
		switch {
		case isText:
			return text{fmt.Sprintf("must be exactly %s characters", p), fmt.Sprintf("应为 %s 个字", p)}
		case isList:
			return text{fmt.Sprintf("must have exactly %s items", p), fmt.Sprintf("应为 %s 项", p)}
		}
		return text{"must be " + p, "应为 " + p}
	case "oneof":
		opts := strings.Join(strings.Fields(p), ", ")
		return text{"must be one of: " + opts, "应为以下之一：" + strings.Join(strings.Fields(p), "、")}
	case "numeric", "number":
		return text{"must contain digits only", "只能填写数字"}
	case "e164":
		return text{"must be a phone number in international form (+8613812345678)", "电话号码格式不正确（如 +8613812345678）"}
	case "cnmobile":
		return text{"must be an 11-digit mobile number", "手机号码应为 11 位数字"}
	case "towncode":
		return text{"must be a 9-digit town code", "乡镇代码应为 9 位数字"}
	case "communitycode":
		return text{"must be a 12-digit village or community code", "村（社区）代码应为 12 位数字"}
	case "email":
		return text{"must be an email address", "邮箱地址格式不正确"}
	case "url", "http_url":
		return text{"must be a web address", "网址格式不正确"}
	case "uuid", "uuid4", "uuid7":
		return text{"must be an id (UUID)", "编号格式不正确"}
	case "datetime":
		return text{"must be a date/time in the form " + p, "日期时间格式应为 " + p}
	case "unique":
		return text{"must not contain duplicates", "不能有重复项"}
	}
	return text{"is not valid", "格式不正确"}
}
