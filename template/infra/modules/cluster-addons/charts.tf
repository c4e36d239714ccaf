# Every chart this module installs, pinned. Bump versions here (Renovate proposes it); the
# values files in observability/cluster/ must follow a monitoring chart's breaking changes.
locals {
  charts = {
    aws-load-balancer-controller = {
      repository = "https://aws.github.io/eks-charts"
      version    = "1.13.0"
    }
    metrics-server = {
      repository = "https://kubernetes-sigs.github.io/metrics-server"
      version    = "3.13.0"
    }
    kube-prometheus-stack = {
      repository = "https://prometheus-community.github.io/helm-charts"
      version    = "76.5.1"
    }
    loki = {
      repository = "https://grafana.github.io/helm-charts"
      version    = "6.30.1"
    }
    alloy = {
      repository = "https://grafana.github.io/helm-charts"
      version    = "1.5.1"
    }
    prometheus-blackbox-exporter = {
      repository = "https://prometheus-community.github.io/helm-charts"
      version    = "11.0.0"
    }
  }

  # Installed in this order: Prometheus' CRDs first, then what ships ServiceMonitors and rules.
  monitoring_releases = ["kube-prometheus-stack", "loki", "alloy", "prometheus-blackbox-exporter"]
}
