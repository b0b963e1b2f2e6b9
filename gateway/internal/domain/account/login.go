package account

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"dundian.local/libs/errs"
)

// Password policy.
const (
	MinPasswordLen = 10
	// MaxPasswordBytes bounds the input of the slow hash, which a huge password would turn
	// into a denial of service.
	MaxPasswordBytes = 256
)

var (
	ErrWeakPassword = errs.Invalid("password-too-weak",
		fmt.Sprintf("a password has at least %d characters and is not the username", MinPasswordLen),
		fmt.Sprintf("密码至少 %d 个字符，且不能与用户名相同", MinPasswordLen))
	ErrBadCredentials = errs.Unauthorized("bad-credentials",
		"wrong username or password", "用户名或密码错误")
	ErrWrongOldPassword = errs.Invalid("wrong-old-password",
		"the current password is wrong", "原密码不正确")
	ErrDisabled = errs.Forbidden("account-disabled",
		"the account is disabled; ask your administrator", "账号已停用，请联系管理员")
	ErrLocked = errs.TooMany("login-locked",
		fmt.Sprintf("too many failed logins; try again in %d minutes", int(LockFor/time.Minute)),
		fmt.Sprintf("登录失败次数过多，账号已锁定 %d 分钟，请稍后再试", int(LockFor/time.Minute)))
)

// CheckPassword applies the password policy.
func CheckPassword(username, password string) error {
	switch {
	case utf8.RuneCountInString(password) < MinPasswordLen,
		len(password) > MaxPasswordBytes,
		strings.EqualFold(strings.TrimSpace(password), NormalizeUsername(username)):
		return ErrWeakPassword.WithFields(errs.FieldError{
			Field: "password", Slug: "weak", Message: ErrWeakPassword.Message, Zh: ErrWeakPassword.Zh,
		})
	}
	return nil
}

// Lockout policy: after MaxFailures failed logins within LockFor of each other, the username
// is locked for LockFor. It is kept per username typed, whether or not the account exists, so
// that the answers do not tell which usernames exist.
const (
	MaxFailures = 5
	LockFor     = 15 * time.Minute
)

// Throttle is the failed-login state of one username.
type Throttle struct {
	Username    string    `bson:"_id"`
	Failures    int       `bson:"failures"`
	LastFailure time.Time `bson:"lastFailure"`
	LockedUntil time.Time `bson:"lockedUntil"`
}

// Locked reports whether a login is refused now, and for how long still.
func (t Throttle) Locked(now time.Time) (time.Duration, bool) {
	if now.Before(t.LockedUntil) {
		return t.LockedUntil.Sub(now), true
	}
	return 0, false
}

// Stale reports whether the earlier failures are too old to count towards a lock.
func (t Throttle) Stale(now time.Time) bool { return now.Sub(t.LastFailure) > LockFor }

// ShouldLock reports whether the failures counted so far lock the username.
func (t Throttle) ShouldLock() bool { return t.Failures >= MaxFailures }
