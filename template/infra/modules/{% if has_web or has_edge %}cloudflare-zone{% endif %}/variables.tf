variable "zone_id" {
  description = "Cloudflare zone whose settings this module owns (zone-wide: apply it from one environment only)."
  type        = string
}

variable "hsts_max_age" {
  description = "Strict-Transport-Security max-age in seconds."
  type        = number
  default     = 31536000

  validation {
    condition     = var.hsts_max_age >= 86400
    error_message = "hsts_max_age: at least one day (86400)."
  }
}

variable "hsts_include_subdomains" {
  description = "Send HSTS with includeSubDomains (every host of the zone must then serve HTTPS)."
  type        = bool
  default     = true
}

variable "hsts_preload" {
  description = "Ask browsers to preload HSTS. Hard to undo: enable only once every subdomain serves HTTPS."
  type        = bool
  default     = false
}

variable "api_protection" {
  description = "Rate limit and method allow-list for /api/* on every host of the zone, or null when no API is served. Zone-wide because Cloudflare allows one ruleset per phase and zone."
  type = object({
    requests_per_period = number
    period              = number
    mitigation_timeout  = number
    allowed_methods     = list(string)
  })
  default = null

  validation {
    condition     = var.api_protection == null || try(var.api_protection.requests_per_period > 0 && contains([10, 60, 120, 300, 600, 3600], var.api_protection.period), false)
    error_message = "api_protection: requests_per_period above 0 and period one of 10, 60, 120, 300, 600, 3600 seconds (plans allow fewer)."
  }
}
