"""The planners' workbench: a local web page for the whole monthly job (``rotation serve``).

It runs on the same engine as the command line; nothing here changes how a roster is made.
Modules: ``server`` starts it, ``app`` has the routes, ``forms`` reads what was typed, ``security`` guards every request,
``uploads`` receives files, ``runs`` keeps the workspace, ``jobs`` runs the one search at a
time, ``tasks`` calls the engine, ``views`` and ``charts`` prepare what the pages show.
"""
