# Observability: alert rules and their unit tests, Alertmanager, the local monitoring stack.
OBSERVABILITY := observability
COMPOSE_OBSERVABILITY := docker compose -f $(OBSERVABILITY)/compose.yaml

CHECK_TARGETS += observability-check
DOCTOR_TOOLS += promtool amtool

observability-check: ## validate the Prometheus config and rules, run the alert unit tests, validate Alertmanager
	promtool check config $(OBSERVABILITY)/prometheus/prometheus.yml
	promtool check rules $(OBSERVABILITY)/prometheus/rules/*.rules.yml
	promtool test rules $(OBSERVABILITY)/prometheus/tests/*.test.yml
	amtool check-config $(OBSERVABILITY)/alertmanager/alertmanager.yml

# The compose stack reads its secrets from files; make them once (git ignores the folder).
$(OBSERVABILITY)/.secrets/grafana-admin-password:
	@mkdir -p $(@D)
	@umask 077 && python3 -c 'import secrets; print(secrets.token_urlsafe(24))' > $@
	@echo "created $@ (Grafana's admin password)"

$(OBSERVABILITY)/.secrets/smtp-password:
	@mkdir -p $(@D)
	@umask 077 && : > $@

dev-observability: $(OBSERVABILITY)/.secrets/grafana-admin-password $(OBSERVABILITY)/.secrets/smtp-password ## start Prometheus, Alertmanager, Grafana, Loki, Alloy and probes locally (Docker)
	$(COMPOSE_OBSERVABILITY) up --detach --wait
	@echo "Grafana      http://127.0.0.1:3000  (user admin, password in $(OBSERVABILITY)/.secrets/grafana-admin-password)"
	@echo "Prometheus   http://127.0.0.1:9090   Alertmanager http://127.0.0.1:9093   Loki http://127.0.0.1:3100"

dev-observability-down: ## stop the local monitoring stack (its data volumes stay)
	$(COMPOSE_OBSERVABILITY) down

.PHONY: observability-check dev-observability dev-observability-down
