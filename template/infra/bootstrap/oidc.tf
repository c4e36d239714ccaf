# GitHub Actions' OIDC identity provider: one per AWS account. The environments' deploy roles
# trust it, so CI gets short-lived credentials and no long-lived AWS key exists anywhere.
resource "aws_iam_openid_connect_provider" "github" {
  url            = "https://token.actions.githubusercontent.com"
  client_id_list = ["sts.amazonaws.com"]
}
