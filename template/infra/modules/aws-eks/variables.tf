variable "cluster_name" {
  description = "Name of the EKS cluster."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z][a-zA-Z0-9-]{0,99}$", var.cluster_name))
    error_message = "cluster_name: starts with a letter; letters, digits and hyphens, at most 100 characters."
  }
}

variable "kubernetes_version" {
  description = "Kubernetes minor version of the control plane and nodes (upgrade one minor at a time)."
  type        = string
  default     = "1.34"

  validation {
    condition     = can(regex("^1\\.[0-9]{2}$", var.kubernetes_version))
    error_message = "kubernetes_version: a minor version such as 1.34."
  }
}

variable "vpc_id" {
  description = "VPC the cluster runs in."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets for the control plane's network interfaces and the nodes (one per AZ)."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "subnet_ids: at least two subnets in different AZs."
  }
}

variable "endpoint_public_access" {
  description = "Expose the Kubernetes API endpoint publicly (still IAM-authenticated). False keeps it VPC-only; CI then needs a runner inside the VPC."
  type        = bool
  default     = true
}

variable "endpoint_public_access_cidrs" {
  description = "Networks allowed to reach the public API endpoint."
  type        = list(string)
  default     = ["0.0.0.0/0"]
}

variable "node_instance_types" {
  description = "Instance types of the managed node group, in order of preference."
  type        = list(string)
}

variable "node_capacity_type" {
  description = "ON_DEMAND or SPOT for the managed node group."
  type        = string
  default     = "ON_DEMAND"

  validation {
    condition     = contains(["ON_DEMAND", "SPOT"], var.node_capacity_type)
    error_message = "node_capacity_type: ON_DEMAND or SPOT."
  }
}

variable "node_min_size" {
  description = "Fewest nodes (set it so losing one AZ still leaves room for every replica)."
  type        = number
}

variable "node_max_size" {
  description = "Most nodes the group may scale to."
  type        = number
}

variable "node_desired_size" {
  description = "Nodes at creation; later changes come from scaling, not from Terraform."
  type        = number
}

variable "log_retention_days" {
  description = "Days control-plane logs are kept in CloudWatch."
  type        = number
}

variable "deletion_protection" {
  description = "Refuse to delete the cluster until this is turned off."
  type        = bool
}

variable "deploy_role_arn" {
  description = "Role CI deploys with; gets admin rights in the application namespace only. Null for none."
  type        = string
  default     = null
}

variable "admin_roles" {
  description = "IAM roles with cluster-admin rights, by a name known before apply (e.g. { terraform = <role arn> }): the names key EKS access entries, so they cannot wait for an apply."
  type        = map(string)
  default     = {}
}

variable "app_namespace" {
  description = "Namespace the application is deployed to."
  type        = string
}

variable "app_service_account" {
  description = "Service account of the application's pods (its Pod Identity association)."
  type        = string
  default     = "api"
}

variable "app_policy_arns" {
  description = "Managed policies the application's pods get through Pod Identity (e.g. to read one S3 bucket). Empty: no AWS permissions."
  type        = map(string)
  default     = {}
}
