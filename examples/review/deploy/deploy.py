#!/usr/bin/env python3
"""Deploys the api service to Cloud Run."""
import subprocess
import sys

PROJECT = "acme-prod"
REGION = "europe-west1"
SERVICE = "api"
CONNECTOR = f"projects/{PROJECT}/locations/{REGION}/connectors/run-egress"
INSTANCE = f"{PROJECT}:{REGION}:main-db"


def deploy(image: str, name: str = SERVICE) -> None:
    cmd = [
        "gcloud", "run", "deploy", name,
        "--image", image,
        "--project", PROJECT,
        "--region", REGION,
        "--vpc-connector", CONNECTOR,
        "--vpc-egress", "private-ranges-only",
        "--add-cloudsql-instances", INSTANCE,
        "--set-env-vars", f"DATABASE_URL=postgresql://api:hunter2-prod@/app?host=/cloudsql/{INSTANCE},LOG_LEVEL=info",
        "--set-secrets", "OPENAI_API_KEY=openai-key:latest",
        "--max-instances", "20",
    ]
    subprocess.run(cmd, check=True)


if __name__ == "__main__":
    deploy(sys.argv[1])
