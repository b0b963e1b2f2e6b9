package app

import (
	"testing"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/auth"
	"dundian.local/libs/tasks"
)

func TestOwnsTask_OnlyThePersonOrBodyNamed(t *testing.T) {
	t.Parallel()
	const town, community = "130624100", "130624100200"
	cadre := auth.Principal{AccountID: "a1", Role: auth.Cadre, CadreID: "c1", Town: town}
	secretary := auth.Principal{AccountID: "a2", Role: auth.BranchSecretary, Community: community, Town: town}
	office := auth.Principal{AccountID: "a3", Role: auth.TownAdmin, Town: town}
	leader := auth.Principal{AccountID: "a4", Role: auth.TownLeader, Town: town}
	tests := []struct {
		name  string
		p     auth.Principal
		owner tasks.Owner
		want  bool
	}{
		{"the cadre named", cadre, tasks.Owner{Kind: tasks.OwnerCadre, ID: "c1"}, true},
		{"another cadre", cadre, tasks.Owner{Kind: tasks.OwnerCadre, ID: "c2"}, false},
		{"the office for a cadre", office, tasks.Owner{Kind: tasks.OwnerCadre, ID: "c1"}, false},
		{"the community's secretary", secretary, tasks.Owner{Kind: tasks.OwnerCommunity, ID: community}, true},
		{"another community's secretary", secretary, tasks.Owner{Kind: tasks.OwnerCommunity, ID: "130624100201"}, false},
		{"a cadre for a community", cadre, tasks.Owner{Kind: tasks.OwnerCommunity, ID: community}, false},
		{"the account named", leader, tasks.Owner{Kind: tasks.OwnerAccount, ID: "a4"}, true},
		{"another account", leader, tasks.Owner{Kind: tasks.OwnerAccount, ID: "a1"}, false},
		{"the town office for its own task", office, tasks.Owner{Kind: tasks.OwnerTownOffice, ID: town}, true},
		{"a leader for the office's task", leader, tasks.Owner{Kind: tasks.OwnerTownOffice, ID: town}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, ownsTask(tt.p, tasks.Task{Owner: tt.owner}))
		})
	}
}
