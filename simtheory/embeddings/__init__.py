"""Adapters that feed real data into the checks (see :mod:`simtheory.embeddings.loader`)."""
from simtheory.embeddings.loader import EmbeddingData, MinMaxScaler, load_embeddings, load_for_grid

__all__ = ["EmbeddingData", "MinMaxScaler", "load_embeddings", "load_for_grid"]
