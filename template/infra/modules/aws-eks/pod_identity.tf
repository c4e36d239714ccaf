# EKS Pod Identity: a pod gets AWS credentials for its service account's role, nothing else.

module "load_balancer_controller_identity" {
  #checkov:skip=CKV_TF_1:Registry module pinned to an exact release; commit hashes apply to git sources only.
  source  = "terraform-aws-modules/eks-pod-identity/aws"
  version = "2.0.0"

  name = "${var.cluster_name}-aws-lb-controller"

  attach_aws_lb_controller_policy = true

  associations = {
    this = {
      cluster_name    = module.eks.cluster_name
      namespace       = "kube-system"
      service_account = "aws-load-balancer-controller"
    }
  }
}

module "ebs_csi_identity" {
  #checkov:skip=CKV_TF_1:Registry module pinned to an exact release; commit hashes apply to git sources only.
  source  = "terraform-aws-modules/eks-pod-identity/aws"
  version = "2.0.0"

  name = "${var.cluster_name}-ebs-csi"

  attach_aws_ebs_csi_policy = true

  associations = {
    this = {
      cluster_name    = module.eks.cluster_name
      namespace       = "kube-system"
      service_account = "ebs-csi-controller-sa"
    }
  }
}

# The application's role: no permissions until `app_policy_arns` grants some, so adding an
# AWS dependency to the service is one reviewed line, not a credentials hunt.
module "app_identity" {
  #checkov:skip=CKV_TF_1:Registry module pinned to an exact release; commit hashes apply to git sources only.
  source  = "terraform-aws-modules/eks-pod-identity/aws"
  version = "2.0.0"

  name = "${var.cluster_name}-app"

  additional_policy_arns = var.app_policy_arns

  associations = {
    this = {
      cluster_name    = module.eks.cluster_name
      namespace       = var.app_namespace
      service_account = var.app_service_account
    }
  }
}
