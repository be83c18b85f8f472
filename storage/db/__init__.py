"""The database layer: the SQLite file (``connection``), its schema (``migrations``), one
module of plain functions per table group (``articles``, ``fts``, ``speakers``,
``subscriptions``, ``deliveries``, ``feeds``, ``keys``, ``stats``), what is derived with the
analyzer (``derived``), and the async ``Store`` facade (``store``). SQL lives only here."""
