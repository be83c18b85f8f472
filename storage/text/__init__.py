"""Pure Persian text processing: letters and folding (``letters``), normalization with hazm
(``normalize``), sentences and content words, dates, HTML to text, bounded memos.

Nothing here touches a database, the network or Telegram; with the analysis layer, this is
the only place that imports hazm.
"""
