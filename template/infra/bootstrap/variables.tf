variable "project_slug" {
  description = "Short machine name of the project; prefixes every resource name."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,28}[a-z0-9]$", var.project_slug))
    error_message = "project_slug: 2-30 lowercase letters, digits and hyphens."
  }
}

variable "aws_region" {
  description = "Region of the state bucket (the environments' S3 backend uses the same one)."
  type        = string
}

variable "aws_account_id" {
  description = "The AWS account this run targets (12 digits). Terraform refuses to run against any other."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.aws_account_id))
    error_message = "aws_account_id: 12 digits."
  }
}

variable "create_state_bucket" {
  description = "Create the state bucket in this account. True in exactly one account (the one that holds state); false in the others, where bootstrap only creates the GitHub OIDC provider."
  type        = bool
}

variable "state_bucket" {
  description = "Name of the S3 bucket that holds every environment's Terraform state."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.state_bucket))
    error_message = "state_bucket: a valid S3 bucket name."
  }
}

variable "state_access" {
  description = "Other AWS accounts that keep their state in this bucket, each limited to its own key prefix: { \"111111111111\" = \"staging/\" }."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for account, prefix in var.state_access : can(regex("^[0-9]{12}$", account)) && endswith(prefix, "/")])
    error_message = "state_access: keys are 12-digit account ids, values key prefixes ending in '/'."
  }
}

variable "noncurrent_state_retention_days" {
  description = "How long superseded state versions are kept (they are the undo history of every apply)."
  type        = number
  default     = 90

  validation {
    condition     = var.noncurrent_state_retention_days >= 30
    error_message = "noncurrent_state_retention_days: at least 30 days, so a bad apply can still be rolled back."
  }
}
