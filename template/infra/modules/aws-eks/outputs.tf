output "cluster_name" {
  description = "Name of the cluster (`aws eks update-kubeconfig --name`)."
  value       = module.eks.cluster_name
}

output "cluster_arn" {
  description = "ARN of the cluster."
  value       = module.eks.cluster_arn
}

output "cluster_endpoint" {
  description = "Kubernetes API endpoint."
  value       = module.eks.cluster_endpoint
}

output "cluster_certificate_authority_data" {
  description = "Base64 CA certificate of the API endpoint."
  value       = module.eks.cluster_certificate_authority_data
}

output "node_security_group_id" {
  description = "Security group shared by the nodes."
  value       = module.eks.node_security_group_id
}

output "load_balancer_controller_role_arn" {
  description = "Role of the AWS Load Balancer Controller (Pod Identity)."
  value       = module.load_balancer_controller_identity.iam_role_arn
}

output "app_role_arn" {
  description = "Role of the application's pods (Pod Identity)."
  value       = module.app_identity.iam_role_arn
}
