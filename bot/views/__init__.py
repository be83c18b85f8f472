"""Every message the bot sends, built here: each view returns ``(text, markup)``.

Views are pure: they take what the store returned and the chat's ``Buttons``, and give
back Telegram HTML with every piece of article and user text escaped, and a keyboard.
Handlers decide what to show; views decide how it reads.
"""
