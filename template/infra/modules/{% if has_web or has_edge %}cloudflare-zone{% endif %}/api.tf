# Protection for /api/* in front of the Worker: a per-client rate limit (the Worker has its own
# finer limit on writes) and a method allow-list. Zone-wide entry-point rulesets, so they cover
# staging and production hosts alike and live with the other zone-wide settings.
locals {
  api_path = "starts_with(http.request.uri.path, \"/api/\")"
}

resource "cloudflare_ruleset" "api_rate_limit" {
  count = var.api_protection == null ? 0 : 1

  zone_id     = var.zone_id
  name        = "API rate limit"
  description = "Blocks a client that sends too many /api/ requests"
  kind        = "zone"
  phase       = "http_ratelimit"

  rules = [{
    ref         = "api_rate_limit"
    description = "Too many /api/ requests from one client"
    expression  = local.api_path
    action      = "block"
    enabled     = true

    ratelimit = {
      characteristics     = ["cf.colo.id", "ip.src"]
      period              = var.api_protection.period
      requests_per_period = var.api_protection.requests_per_period
      mitigation_timeout  = var.api_protection.mitigation_timeout
    }
  }]
}

resource "cloudflare_ruleset" "api_firewall" {
  count = var.api_protection == null ? 0 : 1

  zone_id     = var.zone_id
  name        = "API firewall"
  description = "Only the HTTP methods the API serves reach the Worker"
  kind        = "zone"
  phase       = "http_request_firewall_custom"

  rules = [{
    ref         = "api_methods"
    description = "Method the API does not serve"
    expression  = "${local.api_path} and not http.request.method in {${join(" ", [for m in var.api_protection.allowed_methods : "\"${m}\""])}}"
    action      = "block"
    enabled     = true
  }]
}
