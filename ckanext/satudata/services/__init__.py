"""Open-data services of the portal (SPBE levels 1, 2 and 5): usage statistics,
the inventory of shared data, data quality (five stars, freshness, metadata
completeness), data requests with the help desk, and the SPBE evidence page.

The modules here hold the work; ``logic/action.py``, ``logic/auth.py``,
``helpers.py``, ``views.py`` and ``cli.py`` export their public functions.
"""
