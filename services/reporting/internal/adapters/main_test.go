package adapters_test

import (
	"testing"

	"dundian.local/libs/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }
