{{/* The release's name prefix for every object. */}}
{{- define "cinemaabyss.fullname" -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels common to every object. */}}
{{- define "cinemaabyss.labels" -}}
app.kubernetes.io/part-of: cinemaabyss
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end -}}

{{/* Kebab-case name of a service key: allInOne -> all-in-one. */}}
{{- define "cinemaabyss.component" -}}
{{- . | kebabcase -}}
{{- end -}}

{{/* Restricted pod security: non-root, default seccomp. */}}
{{- define "cinemaabyss.podSecurity" -}}
runAsNonRoot: true
runAsUser: {{ .uid }}
runAsGroup: {{ .uid }}
fsGroup: {{ .uid }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Restricted container security. */}}
{{- define "cinemaabyss.containerSecurity" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: {{ .readOnly }}
privileged: false
capabilities:
  drop: ["ALL"]
{{- end -}}

{{/* In-cluster URL of a single-port service: (dict "root" $ "name" "movies"). */}}
{{- define "cinemaabyss.url" -}}
{{- $svc := index .root.Values.services .name -}}
http://{{ include "cinemaabyss.fullname" .root }}-{{ include "cinemaabyss.component" .name }}:{{ values $svc.ports | first }}
{{- end -}}

{{/* KAFKA_BROKERS for the apps. */}}
{{- define "cinemaabyss.kafkaBrokers" -}}
{{- if .Values.kafka.enabled -}}
{{ include "cinemaabyss.fullname" . }}-kafka:9092
{{- else -}}
{{ .Values.kafka.external.brokers }}
{{- end -}}
{{- end -}}

{{/* DB_CONNECTION_STRING for the apps and the migration job. */}}
{{/*
The release's secrets, never shipped: a value given in values wins; else the one the release's
Secret already holds (kept across upgrades); else a new random one (first install). Worked out once
per render and kept in .Values, so every template that needs one sees the same value.
*/}}
{{- define "cinemaabyss.secrets" -}}
{{- if not (hasKey .Values "generatedSecrets") -}}
{{- $existing := (lookup "v1" "Secret" .Release.Namespace (printf "%s-secrets" (include "cinemaabyss.fullname" .))).data | default dict -}}
{{- $jwtKeys := .Values.auth.jwtKeys | default (get $existing "jwt-keys" | b64dec) | default (printf "k%s:%s" (randNumeric 6) (randAlphaNum 48)) -}}
{{- $password := .Values.postgresql.password | default (get $existing "postgres-password" | b64dec) | default (randAlphaNum 32) -}}
{{- $_ := set .Values "generatedSecrets" (dict "jwtKeys" $jwtKeys "postgresPassword" $password) -}}
{{- end -}}
{{- end -}}

{{- define "cinemaabyss.databaseUrl" -}}
{{- include "cinemaabyss.secrets" . -}}
{{- if .Values.postgresql.enabled -}}
postgres://{{ .Values.postgresql.username }}:{{ .Values.generatedSecrets.postgresPassword }}@{{ include "cinemaabyss.fullname" . }}-postgresql:5432/{{ .Values.postgresql.database }}
{{- else -}}
{{ .Values.postgresql.external.url }}
{{- end -}}
{{- end -}}

{{/* The gateway's route file: only routes whose service is deployed, so none is refused. */}}
{{- define "cinemaabyss.routesFile" -}}
routes:
{{- if .Values.services.movies.enabled }}
  movies: { percent: {{ .Values.migration.moviesPercent }}, gradual: {{ .Values.migration.gradual }} }
{{- end }}
{{- if .Values.services.users.enabled }}
  users: { percent: {{ .Values.migration.usersPercent | default 0 }}, gradual: true }
{{- end }}
{{- if .Values.services.auth.enabled }}
  auth: { percent: {{ .Values.migration.authPercent | default 0 }}, gradual: true }
{{- end }}
{{- if .Values.services.payments.enabled }}
  {{- /* payments carries /api/subscriptions too: one module, one route, one percent */}}
  payments: { percent: {{ .Values.migration.paymentsPercent | default 0 }}, gradual: true }
{{- end }}
{{- end -}}
