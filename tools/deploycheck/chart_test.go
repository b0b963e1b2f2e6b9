package deploycheck

import (
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/releaseutil"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/yaml"
)

const (
	chartRelease   = "dundian"
	chartNamespace = "dundian"
)

func chartDir(t *testing.T) string {
	t.Helper()
	root, err := RepoRoot()
	require.NoError(t, err)
	return filepath.Join(root, "charts", "dundian")
}

// chartValueSets are the values files the chart must lint and render with: the defaults and
// a production-like county deployment.
var chartValueSets = map[string]string{"default": "", "production": "ci/production-values.yaml"}

func chartValues(t *testing.T, dir, file string) map[string]any {
	t.Helper()
	if file == "" {
		return map[string]any{}
	}
	vals, err := chartutil.ReadValuesFile(filepath.Join(dir, file))
	require.NoError(t, err)
	return vals
}

// renderChart is `helm template dundian charts/dundian -n dundian -f <values>`.
func renderChart(t *testing.T, dir string, vals map[string]any) (string, error) {
	t.Helper()
	chrt, err := loader.Load(dir)
	require.NoError(t, err)
	install := action.NewInstall(&action.Configuration{Log: func(string, ...any) {}})
	install.DryRun = true
	install.ClientOnly = true
	install.Replace = true
	install.ReleaseName = chartRelease
	install.Namespace = chartNamespace
	install.KubeVersion = &chartutil.KubeVersion{Version: "v1.33.0", Major: "1", Minor: "33"}
	rel, err := install.Run(chrt, vals)
	if err != nil {
		return "", err
	}
	return rel.Manifest, nil
}

// rendered is every object of a rendered chart, decoded strictly into its Kubernetes type.
type rendered struct {
	objects []runtime.Object
}

func decodeManifests(t *testing.T, manifest string) rendered {
	t.Helper()
	var r rendered
	docs := releaseutil.SplitManifests(manifest)
	keys := make([]string, 0, len(docs))
	for k := range docs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		doc := docs[k]
		var meta struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
		}
		require.NoError(t, yaml.Unmarshal([]byte(doc), &meta), doc)
		gvk := schema.FromAPIVersionAndKind(meta.APIVersion, meta.Kind)
		obj, err := scheme.Scheme.New(gvk)
		require.NoError(t, err, "%s/%s is not a Kubernetes API type", meta.APIVersion, meta.Kind)
		require.NoError(t, yaml.UnmarshalStrict([]byte(doc), obj), "strict decoding of %s", doc)
		r.objects = append(r.objects, obj)
	}
	require.NotEmpty(t, r.objects)
	return r
}

func collect[T runtime.Object](r rendered) []T {
	var out []T
	for _, o := range r.objects {
		if v, ok := o.(T); ok {
			out = append(out, v)
		}
	}
	return out
}

func TestChartLintsStrictly(t *testing.T) {
	t.Parallel()
	dir := chartDir(t)
	for name, file := range chartValueSets {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			lint := action.NewLint()
			lint.Strict = true
			lint.Namespace = chartNamespace
			res := lint.Run([]string{dir}, chartValues(t, dir, file))
			var msgs []string
			for _, m := range res.Messages {
				msgs = append(msgs, m.Error())
			}
			require.Empty(t, res.Errors, "helm lint --strict:\n%s", strings.Join(msgs, "\n"))
		})
	}
}

