output "cluster_name" {
  description = "For doctl kubernetes cluster kubeconfig save and deploy.yml's DOKS_CLUSTER variable"
  value       = digitalocean_kubernetes_cluster.main.name
}

output "cluster_id" {
  description = "The DOKS cluster's id"
  value       = digitalocean_kubernetes_cluster.main.id
}

output "kubernetes_version" {
  description = "The DOKS release the cluster was created with (auto_upgrade moves it within the minor version)"
  value       = digitalocean_kubernetes_cluster.main.version
}

output "database_host" {
  description = "The database's private host (inside the VPC)"
  value       = digitalocean_database_cluster.postgres.private_host
}

output "database_port" {
  description = "The database's port"
  value       = digitalocean_database_cluster.postgres.port
}

# bootstrap.sh reads this with terraform output -raw and writes it straight into a Kubernetes
# Secret; sensitive, so plan and apply never print it.
output "database_url" {
  description = "postgresql://todo:...@private-host:port/todo?sslmode=require, the value of the database-url Secret"
  value = format("postgresql://%s:%s@%s:%d/%s?sslmode=require",
    digitalocean_database_user.todo.name,
    urlencode(digitalocean_database_user.todo.password),
    digitalocean_database_cluster.postgres.private_host,
    digitalocean_database_cluster.postgres.port,
  digitalocean_database_db.todo.name)
  sensitive = true
}

output "registry_endpoint" {
  description = "The DOCR endpoint when create_registry is true, else empty (images come from GHCR)"
  value       = var.create_registry ? digitalocean_container_registry.main[0].endpoint : ""
}
