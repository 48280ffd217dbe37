resource "google_cloud_run_v2_service" "api" {
  name     = "api"
  location = "us-central1"
  template {
    containers { image = "gcr.io/x/api" }
    vpc_access {
      connector = "projects/p/locations/us-central1/connectors/c1"
      egress    = "ALL_TRAFFIC"
    }
  }
}
