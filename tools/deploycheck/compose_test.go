package deploycheck

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
	"github.com/stretchr/testify/require"
)

// loadCompose loads docker-compose.yml the way `docker compose --env-file
// deploy/dundian.env --profile <profile> config` does, with the committed example env file.
func loadCompose(t *testing.T, root, profile string) *types.Project {
	t.Helper()
	opts, err := cli.NewProjectOptions(
		[]string{filepath.Join(root, "docker-compose.yml")},
		cli.WithWorkingDirectory(root),
		cli.WithEnvFiles(filepath.Join(root, "deploy", "dundian.env.example")),
		cli.WithDotEnv,
		cli.WithProfiles([]string{profile}),
		cli.WithConsistency(true),
		cli.WithResolvedPaths(true),
	)
	require.NoError(t, err)
	project, err := opts.LoadProject(context.Background())
	require.NoError(t, err, "docker compose config would refuse docker-compose.yml (profile %s)", profile)
	return project
}

func TestComposeFileLoadsWithEitherObjectStore(t *testing.T) {
	t.Parallel()
	root, err := RepoRoot()
	require.NoError(t, err)
	for profile, store := range map[string]string{"minio": "minio", "versity": "versitygw"} {
		t.Run(profile, func(t *testing.T) {
			t.Parallel()
			project := loadCompose(t, root, profile)
			want := []string{"mongo", "mongo-init", "kafka", store, "otel-collector", "prometheus", "grafana", "jaeger", "readiness"}
			for _, p := range Processes() {
				want = append(want, p.Name)
			}
			require.ElementsMatch(t, want, project.ServiceNames())
		})
	}
}

func TestComposeGivesEachProcessOnlyVariablesItReads(t *testing.T) {
	t.Parallel()
	root, err := RepoRoot()
	require.NoError(t, err)
	tables, err := ReadEnvTables(filepath.Join(root, "README.md"))
	require.NoError(t, err)
	project := loadCompose(t, root, "minio")
	for _, p := range Processes() {
		t.Run(p.Name, func(t *testing.T) {
			t.Parallel()
			svc, err := project.GetService(p.Name)
			require.NoError(t, err)
			allowed := tables.Allowed(p)
			for name, value := range svc.Environment {
				require.True(t, allowed[name], "%s sets %s, which %s does not read (README.md, Configuration)", p.Name, name, p.Name)
				require.NotNil(t, value, "%s: %s has no value", p.Name, name)
			}
			required := []string{"MONGO_URI", "KAFKA_BROKERS", "S3_ENDPOINT", "S3_ACCESS_KEY", "S3_SECRET_KEY", "OTEL_SERVICE_NAME"}
			if p.Service() {
				required = append(required, "DUNDIAN_IDENTITY_PUBLIC_KEY")
			} else {
				required = append(required, "DUNDIAN_IDENTITY_PRIVATE_KEY", "DUNDIAN_ACCESS_TOKEN_KEY",
					"DUNDIAN_BOOTSTRAP_ADMIN", "DUNDIAN_BOOTSTRAP_PASSWORD")
			}
			for _, name := range required {
				require.Contains(t, svc.Environment, name)
			}
			require.Equal(t, p.Name, *svc.Environment["OTEL_SERVICE_NAME"])
			require.True(t, svc.ReadOnly, "read-only root filesystem")
			require.Contains(t, svc.CapDrop, "ALL")
			require.Contains(t, svc.SecurityOpt, "no-new-privileges:true")
			require.NotNil(t, svc.Build, "built from %s/Dockerfile", p.Dir)
			require.Equal(t, filepath.Join(root, p.Dir, "Dockerfile"), filepath.Join(svc.Build.Context, svc.Build.Dockerfile))
		})
	}

	gateway, err := project.GetService("gateway")
	require.NoError(t, err)
	for _, p := range Processes() {
		if p.Service() {
			url := gateway.Environment[strings.ToUpper(p.Name)+"_URL"]
			require.NotNil(t, url, "gateway has no %s_URL", strings.ToUpper(p.Name))
			require.Equal(t, "http://"+p.Name+":"+strconv.Itoa(p.Port), *url)
		}
	}
}

func TestComposeStartsEachContainerAfterHealthyDependencies(t *testing.T) {
	t.Parallel()
	root, err := RepoRoot()
	require.NoError(t, err)
	for _, profile := range []string{"minio", "versity"} {
		project := loadCompose(t, root, profile)
		for name, svc := range project.Services {
			for dep, cond := range svc.DependsOn {
				target, err := project.GetService(dep)
				if err != nil {
					require.False(t, cond.Required, "%s depends on %s, which profile %s does not run", name, dep, profile)
					continue
				}
				switch cond.Condition {
				case types.ServiceConditionHealthy:
					require.NotNil(t, target.HealthCheck, "%s waits for %s to be healthy, but it has no healthcheck", name, dep)
					require.False(t, target.HealthCheck.Disable)
				case types.ServiceConditionCompletedSuccessfully:
					require.Equal(t, "no", target.Restart, "%s waits for the one-shot %s, which must not restart", name, dep)
				}
			}
			if svc.Build == nil {
				require.True(t, isPinned(svc.Image), "%s: image %q is not an exact tag or digest", name, svc.Image)
			}
			for _, v := range svc.Volumes {
				switch v.Type {
				case types.VolumeTypeVolume:
					require.Contains(t, project.Volumes, v.Source, "%s mounts an undeclared volume", name)
				case types.VolumeTypeBind:
					_, err := os.Stat(v.Source)
					require.NoError(t, err, "%s mounts %s, which is not in the repository", name, v.Source)
				}
			}
		}
		for _, p := range Processes() {
			svc, err := project.GetService(p.Name)
			require.NoError(t, err)
			require.Equal(t, types.ServiceConditionCompletedSuccessfully, svc.DependsOn["mongo-init"].Condition)
			require.Equal(t, types.ServiceConditionHealthy, svc.DependsOn["kafka"].Condition)
		}
		gateway, err := project.GetService("gateway")
		require.NoError(t, err)
		require.Equal(t, types.ServiceConditionHealthy, gateway.DependsOn["readiness"].Condition,
			"the gateway starts after every service's /readyz")
	}
}

func TestComposeKafkaIsASingleNodeKRaftCluster(t *testing.T) {
	t.Parallel()
	root, err := RepoRoot()
	require.NoError(t, err)
	kafka, err := loadCompose(t, root, "minio").GetService("kafka")
	require.NoError(t, err)
	for name, want := range map[string]string{
		"KAFKA_PROCESS_ROLES":                            "broker,controller",
		"KAFKA_CONTROLLER_QUORUM_VOTERS":                 "1@kafka:9093",
		"KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR":         "1",
		"KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR": "1",
		"KAFKA_TRANSACTION_STATE_LOG_MIN_ISR":            "1",
		"KAFKA_AUTO_CREATE_TOPICS_ENABLE":                "false",
		"KAFKA_ADVERTISED_LISTENERS":                     "PLAINTEXT://kafka:9092",
	} {
		require.NotNil(t, kafka.Environment[name], name)
		require.Equal(t, want, *kafka.Environment[name], name)
	}
	require.Len(t, *kafka.Environment["CLUSTER_ID"], 22, "CLUSTER_ID is a base64url UUID")
}
