# Terraform and the DigitalOcean provider, pinned: a plan made today is the plan made next month.
terraform {
  required_version = ">= 1.6.0"

  required_providers {
    digitalocean = {
      source  = "digitalocean/digitalocean"
      version = "2.67.0"
    }
  }
}

# The token comes from the environment (DIGITALOCEAN_TOKEN), never from a file in git.
provider "digitalocean" {}
