output "vpc_id" {
  description = "Id of the VPC."
  value       = module.vpc.vpc_id
}

output "private_subnet_ids" {
  description = "Private subnets, one per AZ (nodes and internal load balancers)."
  value       = module.vpc.private_subnets
}

output "public_subnet_ids" {
  description = "Public subnets, one per AZ (internet-facing load balancers)."
  value       = module.vpc.public_subnets
}

output "azs" {
  description = "Availability zones the subnets span."
  value       = local.azs
}