func TestChartRendersSecureWorkloadsForEveryProcess(t *testing.T) {
	t.Parallel()
	dir := chartDir(t)
	root, err := RepoRoot()
	require.NoError(t, err)
	tables, err := ReadEnvTables(filepath.Join(root, "README.md"))
	require.NoError(t, err)
	for name, file := range chartValueSets {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			manifest, err := renderChart(t, dir, chartValues(t, dir, file))
			require.NoError(t, err)
			r := decodeManifests(t, manifest)
			deployments := map[string]*appsv1.Deployment{}
			for _, d := range collect[*appsv1.Deployment](r) {
				deployments[d.Name] = d
				requireSecurePod(t, d.Name, d.Spec.Template.Spec)
			}
			hpas := map[string]*autoscalingv2.HorizontalPodAutoscaler{}
			for _, h := range collect[*autoscalingv2.HorizontalPodAutoscaler](r) {
				hpas[h.Spec.ScaleTargetRef.Name] = h
			}
			pdbs := map[string]bool{}
			for _, p := range collect[*policyv1.PodDisruptionBudget](r) {
				pdbs[p.Name] = true
			}

			for _, p := range Processes() {
				d := deployments[chartRelease+"-"+p.Name]
				require.NotNil(t, d, "no Deployment for %s", p.Name)
				c := d.Spec.Template.Spec.Containers[0]
				requireProbes(t, p, c)
				allowed := tables.Allowed(p)
				for _, e := range c.Env {
					require.True(t, allowed[e.Name], "%s sets %s, which %s does not read", d.Name, e.Name, p.Name)
				}
				minReplicas := int32(1)
				if d.Spec.Replicas != nil {
					minReplicas = *d.Spec.Replicas
				}
				if h := hpas[d.Name]; h != nil {
					require.Nil(t, d.Spec.Replicas, "%s: an autoscaled Deployment leaves replicas to the HPA", d.Name)
					minReplicas = *h.Spec.MinReplicas
				}
				require.Equal(t, minReplicas > 1, pdbs[d.Name], "%s: a PodDisruptionBudget exactly when more than one replica", d.Name)
			}
			if name == "production" {
				require.Len(t, hpas, 5, "production autoscales every process but reporting")
			}

			var common *corev1.ConfigMap
			for _, cm := range collect[*corev1.ConfigMap](r) {
				if cm.Name == chartRelease+"-common" {
					common = cm
				}
			}
			require.NotNil(t, common)
			for key := range common.Data {
				require.True(t, tables.Every[key], "the common ConfigMap sets %s, which not every process reads", key)
			}

			requireIngresses(t, collect[*networkingv1.Ingress](r))
			requireDefaultDeny(t, collect[*networkingv1.NetworkPolicy](r))
			requireDashboards(t, root, collect[*corev1.ConfigMap](r))
		})
	}
}

func requireSecurePod(t *testing.T, name string, spec corev1.PodSpec) {
	t.Helper()
	psc := spec.SecurityContext
	require.NotNil(t, psc, name)
	require.True(t, psc.RunAsNonRoot != nil && *psc.RunAsNonRoot, "%s: runAsNonRoot", name)
	require.True(t, psc.RunAsUser != nil && *psc.RunAsUser != 0, "%s: runAsUser", name)
	require.NotNil(t, psc.SeccompProfile, name)
	require.Equal(t, corev1.SeccompProfileTypeRuntimeDefault, psc.SeccompProfile.Type, name)
	require.NotNil(t, spec.AutomountServiceAccountToken, name)
	require.False(t, *spec.AutomountServiceAccountToken, "%s: no API token in the pod", name)
	require.NotEmpty(t, spec.Containers)
	for _, c := range append(spec.InitContainers, spec.Containers...) {
		sc := c.SecurityContext
		require.NotNil(t, sc, "%s/%s", name, c.Name)
		require.True(t, sc.AllowPrivilegeEscalation != nil && !*sc.AllowPrivilegeEscalation, "%s/%s: allowPrivilegeEscalation", name, c.Name)
		require.True(t, sc.ReadOnlyRootFilesystem != nil && *sc.ReadOnlyRootFilesystem, "%s/%s: readOnlyRootFilesystem", name, c.Name)
		require.NotNil(t, sc.Capabilities, "%s/%s", name, c.Name)
		require.Equal(t, []corev1.Capability{"ALL"}, sc.Capabilities.Drop, "%s/%s", name, c.Name)
		require.Empty(t, sc.Capabilities.Add, "%s/%s", name, c.Name)
		require.False(t, sc.Privileged != nil && *sc.Privileged, "%s/%s", name, c.Name)
		require.NotNil(t, c.StartupProbe, "%s/%s: startupProbe", name, c.Name)
		require.NotNil(t, c.LivenessProbe, "%s/%s: livenessProbe", name, c.Name)
		require.NotNil(t, c.ReadinessProbe, "%s/%s: readinessProbe", name, c.Name)
		for _, res := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
			require.Contains(t, c.Resources.Requests, res, "%s/%s: requests", name, c.Name)
			require.Contains(t, c.Resources.Limits, res, "%s/%s: limits", name, c.Name)
		}
		require.True(t, isPinned(c.Image), "%s/%s: image %q is not an exact version", name, c.Name, c.Image)
	}
}

