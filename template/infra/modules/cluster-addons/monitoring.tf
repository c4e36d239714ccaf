# The in-cluster monitoring stack. Values live with the rest of the observability config
# (observability/cluster/): <release>.values.yaml for every environment, then
# <release>.<environment>.values.yaml on top. A missing file fails the plan, never a silent default.

# node-exporter and Alloy read host metrics and logs, which the baseline level forbids.
resource "kubernetes_namespace_v1" "monitoring" {
  count = var.monitoring ? 1 : 0

  metadata {
    name = "monitoring"
    labels = merge(var.labels, {
      "pod-security.kubernetes.io/enforce" = "privileged"
      "pod-security.kubernetes.io/warn"    = "baseline"
    })
  }
}

# kube-prometheus-stack goes first: it installs the CRDs (ServiceMonitor, PrometheusRule) that
# the other releases create objects of.
resource "helm_release" "monitoring" {
  for_each = var.monitoring ? toset(["kube-prometheus-stack"]) : toset([])

  name       = each.key
  namespace  = kubernetes_namespace_v1.monitoring[0].metadata[0].name
  repository = local.charts[each.key].repository
  chart      = each.key
  version    = local.charts[each.key].version

  atomic          = true
  cleanup_on_fail = true
  timeout         = 900

  values = [
    file("${var.values_dir}/${each.key}.values.yaml"),
    file("${var.values_dir}/${each.key}.${var.environment}.values.yaml"),
  ]

  depends_on = [kubernetes_storage_class_v1.gp3]
}

resource "helm_release" "monitoring_addons" {
  for_each = var.monitoring ? setsubtract(toset(local.monitoring_releases), ["kube-prometheus-stack"]) : toset([])

  name       = each.key
  namespace  = kubernetes_namespace_v1.monitoring[0].metadata[0].name
  repository = local.charts[each.key].repository
  chart      = each.key
  version    = local.charts[each.key].version

  atomic          = true
  cleanup_on_fail = true
  timeout         = 900

  values = [
    file("${var.values_dir}/${each.key}.values.yaml"),
    file("${var.values_dir}/${each.key}.${var.environment}.values.yaml"),
  ]

  depends_on = [helm_release.monitoring]
}
