"""One cog per file, each loaded by CiteBot.setup_hook through its `setup(bot)`."""
