variable "account_id" {
  description = "Cloudflare account id (32 hex characters)."
  type        = string

  validation {
    condition     = can(regex("^[0-9a-f]{32}$", var.account_id))
    error_message = "account_id: 32 lowercase hexadecimal characters."
  }
}

variable "zone_id" {
  description = "Cloudflare zone that holds the hostname."
  type        = string
}

variable "hostname" {
  description = "Host name the site is served on (e.g. staging.example.com)."
  type        = string
}

variable "name" {
  description = "Pages project name, or the Worker that serves the static assets (the name `make web-deploy` deploys to)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{0,56}[a-z0-9]$", var.name))
    error_message = "name: lowercase letters, digits and hyphens, at most 58 characters."
  }
}

variable "hosting" {
  description = "How Cloudflare serves the site: \"pages\" (Pages project with a custom domain) or \"workers\" (a Worker with static assets on a route)."
  type        = string

  validation {
    condition     = contains(["pages", "workers"], var.hosting)
    error_message = "hosting: \"pages\" or \"workers\"."
  }
}

variable "production_branch" {
  description = "Git branch whose Pages deployments are the project's production deployment."
  type        = string
  default     = "main"
}
