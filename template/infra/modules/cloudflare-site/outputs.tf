output "name" {
  description = "Pages project or Worker name the site deploys to."
  value       = var.name
}

output "hostname" {
  description = "Host name the site answers on."
  value       = cloudflare_dns_record.site.name
}

output "pages_subdomain" {
  description = "The project's *.pages.dev host (preview deployments live under it), or null for Workers hosting."
  value       = local.pages ? cloudflare_pages_project.site[0].subdomain : null
}
