"""The mathematics of planning LLM training: every formula, constant and data loader of the course.

Modules, in the order the course teaches them:

================  ===============================================================
``kaplan``       Kaplan et al. 2020 power laws and their compute-optimal allocation
``chinchilla``   Hoffmann et al. 2022 parametric law, closed-form optimum, fitting
``overtraining`` tokens per parameter; inference-aware (lifetime) sizing
``flops``        6ND, 2ND, the fuller counts (Kaplan, PaLM, App. F), GPU-hours, PF-days
``architecture`` a model's shape, from a config.json too; exact counts, MoE active counts
``mfu``          model and hardware FLOP utilisation (PaLM's definition)
``memory``       weights, gradients, optimizer states, activations; fewest devices
``mup``          μP versus the standard parameterization, with a numpy demo
``batch``        the gradient noise scale; DeepSeek's batch-size and learning-rate laws
``budget``       from dollars or devices × days to a training plan
``returns``      what each 10× of compute buys; exact match from a per-token loss
``datalimits``   repeated data and excess parameters (Muennighoff et al.'s law)
``reconciliation`` why Kaplan found N ∝ C^0.73: non-embedding counts at small scale
``hardware``     dense peak FLOP/s of accelerators, with sources
``models``       a registry of published training runs
``data``         the loader for published tables of training runs
``fitting``      Hoffmann et al.'s Huber fit from 4,500 starts, and bootstrap intervals
``uncertainty``  a plan as a range: bootstrap refits carried to N, D, loss and dollars
``oracle``       a budgeted training oracle with a hidden law, for a graded scaling study
``synthetic``    a synthetic language (a Markov chain) whose entropy rate is known exactly
``tinylm``       a numpy MLP language model, trained on CPU, for the course's own study
``study``        the course's own scaling study: its configuration, sweep and results table
``noise_study``  the gradient noise scale measured along a run of that model
``cooldown_study`` one constant-rate run with cooldowns against separate cosine runs
``plots``        matplotlib helpers the chapters call (no maths of their own)
``explore``      explorers: live widgets in Jupyter, precomputed frames on the site
``grading``      checks, hidden tests and the sandboxed autograder (``python -m lessons.autograde``)
``cli``          the command line, ``python -m lessons`` plan | count | flops | mfu | memory
================  ===============================================================

Below them, each shared piece has one home: ``constants`` (PF-day, 6 FLOP per parameter per
token, unit guards), ``throughput`` (C = devices × peak × MFU × time), ``prices`` (published
prices per device-hour) and ``hf_configs`` (reading a config.json). Modules import only
downward; ``tests/test_imports.py`` checks that the import graph has no cycle.

All counts are raw (``n_params=7e10``, not ``70``); every docstring states units in brackets.
"""

__version__ = "0.1.0"
