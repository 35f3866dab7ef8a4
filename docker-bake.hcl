#
# docker-bake.hcl: every Flask LTS image, one target per channel and Python.
#     docker buildx bake                   # the whole matrix (group default)
#     docker buildx bake 2024              # one channel
#     docker buildx bake 2024-py312 --load --set '*.platform=linux/amd64'   # one image, into the local engine
#     REGISTRY=my.registry/flask-lts docker buildx bake --push
# The installer wheels must be in dist/ first (make docker-context); see docs/docker.md.
#
# This file is generated; do not edit it. Remake it with:
#     make dockerfiles
# from channels/*.toml, constraints/<channel>/py*.txt.
#

variable "REGISTRY" {
  default = "ghcr.io/flask-lts/flask-lts"
}

# OCI labels: created (empty: the time of the build) and revision (the workflow passes the commit).
variable "BUILD_DATE" {
  default = ""
}

variable "VCS_REF" {
  default = ""
}

group "default" {
  targets = [
    "2024-py38",
    "2024-py39",
    "2024-py310",
    "2024-py311",
    "2024-py312",
    "2024-py313",
    "2026-py310",
    "2026-py311",
    "2026-py312",
    "2026-py313",
  ]
}

group "2024" {
  targets = [
    "2024-py38",
    "2024-py39",
    "2024-py310",
    "2024-py311",
    "2024-py312",
    "2024-py313",
  ]
}

group "2026" {
  targets = [
    "2026-py310",
    "2026-py311",
    "2026-py312",
    "2026-py313",
  ]
}

target "_common" {
  context = "."
  pull = true
  platforms = [
    "linux/amd64",
    "linux/arm64",
  ]
  args = {
    BUILD_DATE = BUILD_DATE != "" ? BUILD_DATE : timestamp()
    VCS_REF = VCS_REF
  }
}

target "2024-py38" {
  inherits = ["_common"]
  dockerfile = "docker/2024/py3.8/Dockerfile"
  tags = [
    "${REGISTRY}:2024-py3.8",
    "${REGISTRY}:2024.2-py3.8",
  ]
}

target "2024-py39" {
  inherits = ["_common"]
  dockerfile = "docker/2024/py3.9/Dockerfile"
  tags = [
    "${REGISTRY}:2024-py3.9",
    "${REGISTRY}:2024.2-py3.9",
  ]
}

target "2024-py310" {
  inherits = ["_common"]
  dockerfile = "docker/2024/py3.10/Dockerfile"
  tags = [
    "${REGISTRY}:2024-py3.10",
    "${REGISTRY}:2024.2-py3.10",
  ]
}

target "2024-py311" {
  inherits = ["_common"]
  dockerfile = "docker/2024/py3.11/Dockerfile"
  tags = [
    "${REGISTRY}:2024-py3.11",
    "${REGISTRY}:2024.2-py3.11",
  ]
}

target "2024-py312" {
  inherits = ["_common"]
  dockerfile = "docker/2024/py3.12/Dockerfile"
  tags = [
    "${REGISTRY}:2024-py3.12",
    "${REGISTRY}:2024.2-py3.12",
    "${REGISTRY}:2024",
  ]
}

target "2024-py313" {
  inherits = ["_common"]
  dockerfile = "docker/2024/py3.13/Dockerfile"
  tags = [
    "${REGISTRY}:2024-py3.13",
    "${REGISTRY}:2024.2-py3.13",
  ]
}

target "2026-py310" {
  inherits = ["_common"]
  dockerfile = "docker/2026/py3.10/Dockerfile"
  tags = [
    "${REGISTRY}:2026-py3.10",
    "${REGISTRY}:2026.2-py3.10",
  ]
}

target "2026-py311" {
  inherits = ["_common"]
  dockerfile = "docker/2026/py3.11/Dockerfile"
  tags = [
    "${REGISTRY}:2026-py3.11",
    "${REGISTRY}:2026.2-py3.11",
  ]
}

target "2026-py312" {
  inherits = ["_common"]
  dockerfile = "docker/2026/py3.12/Dockerfile"
  tags = [
    "${REGISTRY}:2026-py3.12",
    "${REGISTRY}:2026.2-py3.12",
  ]
}

target "2026-py313" {
  inherits = ["_common"]
  dockerfile = "docker/2026/py3.13/Dockerfile"
  tags = [
    "${REGISTRY}:2026-py3.13",
    "${REGISTRY}:2026.2-py3.13",
    "${REGISTRY}:2026",
    "${REGISTRY}:latest",
  ]
}
