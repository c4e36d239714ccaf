# Everything the API Worker needs besides its code: the route that sends /api/* to it, the
# queues behind the contact form, and the KV namespace for idempotency and dead letters. The
# Worker itself (code, bindings, vars) is deployed by wrangler from apps/edge.
resource "cloudflare_workers_route" "api" {
  zone_id = var.zone_id
  pattern = "${var.hostname}/api/*"
  script  = var.worker_name
}

# Without a site on the hostname, the route still needs a proxied record to match: 100:: is the
# documented originless placeholder.
resource "cloudflare_dns_record" "api" {
  count = var.create_dns_record ? 1 : 0

  zone_id = var.zone_id
  name    = var.hostname
  type    = "AAAA"
  content = "100::"
  proxied = true
  ttl     = 1
  comment = "Edge API Worker, managed by Terraform"
}

resource "cloudflare_queue" "contact" {
  account_id = var.account_id
  queue_name = var.contact_queue
}

resource "cloudflare_queue" "contact_dead_letter" {
  account_id = var.account_id
  queue_name = var.contact_dead_letter_queue
}