func requireProbes(t *testing.T, p Process, c corev1.Container) {
	t.Helper()
	for probe, path := range map[*corev1.Probe]string{c.StartupProbe: "/healthz", c.LivenessProbe: "/healthz", c.ReadinessProbe: "/readyz"} {
		require.NotNil(t, probe.HTTPGet, p.Name)
		require.Equal(t, path, probe.HTTPGet.Path, p.Name)
		require.Equal(t, "http", probe.HTTPGet.Port.String(), p.Name)
	}
	var port int32
	for _, cp := range c.Ports {
		if cp.Name == "http" {
			port = cp.ContainerPort
		}
	}
	require.Equal(t, int32(p.Port), port, "%s listens on its README port", p.Name)
}

func requireIngresses(t *testing.T, ingresses []*networkingv1.Ingress) {
	t.Helper()
	byName := map[string]*networkingv1.Ingress{}
	for _, ing := range ingresses {
		byName[ing.Name] = ing
		require.NotEmpty(t, ing.Spec.TLS, "%s has no TLS", ing.Name)
		for _, rule := range ing.Spec.Rules {
			require.Contains(t, ing.Spec.TLS[0].Hosts, rule.Host, "%s: host %s is not covered by TLS", ing.Name, rule.Host)
		}
	}
	public := byName[chartRelease+"-public"]
	require.NotNil(t, public)
	var paths []string
	for _, rule := range public.Spec.Rules {
		for _, p := range rule.HTTP.Paths {
			paths = append(paths, p.Path)
			require.Equal(t, "public", p.Backend.Service.Port.Name, "the public Ingress reaches only the public listener")
		}
	}
	require.ElementsMatch(t, []string{"/p/", "/api/v1/public/"}, paths)
	intranet := byName[chartRelease+"-intranet"]
	require.NotNil(t, intranet)
	require.Equal(t, "http", intranet.Spec.Rules[0].HTTP.Paths[0].Backend.Service.Port.Name)
}

func requireDefaultDeny(t *testing.T, policies []*networkingv1.NetworkPolicy) {
	t.Helper()
	for _, np := range policies {
		if np.Name == chartRelease+"-default-deny" {
			require.ElementsMatch(t, []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}, np.Spec.PolicyTypes)
			require.Empty(t, np.Spec.Ingress)
			require.Empty(t, np.Spec.Egress)
			require.Equal(t, map[string]string{"app.kubernetes.io/instance": chartRelease}, np.Spec.PodSelector.MatchLabels)
			return
		}
	}
	t.Fatal("no default-deny NetworkPolicy")
}

func requireDashboards(t *testing.T, root string, configMaps []*corev1.ConfigMap) {
	t.Helper()
	shipped := map[string]bool{}
	for _, cm := range configMaps {
		if cm.Labels["grafana_dashboard"] == "1" {
			for key, body := range cm.Data {
				require.True(t, strings.HasPrefix(strings.TrimSpace(body), "{"), key)
				shipped[key] = true
			}
		}
	}
	for _, f := range dashboardFiles(t, root) {
		require.True(t, shipped[filepath.Base(f)], "dashboard %s is not shipped to Grafana's sidecar", f)
	}
}

func TestChartSchemaRefusesBadValues(t *testing.T) {
	t.Parallel()
	dir := chartDir(t)
	for name, vals := range map[string]map[string]any{
		"replicas not a number": {"processes": map[string]any{"gateway": map[string]any{"replicas": "two"}}},
		"unknown top-level key": {"mongoUri": "mongodb://x"},
		"no kafka brokers":      {"kafka": map[string]any{"brokers": ""}},
		"unknown log level":     {"logLevel": "verbose"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := renderChart(t, dir, vals)
			require.Error(t, err)
			require.Contains(t, err.Error(), "schema")
		})
	}
}
