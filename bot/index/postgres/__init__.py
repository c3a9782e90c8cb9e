"""The Postgres + pgvector backend: the index, feedback, the question log and cooldowns in one database.

Imported only when CITEBOT_DATABASE_URL is set (bot/index/open.py); it needs psycopg and pgvector
(`pip install 'citebot[postgres]'`).
"""
