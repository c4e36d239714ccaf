output "app_namespace" {
  description = "Namespace the application deploys to."
  value       = kubernetes_namespace_v1.app.metadata[0].name
}

output "releases" {
  description = "Helm releases this module installed, with their chart versions."
  value = merge(
    {
      (helm_release.aws_load_balancer_controller.name) = helm_release.aws_load_balancer_controller.version
      (helm_release.metrics_server.name)               = helm_release.metrics_server.version
    },
    { for name, release in merge(helm_release.monitoring, helm_release.monitoring_addons) : name => release.version },
  )
}
