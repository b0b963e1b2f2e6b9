{{/* The six processes and their HTTP ports (README.md, Configuration). */}}
{{- define "dundian.processes" -}}
gateway: 8080
personnel: 8081
fieldwork: 8082
petitions: 8083
reporting: 8084
assessment: 8085
{{- end -}}

{{- define "dundian.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Labels of every object; component objects add dundian.selector to dundian.baseLabels. */}}
{{- define "dundian.baseLabels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/part-of: dundian
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "dundian.labels" -}}
{{ include "dundian.baseLabels" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Selector labels of one component; call with (dict "root" $ "name" "gateway"). */}}
{{- define "dundian.selector" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{/* Pod and container security shared by every workload of the chart. */}}
{{- define "dundian.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 65532
runAsGroup: 65532
fsGroup: 65532
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "dundian.containerSecurityContext" -}}
runAsNonRoot: true
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "dundian.otelEndpoint" -}}
{{- if .Values.otel.endpoint -}}
{{- .Values.otel.endpoint -}}
{{- else if .Values.otelCollector.enabled -}}
{{- printf "http://%s-otel-collector:4318" (include "dundian.fullname" .) -}}
{{- end -}}
{{- end -}}

{{/* Minimum replicas of a process: its replica count, or the autoscaler's floor. */}}
{{- define "dundian.minReplicas" -}}
{{- if .p.autoscaling.enabled -}}{{ .p.autoscaling.minReplicas }}{{- else -}}{{ .p.replicas }}{{- end -}}
{{- end -}}
