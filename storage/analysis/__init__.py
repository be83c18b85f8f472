"""Understanding a statement: its structure (parse), quotes and speakers, summary and
headline. Pure functions over strings: no database, network or Telegram here."""

from storage.analysis.parse import parse_article
from storage.analysis.pipeline import ANALYSIS_VERSION, analyze, analyze_text

__all__ = ["ANALYSIS_VERSION", "analyze", "analyze_text", "parse_article"]
