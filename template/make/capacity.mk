# Load testing: "what happens when load doubles?" (docs/capacity.md explains how to read it).
LOAD_DURATION ?= 30s
LOAD_CONNECTIONS ?= 50

load-test: ## wrk at LOAD_CONNECTIONS (50) then twice as many against URL= (GET only; LOAD_DURATION=30s)
	@test -n "$(URL)" || { echo "usage: make load-test URL=https://... [LOAD_DURATION=30s] [LOAD_CONNECTIONS=50]" >&2; exit 2; }
	bash scripts/load-test.sh "$(URL)" "$(LOAD_DURATION)" "$(LOAD_CONNECTIONS)"

.PHONY: load-test
