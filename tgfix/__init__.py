"""tgfix: TextGrad for code repair. A file is the variable, its failing tests are the loss.

    import tgfix as tg
    import tgfix.local  # the embedded model, as local/qwen2.5-coder-1.5b
    x = tg.Variable.from_file("solution.py", role="solution to the problem in problem.md")
    loss_fn = tg.TestLoss(tests="tests/")
    engine = tg.LLM("local/qwen2.5-coder-1.5b")
    opt = tg.TGD([x], model=engine)
    for _ in range(5):
        loss = loss_fn(x)
        if loss.passed:
            break
        tg.backward(loss, engine)  # textual gradient into x.grad
        opt.step(loss)             # proposes, validates, keeps only improvements
        opt.zero_grad()
"""

import importlib
import os

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")  # before litellm loads: no price-list download

_EXPORTS = {
    "backward": "tgfix.gradient", "Budget": "tgfix.budget", "LLM": "tgfix.llm", "Usage": "tgfix.llm",
    "Loss": "tgfix.loss", "LossFunction": "tgfix.loss", "TestLoss": "tgfix.loss",
    "TGD": "tgfix.optimizer", "StepResult": "tgfix.optimizer",
    "TestReport": "tgfix.runner", "Variable": "tgfix.variable",
}
__all__ = sorted(_EXPORTS)
__version__ = "0.1.0"


def __getattr__(name: str):
    """Import lazily: litellm alone takes seconds to load, and the hook must stay fast when tests pass."""
    if name not in _EXPORTS:
        raise AttributeError(f"module 'tgfix' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
