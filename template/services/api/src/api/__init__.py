"""The project's HTTP service: FastAPI behind uvicorn, built to run on Kubernetes."""
