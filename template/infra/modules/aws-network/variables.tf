variable "name" {
  description = "Name of the VPC and prefix of its resources."
  type        = string
}

variable "cidr" {
  description = "The VPC's IPv4 range; a /16 leaves room for three AZs of large private subnets."
  type        = string
  default     = "10.0.0.0/16"

  validation {
    condition     = can(cidrhost(var.cidr, 0)) && tonumber(split("/", var.cidr)[1]) <= 20
    error_message = "cidr: an IPv4 CIDR block of /20 or larger."
  }
}

variable "az_count" {
  description = "Availability zones to spread subnets across (EKS needs at least two; three survive an AZ outage with capacity to spare)."
  type        = number
  default     = 3

  validation {
    condition     = var.az_count >= 2 && var.az_count <= 4
    error_message = "az_count: 2 to 4."
  }
}

variable "nat_gateway_per_az" {
  description = "One NAT gateway per AZ (survives an AZ outage) instead of a single shared one (cheaper)."
  type        = bool
}

variable "cluster_name" {
  description = "EKS cluster that will use the subnets (tags them for its load balancers)."
  type        = string
}

variable "flow_log_retention_days" {
  description = "Days VPC flow logs are kept in CloudWatch."
  type        = number
  default     = 30
}
