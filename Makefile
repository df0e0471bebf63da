# todo-chatbot. `make run` starts everything in one JVM; `make test` runs every test.
SHELL := /bin/bash
MVN ?= mvn -B --no-transfer-progress
VERSION := 0.1.0-SNAPSHOT
STANDALONE_JAR := modules/standalone/target/standalone-$(VERSION)-all.jar
BENCH_JAR := modules/bench/target/bench-$(VERSION)-all.jar
SOURCES := pom.xml $(wildcard modules/*/pom.xml) $(shell find modules -path '*/src/main/*' -type f 2>/dev/null)
JAVA_OPTS ?= -Xms256m -Xmx1g -XX:+UseG1GC
# the official MCP TypeScript SDK client the MCP server's tests drive (npm packages, not committed)
MCP_CLIENT := modules/chat-service/src/test/mcp-client
# where make daprd puts the pinned daprd (modules/daprd's DaprdBinary looks in the same place; DAPRD overrides)
DAPR_VERSION := $(shell sed -n 's|^require github.com/dapr/dapr v||p' tools/daprd/go.mod)
DAPRD_BIN := $(or $(DAPRD),$(or $(XDG_CACHE_HOME),$(HOME)/.cache)/todo-chatbot/dapr-$(DAPR_VERSION)/daprd)
# the web UI (webui/: TypeScript, Vite, React), built into webui/dist, which the edge's jar serves
HAVE_NPM := $(shell command -v npm 2>/dev/null)
WEBUI_SOURCES := webui/package.json webui/package-lock.json webui/index.html webui/vite.config.ts webui/tsconfig.json \
  $(shell find webui/src -type f 2>/dev/null)
WEBUI_DIST := webui/dist/index.html
ifneq ($(HAVE_NPM),)
  WEBUI_BUILD := $(WEBUI_DIST)
else
  WEBUI_BUILD :=
endif

# container images (Jib, no Docker daemon): one per service, named <registry>/<service>:<tag> as the chart
# names them. Without REGISTRY, tars in target/images for `minikube image load`; with it, pushed.
IMAGE_SERVICES := edge task-service chat-service audit-service recurrence-service notification-service
comma := ,
empty :=
IMAGE_MODULES := $(subst $(empty) $(empty),$(comma),$(addprefix modules/,$(IMAGE_SERVICES)))
TAG ?= $(VERSION)
REGISTRY ?=
# linux/amd64 (Jib's default) unless set: PLATFORM=linux/arm64 for minikube on an arm64 machine
PLATFORM ?=
IMAGE_OPTS = -Dimage.tag=$(TAG) -Dimage.revision=$(shell git rev-parse HEAD 2>/dev/null || echo unknown) \
  $(if $(PLATFORM),-Djib.from.platforms=$(PLATFORM))

.PHONY: run build test e2e bench clean help workflow-check images lint-scripts terraform-check minikube-up minikube-down daprd \
  daprd-for-tests dapr-run

help:
	@echo "make run    build if needed, then start todo-chatbot on http://localhost:$${PORT:-8080}"
	@echo "make test   run every test (real PostgreSQL, Kafka, HTTP; the web UI in Chromium)"
	@echo "make e2e    only the web UI's end-to-end tests in Chromium"
	@echo "make bench  seed 1,000,000 tasks and measure; figures in target/bench/summary.json"
	@echo "make images the six services' container images (no Docker needed): target/images/<service>.tar,"
	@echo "            named todo-chatbot/<service>:TAG (TAG=$(VERSION) unless set); with REGISTRY=ghcr.io/owner/repo"
	@echo "            pushed as REGISTRY/<service>:TAG instead"
	@echo "make daprd  build the real Dapr sidecar and the Dapr CLI (pinned in tools/daprd) into ~/.cache, with Go"
	@echo "make dapr-run  the six services beside real daprd: dapr run -f dapr/dapr.yaml, with an embedded"
	@echo "            PostgreSQL and Kafka unless DATABASE_URL and KAFKA_BROKERS are set"
	@echo "make clean  remove build output (keeps your data in .data/)"
	@echo "make minikube-up    the whole system on a local minikube (needs docker, minikube, kubectl, helm, dapr)"
	@echo "make minikube-down  delete that minikube profile and everything in it"

run: $(STANDALONE_JAR)
	exec java $(JAVA_OPTS) -jar $(STANDALONE_JAR)

build: $(STANDALONE_JAR)

$(STANDALONE_JAR) $(BENCH_JAR): $(SOURCES) $(WEBUI_BUILD)
	@[ -n "$(HAVE_NPM)" ] || echo "npm not found: the edge serves a placeholder page instead of the web UI"
	$(MVN) -q install -DskipTests
	@touch $(STANDALONE_JAR) $(BENCH_JAR)

webui/node_modules: webui/package-lock.json
	cd webui && npm ci --no-audit --no-fund --loglevel=error && touch node_modules

$(WEBUI_DIST): webui/node_modules $(WEBUI_SOURCES)
	cd webui && npm run build

test: daprd-for-tests workflow-check lint-scripts terraform-check $(MCP_CLIENT)/node_modules $(WEBUI_BUILD)
	$(MVN) install
	@if [ -n "$(HAVE_NPM)" ]; then cd webui && npm test && npm run e2e; else echo "npm not found: the web UI's tests are skipped"; fi
	@# the same Chromium scenarios once more with every service beside its own real daprd
	@if [ -n "$(HAVE_NPM)" ] && [ -x "$(DAPRD_BIN)" ]; then cd webui && SIDECAR=daprd npm run e2e; \
	else echo "no daprd at $(DAPRD_BIN) (or no npm): the web UI's scenarios on real daprd are skipped"; fi

# the GitHub workflows against GitHub's schema (action-validator, pinned in tools/workflow-check)
workflow-check:
	@if command -v npm >/dev/null 2>&1; then tools/workflow-check/check.sh; else echo "npm not found: the workflow check is skipped"; fi

# every shell script in the repository (found by its shebang), as CI's lint job does
lint-scripts:
	@if command -v shellcheck >/dev/null 2>&1; then tools/lint-scripts.sh; \
	else echo "shellcheck not found: the shell scripts are not linted"; fi

# doks/*.tf parsed by HashiCorp's HCL parser (npm, WebAssembly; no terraform binary needed), every
# reference declared, the provider pinned
terraform-check:
	@if command -v npm >/dev/null 2>&1; then tools/terraform-check/check.sh; else echo "npm not found: the Terraform check is skipped"; fi

# the whole system on a local minikube (see minikube/README.md); safe to re-run
minikube-up:
	minikube/up.sh

minikube-down:
	minikube/down.sh

# the web UI's end-to-end tests alone, in Debian's Chromium against the system as make run starts it
e2e: $(STANDALONE_JAR) webui/node_modules
	cd webui && npm run e2e

# without npm the MCP client tests say so and are skipped; .ci/run installs Node and npm
$(MCP_CLIENT)/node_modules: $(MCP_CLIENT)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then cd $(MCP_CLIENT) && npm ci --no-audit --no-fund --loglevel=error && touch node_modules; \
	else echo "npm not found: the MCP client tests will be skipped"; fi

# The reactor packages the services and what they depend on; jib.skip keeps the other modules out.
images: $(WEBUI_BUILD)
	@[ -n "$(HAVE_NPM)" ] || echo "npm not found: the edge's image serves a placeholder page instead of the web UI"
	$(MVN) -pl $(IMAGE_MODULES) -am -DskipTests package $(IMAGE_OPTS) \
	  $(if $(REGISTRY),jib:build -Dimage.registry=$(REGISTRY),jib:buildTar -Dimage.registry=todo-chatbot)
	@$(if $(REGISTRY),,ls -1 $(addprefix target/images/,$(addsuffix .tar,$(IMAGE_SERVICES))))

# the real Dapr sidecar and the Dapr CLI, built from the Go module proxy into ~/.cache (see tools/daprd/README.md)
daprd:
	tools/daprd/build.sh

# make test builds them first (minutes the first time, nothing after); without Go it says so and goes on,
# and the real-daprd tests say they are skipped
daprd-for-tests:
	@tools/daprd/build.sh --skip-without-go >/dev/null

# the six services' jars beside real daprd, as dapr/README.md tells a new user (tools/dapr-run/run.sh)
dapr-run: $(STANDALONE_JAR)
	exec tools/dapr-run/run.sh

bench: $(BENCH_JAR)
	java -Xmx1g -jar $(BENCH_JAR)

clean:
	$(MVN) -q clean
	rm -rf target webui/dist
