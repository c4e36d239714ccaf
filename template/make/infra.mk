# Terraform: infra/bootstrap (once per AWS account), infra/modules, infra/environments/<env>.
# `make plan ENV=staging` then `make apply ENV=staging` applies exactly the plan you reviewed.
INFRA_ENVS := staging production
INFRA_ROOTS := infra/bootstrap $(addprefix infra/environments/,$(INFRA_ENVS))
# Files the environment roots share word for word; only backend.tf and terraform.tfvars differ.
INFRA_SHARED := versions.tf providers.tf variables.tf environment.tf main.tf outputs.tf
TF := terraform
# init + validate and tflint's plugins download from the network; without it,
# `make check TF_VALIDATE=false` still runs every offline check.
TF_VALIDATE ?= true

CHECK_TARGETS += infra-check
DOCTOR_TOOLS += terraform

infra-env:
	@case "$(ENV)" in staging | production) ;; *) echo "ENV must be one of: $(INFRA_ENVS) (got '$(ENV)')" >&2; exit 2 ;; esac

fmt: ## format every Terraform file in place
	$(TF) fmt -recursive infra

infra-check: ## Terraform: fmt, environments in sync, init + validate every root, tflint when installed
	$(TF) fmt -check -recursive -diff infra
	@for file in $(INFRA_SHARED); do \
	  diff -u infra/environments/staging/$$file infra/environments/production/$$file \
	    || { echo "infra/environments/*/$$file differ: keep the shared files identical" >&2; exit 1; }; \
	done
	@if [ "$(TF_VALIDATE)" != true ]; then echo "TF_VALIDATE=$(TF_VALIDATE): terraform init/validate skipped"; exit 0; fi; \
	for root in $(INFRA_ROOTS); do \
	  echo "validate $$root"; \
	  $(TF) -chdir=$$root init -backend=false -input=false -no-color >/dev/null && \
	  $(TF) -chdir=$$root validate -no-color || exit 1; \
	done; \
	if command -v tflint >/dev/null 2>&1; then \
	  tflint --init --config "$(CURDIR)/.tflint.hcl" && \
	  cd infra && tflint --recursive --config "$(CURDIR)/.tflint.hcl"; \
	else echo "tflint not installed: skipped (CI installs it)"; fi

infra-lock: ## record provider checksums for Linux and macOS in every root's .terraform.lock.hcl
	@for root in $(INFRA_ROOTS); do \
	  $(TF) -chdir=$$root providers lock -platform=linux_amd64 -platform=linux_arm64 -platform=darwin_arm64 -platform=darwin_amd64 || exit 1; \
	done

plan: infra-env ## terraform plan of ENV=staging|production into infra/environments/ENV/ENV.tfplan
	$(TF) -chdir=infra/environments/$(ENV) init -input=false -lockfile=readonly
	$(TF) -chdir=infra/environments/$(ENV) plan -input=false -out=$(ENV).tfplan

apply: infra-env ## apply the plan `make plan ENV=...` saved (and nothing else)
	@test -f infra/environments/$(ENV)/$(ENV).tfplan || { echo "no saved plan: run 'make plan ENV=$(ENV)' first" >&2; exit 2; }
	$(TF) -chdir=infra/environments/$(ENV) apply -input=false $(ENV).tfplan
	rm -f infra/environments/$(ENV)/$(ENV).tfplan

.PHONY: infra-env fmt infra-check infra-lock plan apply
