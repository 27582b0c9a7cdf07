"""The Clearway dashboard (``clearway dashboard``): a Solara app in the browser.

Optional: install with ``pip install -e '.[dashboard]'``. Nothing outside this package imports
Solara, so ``import sim`` stays light. The parts:

- :mod:`sim.app.folder`: what an experiment folder holds, and its figures (from :mod:`sim.plots`);
- :mod:`sim.app.whatif`: a small run beside its baseline on the same seed;
- :mod:`sim.app.reform_info`: a reform's mechanism, assumptions, robustness and TFA article;
- :mod:`sim.app.tables`: the Markdown tables the pages show;
- :mod:`sim.app.dashboard` and the ``*_page`` modules: the Solara pages and routes;
- :mod:`sim.app.server`: the command line that starts the server.
"""
