"""The jixiao service: FastAPI app over the store (``create_app(settings)`` in :mod:`api.main`)."""
