"""The gateway side of the fake: sessions that outlive their websockets, so RESUME replays.

https://discord.com/developers/docs/events/gateway
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
import zlib
from dataclasses import dataclass, field

from aiohttp import WSMsgType, web

from tests.discord.fake_discord.recorder import Frame, Recorder
from tests.discord.fake_discord.world import Json, World, shard_of

log = logging.getLogger("fake_discord.gateway")

# opcodes
DISPATCH, HEARTBEAT, IDENTIFY, PRESENCE, RESUME, REQUEST_MEMBERS = 0, 1, 2, 3, 6, 8
INVALID_SESSION, HELLO, HEARTBEAT_ACK = 9, 10, 11
# intents
GUILDS = 1 << 0
GUILD_MEMBERS = 1 << 1
GUILD_PRESENCES = 1 << 8
GUILD_MESSAGES = 1 << 9
DIRECT_MESSAGES = 1 << 12
MESSAGE_CONTENT = 1 << 15
PRIVILEGED = GUILD_MEMBERS | GUILD_PRESENCES | MESSAGE_CONTENT
# close codes
UNKNOWN_OPCODE, DECODE_ERROR, AUTHENTICATION_FAILED, INVALID_SHARD, DISALLOWED_INTENTS = 4001, 4002, 4004, 4010, 4014


class Connection:
    """One websocket. With compress=zlib-stream every payload is a Z_SYNC_FLUSH-terminated chunk
    of one zlib stream that lives as long as the socket. Any other value (discord.py asks for
    zstd-stream when `zstandard` is installed) gets plain text frames, which clients also read."""

    def __init__(self, number: int, request: web.Request, ws: web.WebSocketResponse) -> None:
        self.number = number
        self.path = request.path
        self.query = dict(request.query)
        self.request = request
        self.ws = ws
        self._zlib = zlib.compressobj() if self.query.get("compress") == "zlib-stream" else None
        self._lock = asyncio.Lock()  # keeps compressed chunks in stream order

    async def send(self, frame: Json) -> None:
        data = json.dumps(frame, separators=(",", ":"))
        async with self._lock:
            if self._zlib is None:
                await self.ws.send_str(data)
            else:
                await self.ws.send_bytes(self._zlib.compress(data.encode()) + self._zlib.flush(zlib.Z_SYNC_FLUSH))


@dataclass
class Session:
    id: str
    intents: int
    shard: tuple[int, int] = (0, 1)  # (shard id, shard count) from IDENTIFY
    seq: int = 0
    history: list[Json] = field(default_factory=list)  # every dispatch, for RESUME
    connection: Connection | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class Gateway:
    def __init__(
        self,
        world: World,
        token: str,
        frames: Recorder[Frame],
        *,
        heartbeat_interval_ms: int,
        privileged_intents: int,
    ) -> None:
        self.world = world
        self.token = token
        self.frames = frames
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.privileged_intents = privileged_intents
        self.resume_url = ""  # set once the server knows its port
        self.sessions: dict[str, Session] = {}
        self.connections: list[Connection] = []
        self.recommended_shards = 1  # what GET /gateway/bot says

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        conn = Connection(len(self.connections) + 1, request, ws)
        self.connections.append(conn)
        if conn.query.get("encoding", "json") != "json":
            log.error("fake gateway speaks JSON only, got encoding=%s", conn.query.get("encoding"))
            await ws.close(code=DECODE_ERROR)
            return ws
        await conn.send({"op": HELLO, "d": {"heartbeat_interval": self.heartbeat_interval_ms}, "s": None, "t": None})
        try:
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    break
                try:
                    payload = json.loads(msg.data)
                except ValueError:
                    await ws.close(code=DECODE_ERROR)
                    break
                await self._receive(conn, payload)
        finally:
            for session in self.sessions.values():
                if session.connection is conn:
                    session.connection = None
        return ws

    async def _receive(self, conn: Connection, payload: Json) -> None:
        op, d = int(payload.get("op", -1)), payload.get("d") or {}
        shown = {**d, "token": "<redacted>"} if isinstance(d, dict) and "token" in d else d
        self.frames.add(Frame(conn.number, op, shown, time.monotonic()))
        if op == HEARTBEAT:
            await conn.send({"op": HEARTBEAT_ACK, "d": None, "s": None, "t": None})
        elif op == IDENTIFY:
            await self._identify(conn, d)
        elif op == RESUME:
            await self._resume(conn, d)
        elif op == REQUEST_MEMBERS:
            await self._send_members(conn, d)
        elif op != PRESENCE:
            log.error("fake gateway: unknown opcode %s", op)
            await conn.ws.close(code=UNKNOWN_OPCODE)

    async def _identify(self, conn: Connection, d: Json) -> None:
        if d.get("token") != self.token:
            await conn.ws.close(code=AUTHENTICATION_FAILED, message=b"Authentication failed.")
            return
        intents = int(d.get("intents", 0))
        if intents & PRIVILEGED & ~self.privileged_intents:
            await conn.ws.close(code=DISALLOWED_INTENTS, message=b"Disallowed intent(s).")
            return
        shard = d.get("shard") or [0, 1]
        shard_id, shard_count = int(shard[0]), int(shard[1])
        if not 0 <= shard_id < shard_count:
            await conn.ws.close(code=INVALID_SHARD, message=b"Invalid shard.")
            return
        session = Session(secrets.token_hex(16), intents, (shard_id, shard_count))
        self.sessions[session.id] = session
        session.connection = conn
        world = self.world
        guilds = [g for g in world.guild_ids if shard_of(g, shard_count) == shard_id]
        ready = {
            "v": 10,
            "user": world.bot.user,
            "guilds": [{"id": str(g), "unavailable": True} for g in guilds],
            "shard": [shard_id, shard_count],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self.resume_url,
            "application": {"id": str(world.application_id), "flags": world.application_json()["flags"]},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "auth": {},
        }
        await self._dispatch_to(session, "READY", ready)
        for guild_id in guilds:
            guild = world.guild_create_json(all_members=bool(intents & GUILD_MEMBERS), guild_id=guild_id)
            await self._dispatch_to(session, "GUILD_CREATE", guild)

    async def _resume(self, conn: Connection, d: Json) -> None:
        session = self.sessions.get(d.get("session_id", ""))
        if session is None or d.get("token") != self.token:
            await conn.send({"op": INVALID_SESSION, "d": False, "s": None, "t": None})
            return
        async with session.lock:  # nothing may be dispatched between the replay and attaching
            for frame in session.history:
                if frame["s"] > (d.get("seq") or 0):
                    await conn.send(frame)
            session.connection = conn
        await self._dispatch_to(session, "RESUMED", {})

    async def _send_members(self, conn: Connection, d: Json) -> None:
        members = [p.member_json() for p in self.world.people]
        chunk = {"guild_id": d["guild_id"], "members": members, "chunk_index": 0, "chunk_count": 1}
        if d.get("nonce") is not None:
            chunk["nonce"] = d["nonce"]
        for session in self.sessions.values():
            if session.connection is conn:
                await self._dispatch_to(session, "GUILD_MEMBERS_CHUNK", chunk)

    async def dispatch(self, event: str, data: Json) -> None:
        """Send an event to every session subscribed to it (kept for replay if disconnected)."""
        for session in list(self.sessions.values()):
            visible = self._visible(session, event, data)
            if visible is not None:
                await self._dispatch_to(session, event, visible)

    async def _dispatch_to(self, session: Session, event: str, data: Json) -> None:
        async with session.lock:
            session.seq += 1
            frame = {"op": DISPATCH, "t": event, "s": session.seq, "d": data}
            session.history.append(frame)
            if session.connection is not None:
                try:
                    await session.connection.send(frame)
                except ConnectionResetError:
                    session.connection = None  # replayed on RESUME

    def _visible(self, session: Session, event: str, data: Json) -> Json | None:
        """What this session may see of the event: its shard's guilds (DMs go to shard 0), by its intents."""
        shard_id, shard_count = session.shard
        guild_id = data.get("guild_id") if isinstance(data, dict) else None
        if (shard_of(int(guild_id), shard_count) if guild_id else 0) != shard_id:
            return None
        if event != "MESSAGE_CREATE":
            return data
        needed = GUILD_MESSAGES if "guild_id" in data else DIRECT_MESSAGES
        if not session.intents & needed:
            return None
        bot_id = str(self.world.bot.id)
        sees_content = (
            session.intents & MESSAGE_CONTENT
            or "guild_id" not in data
            or data["author"]["id"] == bot_id
            or any(u["id"] == bot_id for u in data.get("mentions", []))
        )
        if sees_content:
            return data
        return {**data, "content": "", "embeds": [], "attachments": [], "components": []}

    async def drop(self, *, code: int = 4000, abrupt: bool = False) -> None:
        """Close every live websocket; sessions stay resumable and keep collecting events."""
        for session in self.sessions.values():
            conn, session.connection = session.connection, None
            if conn is None:
                continue
            if abrupt:
                assert conn.request.transport is not None
                conn.request.transport.abort()
            else:
                await conn.ws.close(code=code)

    async def close(self) -> None:
        for conn in self.connections:
            if not conn.ws.closed:
                await conn.ws.close(code=1001)
