"""Adapters that feed real data into the checks: the embedding loader (:mod:`simtheory.embeddings.loader`)
and the preference-text converter (:mod:`simtheory.embeddings.convert`, ``python -m simtheory.embed``)."""

from simtheory.embeddings.convert import convert, read_preferences
from simtheory.embeddings.loader import EmbeddingData, MinMaxScaler, load_embeddings, load_for_grid

__all__ = ["EmbeddingData", "MinMaxScaler", "convert", "load_embeddings", "load_for_grid", "read_preferences"]
