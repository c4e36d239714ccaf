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
  description = "Host name whose /api/* the Worker answers (e.g. staging.example.com)."
  type        = string
}

variable "worker_name" {
  description = "Name of the API Worker, as `make edge-deploy` deploys it."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{0,62}$", var.worker_name))
    error_message = "worker_name: lowercase letters, digits and hyphens, at most 63 characters."
  }
}

variable "contact_queue" {
  description = "Queue of contact submissions the upstream could not take right away (the Worker's CONTACT_QUEUE binding)."
  type        = string
}

variable "contact_dead_letter_queue" {
  description = "Queue that receives contact submissions after the last retry (kept for a person to replay)."
  type        = string
}

variable "create_dns_record" {
  description = "Create the proxied hostname record. False when the site already owns the hostname's record."
  type        = bool
}
