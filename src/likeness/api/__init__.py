"""The HTTP API (FastAPI): app factory, dependencies, error mapping and routers per resource."""
