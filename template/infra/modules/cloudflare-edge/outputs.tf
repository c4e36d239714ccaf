output "worker_name" {
  description = "Name of the API Worker the route sends /api/* to."
  value       = var.worker_name
}

output "route_pattern" {
  description = "The Worker's route."
  value       = cloudflare_workers_route.api.pattern
}

output "contact_queue" {
  description = "Name of the contact queue (wrangler.jsonc producer and consumer)."
  value       = cloudflare_queue.contact.queue_name
}

output "contact_dead_letter_queue" {
  description = "Name of the contact dead-letter queue."
  value       = cloudflare_queue.contact_dead_letter.queue_name
}
