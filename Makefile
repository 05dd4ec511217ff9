# Moksho: `make run` starts the whole platform, `make test` tests it.
# Targets loop over the workspace's modules: ./... does not cross module
# boundaries in a Go workspace.

SHELL := /bin/bash
.DEFAULT_GOAL := help

MODULES      := $(shell go list -m -f '{{.Dir}}')
PACKAGES     := $(shell go list -m -f '{{.Path}}/...')
STATICCHECK_VERSION := v0.8.2
STATICCHECK  := $(CURDIR)/bin/staticcheck-$(STATICCHECK_VERSION)
GO_TEST_FLAGS ?= -race -count=1 -timeout 20m
FUZZ_TIME    ?= 10s

include mk/proto.mk

.PHONY: deps help run test test-short lint fmt vet staticcheck tidy bench e2e fuzz pg pg-stop clean

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | sort | awk 'BEGIN {FS = ":.*## "}; {printf "  \033[36m%-16s\033[0m %s\n", $$1, $$2}'

deps: ## Install missing system packages (PostgreSQL, ffmpeg, pocketsphinx) with apt-get
	@./scripts/deps.sh

run: deps ## Run the whole platform (web client at http://127.0.0.1:8080)
	go run ./deploy/local/cmd/moksho

pg: ## Find or start the PostgreSQL server used by run and test; print its URL
	@go run ./deploy/local/cmd/pgup

pg-stop: ## Stop the private PostgreSQL cluster under .data/pg, if one runs
	@dir=$$(cat .data/pg.dir 2>/dev/null || echo .data/pg); \
	if [ -f "$$dir/postmaster.pid" ]; then \
		pgctl=$$(ls -d /usr/lib/postgresql/*/bin/pg_ctl | sort -V | tail -1); \
		if [ "$$(id -u)" = 0 ]; then runuser -u postgres -- $$pgctl -D "$$dir" -m fast stop; else $$pgctl -D "$$dir" -m fast stop; fi; \
	else echo "no private cluster running"; fi

test: deps ## Run every module's tests against real PostgreSQL, JetStream and S3
	@url=$$(go run ./deploy/local/cmd/pgup) || exit 1; \
	MOKSHO_TEST_DATABASE_URL="$$url" go test $(GO_TEST_FLAGS) $(PACKAGES)

test-short: deps ## Run the fast tests only (-short)
	@url=$$(go run ./deploy/local/cmd/pgup) || exit 1; \
	MOKSHO_TEST_DATABASE_URL="$$url" go test -short -count=1 $(PACKAGES)

e2e: ## Start deploy/local for real; drive the HTTP API and the web client in Chromium (screenshots in artifacts/e2e)
	@./scripts/deps.sh e2e
	@url=$$(go run ./deploy/local/cmd/pgup) || exit 1; \
	MOKSHO_TEST_DATABASE_URL="$$url" go test -count=1 -tags e2e -timeout 20m ./deploy/local/e2e/...

bench: deps ## Run the benchmarks and quality measurements recorded in docs/benchmarks.md
	@echo "# Resume pipeline quality on the labelled fixtures (skills precision/recall, own role's rank)"
	@go test -count=1 -v -run '^TestQuality$$' ./services/resumes/ | sed -n 's/^ *quality_test.go:[0-9]*: //p'
	@echo
	@echo "# Resume pipeline on blind resumes (labelled without sight of the taxonomy)"
	@go test -count=1 -v -run '^TestQualityBlind$$' ./services/resumes/ | sed -n 's/^ *quality_blind_test.go:[0-9]*: //p'
	@echo
	@echo "# Answer scoring: calibration against human grades (Spearman) and the hold-out set"
	@go test -count=1 -v -run '^(TestCalibration|TestHoldout)$$' ./services/evaluation/internal/score/ | sed -n 's/^ *[a-z_]*_test.go:[0-9]*: //p'
	@echo
	@echo "# Answer scoring: blind hold-out sets (pooled Spearman, excellent answers' scores)"
	@go test -count=1 -v -run '^TestHoldoutBlind$$' ./services/evaluation/internal/score/ | sed -n 's/^ *[a-z_]*_test.go:[0-9]*: //p' | grep pooled
	@echo
	@echo "# Offline transcription (pocketsphinx): word error rate and real-time factor"
	@go test -count=1 -v -run '^TestWordErrorRate$$' ./services/evaluation/internal/transcribe/ | sed -n 's/^ *[a-z_]*_test.go:[0-9]*: //p' | grep -E '^(file|wer|rtf)'
	@echo
	@echo "# Answer scoring speed, one core (go test -bench)"
	@go test -run '^$$' -bench . -benchtime 2s -cpu 1 ./services/evaluation/internal/score/ | grep -E '^Benchmark|^cpu'
	@echo
	@url=$$(go run ./deploy/local/cmd/pgup) || exit 1; \
	MOKSHO_TEST_DATABASE_URL="$$url" go run ./deploy/local/cmd/bench

fuzz: ## Run every fuzz target briefly (FUZZ_TIME each); fails only on a written reproducer
	@FUZZ_TIME=$(FUZZ_TIME) ./scripts/fuzz.sh

lint: fmt vet staticcheck proto-lint proto-check ## gofmt, go vet, staticcheck, buf lint, generated code freshness

fmt: ## Fail when a Go file is not gofmt-formatted
	@out=$$(gofmt -l $(MODULES)); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet: ## go vet every module
	go vet $(PACKAGES)

$(STATICCHECK):
	GOBIN=$(CURDIR)/bin go install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
	mv $(CURDIR)/bin/staticcheck $@

staticcheck: $(STATICCHECK) ## staticcheck every module
	$(STATICCHECK) $(PACKAGES)

tidy: ## go mod tidy in every module
	@for dir in $(MODULES); do (cd $$dir && go mod tidy) || exit 1; done

clean: ## Remove local data (.data) and tools (bin)
	rm -rf .data bin
