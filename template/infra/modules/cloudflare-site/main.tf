# The site's hosting. Pages: a direct-upload project (CI uploads the build) with the hostname
# as its custom domain. Workers: the Worker with static assets answers every path of the
# hostname through a route, so a more specific route (the edge API's /api/*) can still win,
# which a Workers custom domain would not allow.
locals {
  pages = var.hosting == "pages"
}

resource "cloudflare_pages_project" "site" {
  count = local.pages ? 1 : 0

  account_id        = var.account_id
  name              = var.name
  production_branch = var.production_branch
}

resource "cloudflare_pages_domain" "site" {
  count = local.pages ? 1 : 0

  account_id   = var.account_id
  project_name = cloudflare_pages_project.site[0].name
  name         = var.hostname
}

# Proxied, so every request passes Cloudflare's TLS, WAF and rate limiting. For a Worker the
# record only has to exist: 100:: is the documented originless placeholder.
resource "cloudflare_dns_record" "site" {
  zone_id = var.zone_id
  name    = var.hostname
  type    = local.pages ? "CNAME" : "AAAA"
  content = local.pages ? cloudflare_pages_project.site[0].subdomain : "100::"
  proxied = true
  ttl     = 1
  comment = "Site (${var.hosting}), managed by Terraform"
}

resource "cloudflare_workers_route" "site" {
  count = local.pages ? 0 : 1

  zone_id = var.zone_id
  pattern = "${var.hostname}/*"
  script  = var.name
}
