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

{{/* The Dapr Configuration of one app's sidecar; call with (dict "root" $ "app" $appId). */}}
{{- define "todo-chatbot.daprConfig" -}}
{{ .root.Release.Name }}-dapr-{{ .app }}
{{- end }}

{{/*
The Kafka components' authentication metadata, after authType. none: plaintext (Dapr's Kafka
component then turns TLS off). password and mtls: TLS on, credentials from the `kafka` Secret through
the secret store, never values.
*/}}
{{- define "todo-chatbot.kafkaAuth" -}}
{{- $kafka := .Values.kafka }}
{{- $secret := .Values.secrets.kafka.name }}
{{- if eq $kafka.authType "password" }}
- name: saslUsername
  value: {{ required "kafka.saslUsername is needed when kafka.authType is password" $kafka.saslUsername | quote }}
- name: saslPassword
  secretKeyRef:
    name: {{ $secret | quote }}
    key: sasl-password
- name: saslMechanism
  value: {{ $kafka.saslMechanism | quote }}
{{- else if eq $kafka.authType "mtls" }}
- name: clientCert
  secretKeyRef:
    name: {{ $secret | quote }}
    key: client-cert
- name: clientKey
  secretKeyRef:
    name: {{ $secret | quote }}
    key: client-key
{{- end }}
{{- if and (ne $kafka.authType "none") $kafka.caCert }}
- name: caCert
  secretKeyRef:
    name: {{ $secret | quote }}
    key: ca-cert
{{- end }}
{{- end }}
