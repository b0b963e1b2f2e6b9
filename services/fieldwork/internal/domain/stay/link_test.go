package stay_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"dundian.local/services/fieldwork/internal/domain/stay"
)

func TestLinked_ChecksTheStayAgainstTheProgrammeYearsLink(t *testing.T) {
	t.Parallel()
	const here = "130624100201"
	cases := []struct {
		name   string
		linked string
		known  bool
		want   error
	}{
		{"no link heard of yet", "", false, nil},
		{"the linked community", here, true, nil},
		{"another community", "130624100202", true, stay.ErrNotLinked},
		{"the link has ended", "", true, stay.ErrLinkEnded},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := stay.Linked(here, tc.linked, tc.known)
			if tc.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tc.want)
		})
	}
}
