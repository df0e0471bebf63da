# The DigitalOcean side of production: a VPC, the DOKS cluster with one autoscaling node pool,
# managed PostgreSQL reachable only from the cluster, a cloud firewall for the nodes, and
# (optionally) a container registry. What runs inside the cluster is bootstrap.sh's business.

locals {
  node_tag = "${var.name}-node"
  tags     = [var.name, "terraform"]
}

resource "digitalocean_vpc" "main" {
  name     = "${var.name}-vpc"
  region   = var.region
  ip_range = var.vpc_ip_range
}

data "digitalocean_kubernetes_versions" "current" {
  version_prefix = var.kubernetes_version_prefix
}

resource "digitalocean_kubernetes_cluster" "main" {
  name     = var.name
  region   = var.region
  version  = data.digitalocean_kubernetes_versions.current.latest_version
  vpc_uuid = digitalocean_vpc.main.id
  ha       = var.ha_control_plane
  tags     = local.tags

  # patch releases in the window below; surge nodes are made first, so pods move before a node goes
  auto_upgrade  = true
  surge_upgrade = true

  maintenance_policy {
    day        = var.maintenance_day
    start_time = var.maintenance_start_time
  }

  node_pool {
    name       = "${var.name}-pool"
    size       = var.node_size
    auto_scale = true
    min_nodes  = var.node_min
    max_nodes  = var.node_max
    tags       = [local.node_tag]
    labels = {
      "todo-chatbot/pool" = "default"
    }
  }

  lifecycle {
    # a new patch release must not read as a change to the plan; auto_upgrade applies it
    ignore_changes = [version]
  }
}

resource "digitalocean_database_cluster" "postgres" {
  name                 = "${var.name}-pg"
  engine               = "pg"
  version              = var.database_version
  size                 = var.database_size
  region               = var.region
  node_count           = var.database_nodes
  private_network_uuid = digitalocean_vpc.main.id
  tags                 = local.tags
}

# The application's own database and role; the services create their schemas in it at start-up.
resource "digitalocean_database_db" "todo" {
  cluster_id = digitalocean_database_cluster.postgres.id
  name       = "todo"
}

resource "digitalocean_database_user" "todo" {
  cluster_id = digitalocean_database_cluster.postgres.id
  name       = "todo"
}

# Only the cluster's nodes may connect: everything else, the internet included, is refused.
resource "digitalocean_database_firewall" "postgres" {
  cluster_id = digitalocean_database_cluster.postgres.id

  rule {
    type  = "k8s"
    value = digitalocean_kubernetes_cluster.main.id
  }
}

# What the nodes need from the network, stated for the node tag. DigitalOcean firewalls are allow
# lists that add up: DOKS keeps its own managed firewall for the control plane's traffic, and this
# one adds nothing public. The only public entry is the load balancer ingress-nginx asks for, which
# reaches the nodes inside the VPC; nothing in the cluster is a NodePort or hostPort service.
resource "digitalocean_firewall" "nodes" {
  name = "${var.name}-nodes"
  tags = [local.node_tag]

  inbound_rule {
    protocol         = "tcp"
    port_range       = "1-65535"
    source_addresses = [digitalocean_vpc.main.ip_range]
  }

  inbound_rule {
    protocol         = "udp"
    port_range       = "1-65535"
    source_addresses = [digitalocean_vpc.main.ip_range]
  }

  inbound_rule {
    protocol         = "icmp"
    source_addresses = [digitalocean_vpc.main.ip_range]
  }

  # images (GHCR), the OpenAI API, Let's Encrypt, DigitalOcean's APIs
  outbound_rule {
    protocol              = "tcp"
    port_range            = "1-65535"
    destination_addresses = ["0.0.0.0/0", "::/0"]
  }

  outbound_rule {
    protocol              = "udp"
    port_range            = "1-65535"
    destination_addresses = ["0.0.0.0/0", "::/0"]
  }

  outbound_rule {
    protocol              = "icmp"
    destination_addresses = ["0.0.0.0/0", "::/0"]
  }
}

resource "digitalocean_container_registry" "main" {
  count                  = var.create_registry ? 1 : 0
  name                   = var.name
  subscription_tier_slug = var.registry_tier
  region                 = var.region
}

