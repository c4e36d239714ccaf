# What every cluster needs before an application lands: namespaces with Pod Security levels,
# an encrypted default StorageClass, the AWS Load Balancer Controller (Ingress -> ALB) and
# metrics-server (the HorizontalPodAutoscaler's source).

resource "kubernetes_namespace_v1" "app" {
  metadata {
    name = var.app_namespace
    labels = merge(var.labels, {
      "pod-security.kubernetes.io/enforce" = "restricted"
      "pod-security.kubernetes.io/warn"    = "restricted"
    })
  }
}

# EKS creates no default StorageClass on current versions: gp3, encrypted, bound where the pod lands.
resource "kubernetes_storage_class_v1" "gp3" {
  metadata {
    name = "gp3"
    annotations = {
      "storageclass.kubernetes.io/is-default-class" = "true"
    }
  }

  storage_provisioner    = "ebs.csi.aws.com"
  reclaim_policy         = "Delete"
  volume_binding_mode    = "WaitForFirstConsumer"
  allow_volume_expansion = true

  parameters = {
    type      = "gp3"
    encrypted = "true"
  }
}

resource "helm_release" "aws_load_balancer_controller" {
  name       = "aws-load-balancer-controller"
  namespace  = "kube-system"
  repository = local.charts.aws-load-balancer-controller.repository
  chart      = "aws-load-balancer-controller"
  version    = local.charts.aws-load-balancer-controller.version

  atomic          = true
  cleanup_on_fail = true
  timeout         = 600

  # Credentials come from the Pod Identity association on this service account (aws-eks module).
  set = [
    { name = "clusterName", value = var.cluster_name },
    { name = "region", value = var.aws_region },
    { name = "vpcId", value = var.vpc_id },
    { name = "serviceAccount.name", value = "aws-load-balancer-controller" },
    { name = "replicaCount", value = "2" },
  ]
}

resource "helm_release" "metrics_server" {
  name       = "metrics-server"
  namespace  = "kube-system"
  repository = local.charts.metrics-server.repository
  chart      = "metrics-server"
  version    = local.charts.metrics-server.version

  atomic          = true
  cleanup_on_fail = true
  timeout         = 600
}
