variable "name" {
  description = "Name of the IAM role GitHub Actions assumes."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.name))
    error_message = "name: 1-64 characters allowed in IAM role names."
  }
}

variable "github_repository" {
  description = "Repository (owner/name) whose workflows may assume the role."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$", var.github_repository))
    error_message = "github_repository: owner/name."
  }
}

variable "github_environment" {
  description = "GitHub environment a job must run in to assume the role (protect it with required reviewers for production)."
  type        = string

  validation {
    condition     = length(var.github_environment) > 0
    error_message = "github_environment: must not be empty; a role open to every workflow run is what this module exists to prevent."
  }
}

variable "oidc_provider_arn" {
  description = "ARN of GitHub Actions' OIDC provider in this account (created by infra/bootstrap)."
  type        = string
}

variable "policy_json" {
  description = "Inline IAM policy (JSON) with exactly what the role's jobs need. Null for none."
  type        = string
  default     = null
}

variable "managed_policy_arns" {
  description = "Managed policies to attach, when an inline policy cannot express the need."
  type        = list(string)
  default     = []
}

variable "max_session_duration" {
  description = "Longest session in seconds; a deploy job should finish well inside it."
  type        = number
  default     = 3600

  validation {
    condition     = var.max_session_duration >= 900 && var.max_session_duration <= 43200
    error_message = "max_session_duration: 900 to 43200 seconds."
  }
}
