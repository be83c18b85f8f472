"""Telegram handlers by feature: reading (search, statements), quotes, subscriptions,
administration, inline mode, buttons and errors. Each parses the update, asks the store,
and sends what a view built."""
