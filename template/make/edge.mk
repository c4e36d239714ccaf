# The API Worker in apps/edge (Cloudflare Workers, TypeScript).
EDGE := apps/edge
EDGE_PORT ?= 8787
COMMIT ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)

edge-dev: $(NODE_MODULES) ## run the Worker on http://127.0.0.1:8787 (EDGE_PORT), local KV and Queues (secrets: apps/edge/.dev.vars)
	npm run dev --workspace $(EDGE) -- --port $(EDGE_PORT)

edge-check: $(NODE_MODULES) ## type-check the Worker and its tests (tsc --noEmit)
	npm run check --workspace $(EDGE)

edge-test: $(NODE_MODULES) ## run the Worker's tests inside workerd, the Workers runtime
	npm run test --workspace $(EDGE)

edge-build: $(NODE_MODULES) ## bundle the Worker as a deploy would (wrangler --dry-run) into apps/edge/dist
	npm run build --workspace $(EDGE)

edge-deploy: $(NODE_MODULES) ## deploy the Worker: make edge-deploy ENV=staging
	$(call require_env)
	npm exec --workspace $(EDGE) -- wrangler deploy --env $(ENV) --var COMMIT:$(COMMIT)

edge-rollback: $(NODE_MODULES) ## roll the Worker back to its previous version: make edge-rollback ENV=staging
	$(call require_env)
	npm exec --workspace $(EDGE) -- wrangler rollback --env $(ENV) --yes \
	  --message "make edge-rollback by $$(git config user.name || whoami)"

CHECK_TARGETS += edge-check
DEV_TARGETS += edge-dev
TEST_TARGETS += edge-test

.PHONY: edge-dev edge-check edge-test edge-build edge-deploy edge-rollback
