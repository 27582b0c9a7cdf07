"""Ro-ro calls of imported finished vehicles at Nangang (issue 10, item 4).

``RoroTerminal(model, cfg)`` (:mod:`sim.roro.terminal`) is the runtime part the model plugs in when ``roro.enabled``; its
config is :class:`sim.schema.roro.RoroConfig` (``configs/roro/nangang.yaml``, switched on by
``scenario=nangang``).
"""
