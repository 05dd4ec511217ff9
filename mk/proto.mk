# Protobuf tooling: pinned buf and protoc plugins, code generation, lint,
# freshness and breaking-change checks. Included by the top-level Makefile,
# so paths are relative to $(CURDIR), the repository root.

# Pinned tool versions. Changing one reinstalls only that tool.
BUF_VERSION                := v1.75.0
PROTOC_GEN_GO_VERSION      := v1.36.12
PROTOC_GEN_GO_GRPC_VERSION := v1.6.2

# Branch that proto-breaking compares against.
PROTO_BREAKING_BRANCH ?= main

PROTO_DIR := $(CURDIR)/proto
PROTO_BIN := $(CURDIR)/bin
BUF       := $(PROTO_BIN)/buf
# Generated files, as a find -name pattern (protoc-gen-go and -go-grpc both
# write *.pb.go).
PROTO_GEN_PATTERN := *.pb.go

# buf finds the local plugins on PATH: put the pinned ones first.
PROTO_ENV := PATH="$(PROTO_BIN):$$PATH"

PROTO_TOOLS := $(BUF) $(PROTO_BIN)/protoc-gen-go $(PROTO_BIN)/protoc-gen-go-grpc

# Keep this fragment from taking over the default goal when it is included
# before the top-level Makefile's first target.
_PROTO_MK_DEFAULT_GOAL := $(.DEFAULT_GOAL)

.PHONY: tools-proto proto proto-lint proto-check proto-breaking

tools-proto: $(PROTO_TOOLS) ## Install the pinned buf and protoc plugins into bin/

proto: tools-proto ## Regenerate Go code from .proto files with buf (and format them)
	cd "$(PROTO_DIR)" && $(PROTO_ENV) "$(BUF)" format -w
	cd "$(PROTO_DIR)" && $(PROTO_ENV) "$(BUF)" generate

proto-lint: tools-proto ## Lint .proto files with buf (STANDARD rules)
	cd "$(PROTO_DIR)" && "$(BUF)" lint

# Regenerates into a temporary directory and compares it with the generated
# files in the tree, which it does not touch. Fails on stale, missing or
# leftover generated files and on unformatted .proto files.
proto-check: tools-proto ## Fail if generated code or .proto formatting is stale (run make proto)
	@set -e; \
	tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT INT TERM; \
	cd "$(PROTO_DIR)"; \
	if ! "$(BUF)" format --diff --exit-code >"$$tmp/format.diff"; then \
		cat "$$tmp/format.diff"; \
		echo "proto-check: .proto files are not formatted; run 'make proto' and commit the result" >&2; \
		exit 1; \
	fi; \
	mkdir "$$tmp/generated" "$$tmp/committed"; \
	$(PROTO_ENV) "$(BUF)" generate -o "$$tmp/generated"; \
	find . -type f -name '$(PROTO_GEN_PATTERN)' | tar -cf - -T - | tar -xf - -C "$$tmp/committed"; \
	if ! (cd "$$tmp" && diff -r committed generated >/dev/null); then \
		(cd "$$tmp" && diff -ru committed generated | head -n 200) || true; \
		echo "proto-check: generated code in proto/ is stale; run 'make proto' and commit the result" >&2; \
		exit 1; \
	fi; \
	echo "proto-check: generated code is up to date"

# Compares against $(PROTO_BREAKING_BRANCH) as committed in the local
# repository. Skipped while that branch has no proto/ directory (or does not
# exist yet, before the first commit).
proto-breaking: tools-proto ## Check .proto changes for breaking changes against main
	@if ! git -C "$(CURDIR)" cat-file -e "refs/heads/$(PROTO_BREAKING_BRANCH):proto" 2>/dev/null; then \
		echo "proto-breaking: skipped: branch $(PROTO_BREAKING_BRANCH) has no proto/ directory yet"; \
	else \
		echo "cd proto && buf breaking --against '$(CURDIR)/.git#branch=$(PROTO_BREAKING_BRANCH),subdir=proto'"; \
		cd "$(PROTO_DIR)" && "$(BUF)" breaking --against "$(CURDIR)/.git#branch=$(PROTO_BREAKING_BRANCH),subdir=proto"; \
	fi

# Each tool is installed when its binary is missing or older than the stamp
# for its pinned version; a new version means a new stamp. go install may
# leave an up-to-date binary untouched, hence the touch.
$(BUF): $(PROTO_BIN)/.buf-$(BUF_VERSION)
	GOBIN="$(PROTO_BIN)" go install github.com/bufbuild/buf/cmd/buf@$(BUF_VERSION)
	@touch "$@"

$(PROTO_BIN)/protoc-gen-go: $(PROTO_BIN)/.protoc-gen-go-$(PROTOC_GEN_GO_VERSION)
	GOBIN="$(PROTO_BIN)" go install google.golang.org/protobuf/cmd/protoc-gen-go@$(PROTOC_GEN_GO_VERSION)
	@touch "$@"

$(PROTO_BIN)/protoc-gen-go-grpc: $(PROTO_BIN)/.protoc-gen-go-grpc-$(PROTOC_GEN_GO_GRPC_VERSION)
	GOBIN="$(PROTO_BIN)" go install google.golang.org/grpc/cmd/protoc-gen-go-grpc@$(PROTOC_GEN_GO_GRPC_VERSION)
	@touch "$@"

# Versions start with "v", so .protoc-gen-go-v* leaves the -grpc stamps alone.
$(PROTO_BIN)/.buf-$(BUF_VERSION):
	@mkdir -p "$(PROTO_BIN)"
	@rm -f "$(PROTO_BIN)"/.buf-v*
	@touch "$@"

$(PROTO_BIN)/.protoc-gen-go-$(PROTOC_GEN_GO_VERSION):
	@mkdir -p "$(PROTO_BIN)"
	@rm -f "$(PROTO_BIN)"/.protoc-gen-go-v*
	@touch "$@"

$(PROTO_BIN)/.protoc-gen-go-grpc-$(PROTOC_GEN_GO_GRPC_VERSION):
	@mkdir -p "$(PROTO_BIN)"
	@rm -f "$(PROTO_BIN)"/.protoc-gen-go-grpc-v*
	@touch "$@"

ifeq ($(_PROTO_MK_DEFAULT_GOAL),)
.DEFAULT_GOAL :=
endif
