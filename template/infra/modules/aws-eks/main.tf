# The cluster, on the community module (pinned): managed node group across the private
# subnets, secrets encrypted with a KMS key the module creates, every control-plane log type
# on, access through EKS access entries (no aws-auth ConfigMap), and EKS Pod Identity for
# workloads that need AWS permissions.
locals {
  admin_entries = {
    for name, arn in var.admin_roles : "admin-${name}" => {
      principal_arn = arn
      policy_associations = {
        cluster_admin = {
          policy_arn   = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
          access_scope = { type = "cluster" }
        }
      }
    }
  }

  # CI deploys the Helm release into the application namespace and nowhere else.
  deploy_entries = var.deploy_role_arn == null ? {} : {
    deploy = {
      principal_arn = var.deploy_role_arn
      policy_associations = {
        namespace_admin = {
          policy_arn   = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy"
          access_scope = { type = "namespace", namespaces = [var.app_namespace] }
        }
      }
    }
  }
}

module "eks" {
  #checkov:skip=CKV_TF_1:Registry module pinned to an exact release; commit hashes apply to git sources only.
  source  = "terraform-aws-modules/eks/aws"
  version = "21.9.0"

  name               = var.cluster_name
  kubernetes_version = var.kubernetes_version

  vpc_id     = var.vpc_id
  subnet_ids = var.subnet_ids

  endpoint_private_access      = true
  endpoint_public_access       = var.endpoint_public_access
  endpoint_public_access_cidrs = var.endpoint_public_access_cidrs

  enabled_log_types                      = ["api", "audit", "authenticator", "controllerManager", "scheduler"]
  cloudwatch_log_group_retention_in_days = var.log_retention_days

  deletion_protection = var.deletion_protection

  # Who may administer the cluster is explicit; the identity that happened to create it gets nothing.
  enable_cluster_creator_admin_permissions = false
  access_entries                           = merge(local.admin_entries, local.deploy_entries)

  addons = {
    coredns    = {}
    kube-proxy = {}
    vpc-cni = {
      before_compute = true
    }
    eks-pod-identity-agent = {
      before_compute = true
    }
    aws-ebs-csi-driver = {}
  }

  eks_managed_node_groups = {
    default = {
      ami_type       = "AL2023_x86_64_STANDARD"
      instance_types = var.node_instance_types
      capacity_type  = var.node_capacity_type

      min_size     = var.node_min_size
      max_size     = var.node_max_size
      desired_size = var.node_desired_size

      # Replace a third of the nodes at a time on upgrades, so the PodDisruptionBudgets hold.
      update_config = {
        max_unavailable_percentage = 33
      }
    }
  }
}
