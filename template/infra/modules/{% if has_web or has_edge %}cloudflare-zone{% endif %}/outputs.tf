output "settings" {
  description = "The zone settings this module enforces, by setting id."
  value       = merge(local.settings, { security_header = "hsts max-age=${var.hsts_max_age}" })
}
