output "github_oidc_provider_arn" {
  description = "ARN of GitHub Actions' OIDC provider in this account (the environments' roles trust it)."
  value       = aws_iam_openid_connect_provider.github.arn
}

output "state_bucket" {
  description = "Name of the state bucket, or null when this account does not hold it."
  value       = var.create_state_bucket ? aws_s3_bucket.state[0].id : null
}
