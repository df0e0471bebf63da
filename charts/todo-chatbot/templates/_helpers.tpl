{{/* Labels every object carries. */}}
{{- define "todo-chatbot.labels" -}}
app.kubernetes.io/part-of: todo-chatbot
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end }}

{{/* Selector labels of one service; call with (dict "root" $ "app" $appId). */}}
{{- define "todo-chatbot.selectorLabels" -}}
app.kubernetes.io/name: {{ .app }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end }}

{{/* The Dapr Configuration every sidecar uses. */}}
{{- define "todo-chatbot.daprConfig" -}}
{{ .Release.Name }}-dapr
{{- end }}
