# Sizes and names. The defaults are the $100/month configuration for about 1,000 active users
# (arithmetic in README.md); terraform.tfvars.example shows the 10,000-user one.

variable "name" {
  description = "Prefix of every resource's name (cluster, database, VPC, firewall, registry)"
  type        = string
  default     = "todo-chatbot"
}

variable "region" {
  description = "DigitalOcean region slug for everything (doctl kubernetes options regions)"
  type        = string
  default     = "fra1"
}

variable "vpc_ip_range" {
  description = "Private range of the VPC the nodes and the database share"
  type        = string
  default     = "10.110.0.0/20"
}

variable "kubernetes_version_prefix" {
  description = "Kubernetes minor version; the newest DOKS patch release of it is used (doctl kubernetes options versions)"
  type        = string
  default     = "1.33."
}

variable "ha_control_plane" {
  description = "Highly available control plane ($40/month more); the API stays up during DigitalOcean's control-plane maintenance"
  type        = bool
  default     = false
}

variable "node_size" {
  description = "Droplet size of the worker nodes (doctl kubernetes options sizes)"
  type        = string
  default     = "s-2vcpu-4gb"
}

variable "node_min" {
  description = "Fewest worker nodes: two, so a node drain or loss never takes a service's last replica"
  type        = number
  default     = 2
}

variable "node_max" {
  description = "Most worker nodes the cluster autoscaler may add when pods do not fit"
  type        = number
  default     = 3
}

variable "database_size" {
  description = "Managed PostgreSQL size slug (doctl databases options slugs --engine pg)"
  type        = string
  default     = "db-s-1vcpu-1gb"
}

variable "database_nodes" {
  description = "Managed PostgreSQL nodes: 1 = no standby; 2 or 3 add standbys that take over on failure"
  type        = number
  default     = 1
}

variable "database_version" {
  description = "PostgreSQL major version"
  type        = string
  default     = "17"
}

variable "create_registry" {
  description = "Create a DigitalOcean Container Registry; false because release.yml publishes the images to GHCR (README.md, Registry)"
  type        = bool
  default     = false
}

variable "registry_tier" {
  description = "DOCR subscription tier when create_registry is true; six repositories need professional (starter: 1, basic: 5)"
  type        = string
  default     = "professional"
}

variable "maintenance_day" {
  description = "Day of DOKS's weekly maintenance window (patch upgrades with surge nodes)"
  type        = string
  default     = "sunday"
}

variable "maintenance_start_time" {
  description = "Start (UTC, HH:MM) of the cluster's weekly maintenance window"
  type        = string
  default     = "03:00"
}
