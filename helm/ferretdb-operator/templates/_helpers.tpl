{{/* Chart name, overridable. */}}
{{- define "ferretdb-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Prefix of every object name: the release name when it already contains the chart name. */}}
{{- define "ferretdb-operator.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "ferretdb-operator.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "ferretdb-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "ferretdb-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "ferretdb-operator.labels" -}}
helm.sh/chart: {{ include "ferretdb-operator.chart" . }}
{{ include "ferretdb-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: operator
app.kubernetes.io/part-of: ferretdb-operator
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "ferretdb-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "ferretdb-operator.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* registry/repository[:tag|@digest]; the tag defaults to the chart's appVersion. */}}
{{- define "ferretdb-operator.image" -}}
{{- $repo := .Values.image.repository -}}
{{- if .Values.image.registry -}}
{{- $repo = printf "%s/%s" .Values.image.registry .Values.image.repository -}}
{{- end -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" $repo .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" $repo (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{/* The Lease the operator replicas elect their leader with; fixed, the operator's LeaderElectionConfiguration uses it. */}}
{{- define "ferretdb-operator.leaseName" -}}
ferretdb-operator-lock
{{- end -}}
