"""The Discord front end: /ask, mentions, buttons, /status and /reindex on top of the retriever.

`bot.discord_app.main.run(settings)` is what `python -m bot discord` calls. Nothing in
the retrieval layer imports this package.
"""
