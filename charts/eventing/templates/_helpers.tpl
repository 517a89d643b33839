{{/*
The apps the chart deploys, keyed by app name (= Deployment, Service, ServiceAccount and
image name): the values key of each, its component label, its container name (the
CONTAINER_NAME metric label, as in Knative), whether it serves events on HTTP_PORT (8080,
Service port 80), which backend endpoints it reads, and its Service name when it is not the
app's (Knative's PingSource reconciler looks for pingsource-mt-adapter). apiserver-adapter is absent: the
controller runs one per ApiServerSource.
*/}}
{{- define "eventing.apps" -}}
eventing-controller:
  key: controller
  component: controller
  container: eventing-controller
  http: false
  backends: [kafka, nats]
imc-dispatcher:
  key: imcDispatcher
  component: channel-dispatcher
  container: imc-dispatcher
  http: true
  backends: [redis]
kafka-channel-dispatcher:
  key: kafkaChannelDispatcher
  component: channel-dispatcher
  container: kafka-channel-dispatcher
  http: true
  backends: [kafka, redis]
natss-channel-dispatcher:
  key: natssChannelDispatcher
  component: channel-dispatcher
  container: natss-channel-dispatcher
  http: true
  backends: [nats, redis]
broker-ingress:
  key: brokerIngress
  component: broker-ingress
  container: ingress
  http: true
  backends: [redis]
broker-filter:
  key: brokerFilter
  component: broker-filter
  container: filter
  http: true
  backends: [redis]
ping-adapter:
  key: pingAdapter
  component: ping-adapter
  container: ping-adapter
  service: pingsource-mt-adapter
  http: false
  backends: [redis]
{{- end }}

{{/* Labels of every object: `eventing.labels (dict "root" $ "name" "<app>")`. */}}
{{- define "eventing.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/part-of: knative-ts
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
{{- end }}

{{/* Selector labels of an app's pods: `eventing.selectorLabels (dict "root" $ "name" "<app>")`. */}}
{{- define "eventing.selectorLabels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end }}

{{/*
Name of a cluster-scoped object (ClusterRole, ClusterRoleBinding): prefixed with the
system namespace, so two installations in different namespaces never collide.
*/}}
{{- define "eventing.clusterName" -}}
{{ printf "%s-%s" .root.Release.Namespace .name | trunc 253 }}
{{- end }}

{{/* Image of an app: its override, or <registry>/<app>:<tag or appVersion>. */}}
{{- define "eventing.image" -}}
{{- $override := .override | default "" -}}
{{- if $override -}}
{{ $override }}
{{- else -}}
{{ printf "%s/%s:%s" .root.Values.image.registry .name (.root.Values.image.tag | default .root.Chart.AppVersion) }}
{{- end -}}
{{- end }}

{{/* The channel template Brokers use: brokerDefaults.channel, or defaultChannel. */}}
{{- define "eventing.brokerChannel" -}}
{{- $ch := .Values.brokerDefaults.channel | default dict -}}
{{- if not $ch.kind -}}
{{- $ch = pick .Values.defaultChannel "apiVersion" "kind" "spec" -}}
{{- end -}}
apiVersion: {{ required "brokerDefaults.channel.apiVersion is required" $ch.apiVersion }}
kind: {{ $ch.kind }}
{{- if $ch.spec }}
spec:
{{ toYaml $ch.spec | indent 2 }}
{{- end }}
{{- end }}

{{/* A channel template (apiVersion, kind and a non-empty spec) as YAML. */}}
{{- define "eventing.channelTemplate" -}}
apiVersion: {{ .apiVersion }}
kind: {{ .kind }}
{{- if .spec }}
spec:
{{ toYaml .spec | indent 2 }}
{{- end }}
{{- end }}
