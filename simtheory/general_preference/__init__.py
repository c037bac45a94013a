"""General preference embedding model (GPM) of *Beyond Bradley-Terry* (Sections 4-5, Appendices A-C).

* :mod:`.operator`   - skew-symmetric block operator R (Def. 4.2), score (eq. 4.1) with scale gate D(x).
* :mod:`.embedding`  - exact embeddings of any real skew-symmetric P (Thm. 4.4, 4.5, A.2), Prop. A.1.
* :mod:`.cyclic`     - cyclic / tournament data, Hodge decomposition, BT vs GPM maximum-likelihood fits.
* :mod:`.games`      - multiplicative weights (GPO, Thm. 5.1), duality gap, Nash equilibrium by LP.
"""

from simtheory.general_preference.embedding import (
    block_form_of_operator,
    complex_embeddings,
    complex_score_matrix,
    exact_embeddings_2k,
    spectral_embeddings,
)
from simtheory.general_preference.operator import block_operator, preference_prob, preference_score, score_matrix

__all__ = [
    "block_operator",
    "preference_score",
    "preference_prob",
    "score_matrix",
    "exact_embeddings_2k",
    "spectral_embeddings",
    "complex_embeddings",
    "complex_score_matrix",
    "block_form_of_operator",
]
