"""Adapters that feed real data into the checks (see :mod:`simtheory.adapters.embeddings`)."""
from .embeddings import EmbeddingData, MinMaxScaler, load_embeddings, load_for_grid

__all__ = ["EmbeddingData", "MinMaxScaler", "load_embeddings", "load_for_grid"]
