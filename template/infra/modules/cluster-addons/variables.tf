variable "cluster_name" {
  description = "EKS cluster the add-ons run in."
  type        = string
}

variable "aws_region" {
  description = "Region of the cluster (the load balancer controller needs it)."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the cluster (the load balancer controller needs it)."
  type        = string
}

variable "environment" {
  description = "staging or production: picks observability/cluster/<release>.<environment>.values.yaml."
  type        = string

  validation {
    condition     = contains(["staging", "production"], var.environment)
    error_message = "environment: staging or production."
  }
}

variable "app_namespace" {
  description = "Namespace of the application; created here with the restricted Pod Security level."
  type        = string
}

variable "labels" {
  description = "Labels on every namespace this module creates."
  type        = map(string)
  default     = {}
}

variable "monitoring" {
  description = "Install the monitoring stack (kube-prometheus-stack, Loki, Alloy, blackbox exporter) from the values in values_dir."
  type        = bool
  default     = false
}

variable "values_dir" {
  description = "Folder of the monitoring charts' values: <release>.values.yaml plus <release>.<environment>.values.yaml."
  type        = string
  default     = null

  validation {
    condition     = var.values_dir == null || try(length(var.values_dir) > 0, false)
    error_message = "values_dir: a folder path, or null without monitoring."
  }
}
