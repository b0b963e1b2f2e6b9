package phone_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"dundian.local/services/personnel/internal/domain/phone"
)

func TestMask_KeepsThreeAndFour(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"13812345678":  "138****5678",
		"0311-1234567": "031*****4567",
		"1234":         "****",
		"":             "",
	} {
		require.Equal(t, want, phone.Mask(in), in)
	}
}

func TestNormalize_AcceptsMobilesAndLandlines(t *testing.T) {
	t.Parallel()
	for in, ok := range map[string]bool{
		" 138 1234 5678 ": true,
		"0311-85012345":   true,
		"12812345678":     false,
		"1381234567":      false,
		"abc":             false,
	} {
		_, got := phone.Normalize(in)
		require.Equal(t, ok, got, in)
	}
}
