"""Bradley-Terry model family (tutorial "The Bradley-Terry Model for Preferences"; Rethinking BT, Sec. 2).

model: the arena entry point ``fit`` (battles table or win matrix; ties, weights, covariates, position;
Fisher / sandwich / bootstrap CIs; Elo scale; forest plot) on a sparse Newton solver;
arena: classic BT maximum likelihood (Newton, gauge mean zero, Fisher SEs);
thurstone: probit variant; ties: Rao-Kupper and Davidson; losses: stable softplus loss,
margin loss, reward regularisation; regression: BT regression through statsmodels.
"""

from simtheory.bt.arena import BTFit, fit_bt, gradient_descent_bt, simulate_arena, win_matrix
from simtheory.bt.losses import bt_loss, bt_loss_grad, margin_loss, reward_regularisation
from simtheory.bt.model import BTResult, fit
from simtheory.bt.regression import fit_bt_regression
from simtheory.bt.thurstone import fit_thurstone
from simtheory.bt.ties import fit_davidson, fit_rao_kupper

__all__ = [
    "BTFit",
    "fit_bt",
    "win_matrix",
    "simulate_arena",
    "gradient_descent_bt",
    "bt_loss",
    "bt_loss_grad",
    "margin_loss",
    "reward_regularisation",
    "fit_thurstone",
    "fit_rao_kupper",
    "fit_davidson",
    "fit_bt_regression",
    "fit",
    "BTResult",
]
